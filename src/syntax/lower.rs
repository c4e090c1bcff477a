//! Lowering pest's parse tree into the [`ast`](super::ast), one function per grammar rule.
//!
//! Regions the grammar recovered from (`recover_*` pairs) are parsed again with the matching
//! strict entry rule, which fails where the region first goes wrong; that failure becomes the
//! syntax diagnostic.

use super::MAX_EXPRESSION_OPERATORS;
use super::ast::*;
use super::errors;
use super::grammar::{FlowParser, Rule};
use super::scan::trivia_end;
use crate::diagnostic::{Code, Diagnostic};
use crate::span::{FileId, Span};
use pest::Parser;
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};
use smallvec::SmallVec;
use std::cell::RefCell;
use std::sync::LazyLock;

pub fn parse_file(file: FileId, text: &str) -> (File, Vec<Diagnostic>) {
    let lowerer = Lowerer {
        file,
        text,
        offset: 0,
        diagnostics: RefCell::new(Vec::new()),
    };
    let ast = match FlowParser::parse(Rule::file, text) {
        Ok(mut pairs) => {
            let file_pair = pairs.next().expect("the file rule always produces a pair");
            let items = file_pair
                .into_inner()
                .filter_map(|pair| lowerer.item(pair))
                .collect();
            File { items }
        }
        Err(error) => {
            lowerer.push(errors::from_pest(file, text, 0, &error));
            File::default()
        }
    };
    (ast, lowerer.diagnostics.into_inner())
}

/// Parses the expression of a `{placeholder}` whose text starts at byte `offset` of its file;
/// `None` when it is not an expression or nests too deep (the caller reports it, with the
/// placeholder's span).
pub fn parse_placeholder(file: FileId, text: &str, offset: usize) -> Option<Expr> {
    // pest's generated parser recurses: text nested deeper than the pre-pass allows is refused.
    if super::nests_too_deep(text) {
        return None;
    }
    let lowerer = Lowerer {
        file,
        text,
        offset,
        diagnostics: RefCell::new(Vec::new()),
    };
    let mut pairs = FlowParser::parse(Rule::placeholder, text).ok()?;
    let placeholder = pairs.next()?;
    let expr = placeholder
        .into_inner()
        .find(|p| p.as_rule() == Rule::expr)?;
    (operators(&expr) <= MAX_EXPRESSION_OPERATORS).then(|| lowerer.expr(expr))
}

struct Lowerer<'t> {
    file: FileId,
    text: &'t str,
    /// Where `text` starts in its file (non-zero when lowering a fragment).
    offset: usize,
    diagnostics: RefCell<Vec<Diagnostic>>,
}

impl Lowerer<'_> {
    fn push(&self, diagnostic: Diagnostic) {
        self.diagnostics.borrow_mut().push(diagnostic);
    }

    /// The span of a pair, without the whitespace and comments pest's implicit skipping may
    /// have added at its end (after an optional or repeated last part). The last inner pair
    /// may be followed by closing parentheses (an expression ending in a parenthesised
    /// operand, perhaps with whitespace before them), which stay.
    fn span(&self, pair: &Pair<Rule>) -> Span {
        let span = pair.as_span();
        let mut end = span.end();
        if let Some(last) = pair.clone().into_inner().last() {
            let mut inner_end = self.span(&last).end as usize - self.offset;
            let mut at = inner_end;
            loop {
                at = trivia_end(self.text.as_bytes(), at, end);
                if at < end && self.text.as_bytes()[at] == b')' {
                    at += 1;
                    inner_end = at;
                } else {
                    break;
                }
            }
            if inner_end < end && trivia_end(self.text.as_bytes(), inner_end, end) == end {
                end = inner_end;
            }
        }
        Span::new(self.file, span.start() + self.offset, end + self.offset)
    }

    /// Describes a recovered region by parsing it again with `strict`.
    fn recovered(&self, pair: &Pair<Rule>, strict: Rule) {
        let start = pair.as_span().start();
        // The strict parse stops at the first error, which lies in the region; the text after
        // it is context (the line after the region holds the `}` a member list needs). The
        // window is bounded because pest's error needs time linear in the input's length.
        let region_end = pair.as_span().end();
        let next_line = |from: usize| {
            self.text[from..]
                .find('\n')
                .map_or(self.text.len(), |i| from + i + 1)
        };
        let window_end = next_line(next_line(region_end).min(self.text.len()));
        let rest = &self.text[start..window_end];
        let diagnostic = match errors::with_error_detail(|| FlowParser::parse(strict, rest)) {
            Err(error) => errors::from_pest(self.file, self.text, start, &error),
            Ok(_) => Diagnostic::error(Code::SyntaxError, "unexpected text")
                .with_primary(self.span(pair), "this could not be read"),
        };
        self.push(diagnostic);
    }

    fn ident(&self, pair: Pair<Rule>) -> Ident {
        Ident {
            name: pair.as_str().into(),
            span: self.span(&pair),
        }
    }

    fn string(&self, pair: Pair<Rule>) -> Str {
        let span = self.span(&pair);
        let body = pair.into_inner().next().expect("a string has a body");
        let body_start = body.as_span().start();
        Str {
            value: self.unescape(body.as_str(), body_start).into(),
            span,
        }
    }

    fn unescape(&self, body: &str, body_start: usize) -> String {
        let mut out = String::with_capacity(body.len());
        let mut chars = body.char_indices();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some((_, '"')) => out.push('"'),
                Some((_, '\\')) => out.push('\\'),
                Some((_, 'n')) => out.push('\n'),
                Some((_, 't')) => out.push('\t'),
                Some((j, other)) => {
                    let at = body_start + i;
                    self.push(
                        Diagnostic::error(
                            Code::InvalidEscape,
                            format!("unknown escape `\\{other}`"),
                        )
                        .with_primary(
                            Span::new(self.file, at, body_start + j + other.len_utf8()),
                            "not an escape",
                        )
                        .with_help("the escapes are \\\" \\\\ \\n and \\t"),
                    );
                    out.push(other);
                }
                None => {}
            }
        }
        out
    }

    fn item(&self, pair: Pair<Rule>) -> Option<Item> {
        let item = match pair.as_rule() {
            Rule::model_decl => Item::Model(Box::new(self.model_decl(pair))),
            Rule::use_decl => Item::Use(Box::new(self.use_decl(pair))),
            Rule::role_decl => {
                let (name, doc, block, span) = self.named_block(pair);
                Item::Role(Box::new(RoleDecl {
                    name,
                    doc,
                    block,
                    span,
                }))
            }
            Rule::capability_decl => {
                let (name, doc, block, span) = self.named_block(pair);
                Item::Capability(Box::new(CapabilityDecl {
                    name,
                    doc,
                    block,
                    span,
                }))
            }
            Rule::classification_decl => {
                let (name, doc, block, span) = self.named_block(pair);
                Item::Classification(Box::new(ClassificationDecl {
                    name,
                    doc,
                    block,
                    span,
                }))
            }
            Rule::kind_decl => Item::Kind(Box::new(self.kind_decl(pair))),
            Rule::data_decl => Item::Data(Box::new(self.data_decl(pair))),
            Rule::boundary_decl => Item::Boundary(Box::new(self.boundary_decl(pair))),
            Rule::element_decl => Item::Element(Box::new(self.element_decl(pair))),
            Rule::flow_decl => Item::Flow(Box::new(self.flow_decl(pair))),
            Rule::rule_decl => Item::Rule(Box::new(self.rule_decl(pair)?)),
            Rule::accept_decl => Item::Accept(Box::new(self.accept_decl(pair))),
            Rule::recover_item => {
                self.recovered(&pair, Rule::strict_items);
                return None;
            }
            Rule::EOI => return None,
            other => unreachable!("unexpected item rule {other:?}"),
        };
        Some(item)
    }

    fn model_decl(&self, pair: Pair<Rule>) -> ModelDecl {
        let span = self.span(&pair);
        let mut inner = skip_keyword(pair.into_inner());
        let name = self.string(inner.next().expect("model name"));
        let block = self.block(inner.next().expect("model block"));
        ModelDecl { name, block, span }
    }

    fn use_decl(&self, pair: Pair<Rule>) -> UseDecl {
        let span = self.span(&pair);
        let target = skip_keyword(pair.into_inner()).next().expect("use target");
        let target = match target.as_rule() {
            Rule::string => UseTarget::Path(self.string(target)),
            _ => UseTarget::Module(self.ident(target)),
        };
        UseDecl { target, span }
    }

    /// `keyword name "doc"? block?`
    fn named_block(&self, pair: Pair<Rule>) -> (Ident, Option<Str>, Block, Span) {
        let span = self.span(&pair);
        let mut inner = skip_keyword(pair.into_inner()).peekable();
        let name = self.ident(inner.next().expect("name"));
        let doc = self.optional_string(&mut inner);
        let block = self.optional_block(&mut inner);
        (name, doc, block, span)
    }

    fn optional_string<'i>(
        &self,
        inner: &mut std::iter::Peekable<impl Iterator<Item = Pair<'i, Rule>>>,
    ) -> Option<Str> {
        inner
            .next_if(|p| p.as_rule() == Rule::string)
            .map(|p| self.string(p))
    }

    fn optional_block<'i>(
        &self,
        inner: &mut std::iter::Peekable<impl Iterator<Item = Pair<'i, Rule>>>,
    ) -> Block {
        inner
            .next_if(|p| p.as_rule() == Rule::block)
            .map(|p| self.block(p))
            .unwrap_or_default()
    }

    fn block(&self, pair: Pair<Rule>) -> Block {
        let span = self.span(&pair);
        let mut attributes = Vec::new();
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::attribute => attributes.push(self.attribute(child)),
                Rule::recover_attr => self.recovered(&child, Rule::strict_attrs),
                other => unreachable!("unexpected block rule {other:?}"),
            }
        }
        Block {
            attributes,
            span: Some(span),
        }
    }

    fn attribute(&self, pair: Pair<Rule>) -> Attribute {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let key = self.ident(inner.next().expect("attribute key"));
        let values = match inner.next() {
            Some(list) => list.into_inner().map(|v| self.value(v)).collect(),
            None => SmallVec::new(),
        };
        Attribute { key, values, span }
    }

    fn value(&self, pair: Pair<Rule>) -> Value {
        let span = self.span(&pair);
        let inner = pair.into_inner().next().expect("a value has one child");
        let kind = match inner.as_rule() {
            Rule::ident => ValueKind::Ident(inner.as_str().into()),
            Rule::string => ValueKind::Str(self.string(inner).value.into()),
            Rule::integer => match self.integer(&inner) {
                Some(n) => ValueKind::Int(n),
                None => ValueKind::Invalid(inner.as_str().to_string()),
            },
            Rule::date => self.date(&inner),
            Rule::rate => self.rate(inner),
            Rule::tagged => {
                let mut parts = inner.into_inner();
                let name = self.ident(parts.next().expect("tag"));
                let text = parts.next().expect("tagged string");
                let text_span = self.span(&text);
                let value = self.string(text).value;
                ValueKind::Call(Box::new(Call {
                    name,
                    args: vec![Value {
                        kind: ValueKind::Str(value.into()),
                        span: text_span,
                    }],
                    tagged: true,
                }))
            }
            Rule::call => {
                let mut parts = inner.into_inner();
                let name = self.ident(parts.next().expect("call name"));
                let args = parts.map(|p| self.value(p)).collect();
                ValueKind::Call(Box::new(Call {
                    name,
                    args,
                    tagged: false,
                }))
            }
            other => unreachable!("unexpected value rule {other:?}"),
        };
        Value { kind, span }
    }

    fn integer(&self, pair: &Pair<Rule>) -> Option<i64> {
        let parsed = pair.as_str().parse().ok();
        if parsed.is_none() {
            self.push(
                Diagnostic::error(Code::IntegerOutOfRange, "integer too large")
                    .with_primary(self.span(pair), "does not fit in 64 bits"),
            );
        }
        parsed
    }

    fn date(&self, pair: &Pair<Rule>) -> ValueKind {
        let text = pair.as_str();
        let number = |range: std::ops::Range<usize>| text[range].parse::<u32>().unwrap_or(0);
        let (year, month, day) = (number(0..4), number(5..7), number(8..10));
        let date = time::Month::try_from(month as u8)
            .ok()
            .and_then(|month| time::Date::from_calendar_date(year as i32, month, day as u8).ok());
        match date {
            Some(date) => ValueKind::Date(date),
            None => {
                self.push(
                    Diagnostic::error(
                        Code::InvalidDate,
                        format!("`{text}` is not a calendar date"),
                    )
                    .with_primary(self.span(pair), "no such day")
                    .with_help("dates are written YYYY-MM-DD"),
                );
                ValueKind::Invalid(text.to_string())
            }
        }
    }

    fn rate(&self, pair: Pair<Rule>) -> ValueKind {
        let span = self.span(&pair);
        let mut parts = pair.into_inner();
        let count_pair = parts.next().expect("rate count");
        let unit_pair = parts.next().expect("rate unit");
        let count = count_pair.as_str().parse::<u64>().ok();
        let unit = RateUnit::parse(unit_pair.as_str());
        match (count, unit) {
            (Some(count), Some(unit)) if count > 0 => ValueKind::Rate { count, unit },
            (_, None) => {
                self.push(
                    Diagnostic::error(
                        Code::InvalidRate,
                        format!("unknown rate unit `{}`", unit_pair.as_str()),
                    )
                    .with_primary(self.span(&unit_pair), "not a unit")
                    .with_help("rates are written like 100/s, 600/min, 5000/h or 100000/day"),
                );
                ValueKind::Invalid(span_text(self.text, span))
            }
            _ => {
                self.push(
                    Diagnostic::error(
                        Code::InvalidRate,
                        "a rate must be a positive whole number per unit",
                    )
                    .with_primary(self.span(&count_pair), "out of range"),
                );
                ValueKind::Invalid(span_text(self.text, span))
            }
        }
    }

    fn kind_decl(&self, pair: Pair<Rule>) -> KindDecl {
        let span = self.span(&pair);
        let mut inner = skip_keyword(pair.into_inner()).peekable();
        let name = self.ident(inner.next().expect("kind name"));
        let role = self.ident(inner.next().expect("kind role"));
        let doc = self.optional_string(&mut inner);
        let mut kind = KindDecl {
            name,
            role,
            doc,
            properties: Vec::new(),
            attrs: Vec::new(),
            order: Vec::new(),
            block_span: None,
            span,
        };
        if let Some(block) = inner.next() {
            kind.block_span = Some(self.span(&block));
            for child in block.into_inner() {
                match child.as_rule() {
                    Rule::attribute => {
                        kind.order.push(KindMember::Property(kind.properties.len()));
                        kind.properties.push(self.attribute(child));
                    }
                    Rule::attr_decl => {
                        kind.order.push(KindMember::Attr(kind.attrs.len()));
                        kind.attrs.push(self.attr_decl(child));
                    }
                    Rule::recover_attr => self.recovered(&child, Rule::strict_kind_items),
                    other => unreachable!("unexpected kind member {other:?}"),
                }
            }
        }
        kind
    }

    fn attr_decl(&self, pair: Pair<Rule>) -> AttrDecl {
        let span = self.span(&pair);
        let mut inner = skip_keyword(pair.into_inner()).peekable();
        let name = self.ident(inner.next().expect("attr name"));
        let ty = self.term(inner.next().expect("attr type"));
        let default = inner
            .next_if(|p| p.as_rule() == Rule::default_value)
            .map(|p| self.value(p));
        let doc = self.optional_string(&mut inner);
        AttrDecl {
            name,
            ty,
            default,
            doc,
            span,
        }
    }

    fn term(&self, pair: Pair<Rule>) -> Term {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let name = self.ident(inner.next().expect("term name"));
        let args = inner.map(|p| self.term(p)).collect();
        Term { name, args, span }
    }

    fn data_decl(&self, pair: Pair<Rule>) -> DataDecl {
        let span = self.span(&pair);
        let mut inner = skip_keyword(pair.into_inner()).peekable();
        let name = self.ident(inner.next().expect("data name"));
        let classification = self.ident(inner.next().expect("classification"));
        let doc = self.optional_string(&mut inner);
        let block = self.optional_block(&mut inner);
        DataDecl {
            name,
            classification,
            doc,
            block,
            span,
        }
    }

    fn boundary_decl(&self, pair: Pair<Rule>) -> BoundaryDecl {
        let span = self.span(&pair);
        let mut inner = skip_keyword(pair.into_inner()).peekable();
        let name = self.ident(inner.next().expect("boundary name"));
        let kind = inner
            .next_if(|p| p.as_rule() == Rule::dotted_name)
            .map(|p| self.ident(p));
        let label = self.optional_string(&mut inner);
        let mut members = Vec::new();
        let mut block_span = None;
        if let Some(block) = inner.next() {
            block_span = Some(self.span(&block));
            for child in block.into_inner() {
                let member = match child.as_rule() {
                    Rule::boundary_decl => Member::Boundary(Box::new(self.boundary_decl(child))),
                    Rule::element_decl => Member::Element(Box::new(self.element_decl(child))),
                    Rule::flow_decl => Member::Flow(Box::new(self.flow_decl(child))),
                    Rule::attribute => Member::Attribute(Box::new(self.attribute(child))),
                    Rule::recover_member => {
                        self.recovered(&child, Rule::strict_members);
                        continue;
                    }
                    other => unreachable!("unexpected boundary member {other:?}"),
                };
                members.push(member);
            }
        }
        BoundaryDecl {
            name,
            kind,
            label,
            members,
            block_span,
            span,
        }
    }

    fn element_decl(&self, pair: Pair<Rule>) -> ElementDecl {
        let span = self.span(&pair);
        let mut inner = pair.into_inner().peekable();
        let keyword = self.ident(inner.next().expect("element keyword"));
        let name = self.ident(inner.next().expect("element name"));
        let kind = inner
            .next_if(|p| p.as_rule() == Rule::dotted_name)
            .map(|p| self.ident(p));
        let label = self.optional_string(&mut inner);
        let block = self.optional_block(&mut inner);
        ElementDecl {
            keyword,
            name,
            kind,
            label,
            block,
            span,
        }
    }

    fn flow_decl(&self, pair: Pair<Rule>) -> FlowDecl {
        let span = self.span(&pair);
        let mut inner = skip_keyword(pair.into_inner()).peekable();
        let source = self.ident(inner.next().expect("flow source"));
        let target = self.ident(inner.next().expect("flow target"));
        let label = self.optional_string(&mut inner);
        let block = self.optional_block(&mut inner);
        FlowDecl {
            source,
            target,
            label,
            block,
            span,
        }
    }

    fn accept_decl(&self, pair: Pair<Rule>) -> AcceptDecl {
        let span = self.span(&pair);
        let mut inner = skip_keyword(pair.into_inner());
        let rule = self.ident(inner.next().expect("accepted rule"));
        let target = self.ident(inner.next().expect("accepted element"));
        let block = self.block(inner.next().expect("accept block"));
        AcceptDecl {
            rule,
            target,
            block,
            span,
        }
    }

    /// A rule; `None` when its condition is too long to read (reported; the rule is left out
    /// rather than reported again as having no condition).
    fn rule_decl(&self, pair: Pair<Rule>) -> Option<RuleDecl> {
        let span = self.span(&pair);
        let mut inner = skip_keyword(pair.into_inner());
        let id = self.ident(inner.next().expect("rule id"));
        let title = self.string(inner.next().expect("rule title"));
        let block = inner.next().expect("rule block");
        let block_span = self.span(&block);
        let mut items = Vec::new();
        let mut readable = true;
        for child in block.into_inner() {
            let child_span = self.span(&child);
            match child.as_rule() {
                Rule::rule_for => {
                    let mut parts = skip_keyword(child.into_inner());
                    let role = self.ident(parts.next().expect("for role"));
                    let var = self.ident(parts.next().expect("for variable"));
                    items.push(RuleItem::For {
                        role,
                        var,
                        span: child_span,
                    });
                }
                Rule::rule_where => {
                    let expr_pair = skip_keyword(child.into_inner())
                        .next()
                        .expect("where expression");
                    let count = operators(&expr_pair);
                    if count > MAX_EXPRESSION_OPERATORS {
                        self.push(
                            Diagnostic::error(
                                Code::ExpressionTooLong,
                                format!(
                                    "this expression has {count} operators; the limit is {MAX_EXPRESSION_OPERATORS}"
                                ),
                            )
                            .with_primary(child_span, "too long")
                            .with_help("split the rule, or name parts of the condition with several rules"),
                        );
                        readable = false;
                        continue;
                    }
                    items.push(RuleItem::Where {
                        expr: self.expr(expr_pair),
                        span: child_span,
                    });
                }
                Rule::attribute => items.push(RuleItem::Attribute(self.attribute(child))),
                Rule::recover_attr => self.recovered(&child, Rule::strict_rule_items),
                other => unreachable!("unexpected rule item {other:?}"),
            }
        }
        readable.then_some(RuleDecl {
            id,
            title,
            items,
            block_span,
            span,
        })
    }

    fn expr(&self, pair: Pair<Rule>) -> Expr {
        PRATT
            .map_primary(|primary| self.primary(primary))
            .map_prefix(|op, operand| Expr {
                span: self.span(&op).to(operand.span),
                kind: ExprKind::Not(Box::new(operand)),
            })
            .map_postfix(|base, access| {
                let access_span = self.span(&access);
                let mut parts = access.into_inner();
                let name = self.ident(parts.next().expect("member name"));
                let args = parts.next().map(|args| self.call_args(args));
                Expr {
                    span: base.span.to(access_span),
                    kind: ExprKind::Member {
                        base: Box::new(base),
                        name,
                        args,
                    },
                }
            })
            .map_infix(|lhs, op, rhs| {
                let op = match op.as_rule() {
                    Rule::op_or => BinaryOp::Or,
                    Rule::op_and => BinaryOp::And,
                    Rule::op_eq => BinaryOp::Eq,
                    Rule::op_ne => BinaryOp::Ne,
                    Rule::op_lt => BinaryOp::Lt,
                    Rule::op_le => BinaryOp::Le,
                    Rule::op_gt => BinaryOp::Gt,
                    Rule::op_ge => BinaryOp::Ge,
                    other => unreachable!("unexpected operator {other:?}"),
                };
                Expr {
                    span: lhs.span.to(rhs.span),
                    kind: ExprKind::Binary {
                        op,
                        lhs: Box::new(lhs),
                        rhs: Box::new(rhs),
                    },
                }
            })
            .parse(pair.into_inner())
    }

    fn primary(&self, pair: Pair<Rule>) -> Expr {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::expr => return self.expr(pair),
            Rule::ident => ExprKind::Name(pair.as_str().to_string()),
            Rule::string => ExprKind::Str(self.string(pair).value.into()),
            Rule::integer => ExprKind::Int(self.integer(&pair).unwrap_or_default()),
            Rule::call_expr => {
                let mut parts = pair.into_inner();
                let name = self.ident(parts.next().expect("function name"));
                let args = self.call_args(parts.next().expect("call arguments"));
                ExprKind::Call { name, args }
            }
            Rule::lambda => {
                let mut parts = pair.into_inner();
                let param = self.ident(parts.next().expect("lambda parameter"));
                let body = self.expr(parts.next().expect("lambda body"));
                ExprKind::Lambda {
                    param,
                    body: Box::new(body),
                }
            }
            other => unreachable!("unexpected primary {other:?}"),
        };
        Expr { kind, span }
    }

    fn call_args(&self, pair: Pair<Rule>) -> Vec<Expr> {
        pair.into_inner().map(|arg| self.expr(arg)).collect()
    }
}

static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::op_or, Assoc::Left))
        .op(Op::infix(Rule::op_and, Assoc::Left))
        .op(Op::prefix(Rule::op_not))
        .op(Op::infix(Rule::op_eq, Assoc::Left)
            | Op::infix(Rule::op_ne, Assoc::Left)
            | Op::infix(Rule::op_lt, Assoc::Left)
            | Op::infix(Rule::op_le, Assoc::Left)
            | Op::infix(Rule::op_gt, Assoc::Left)
            | Op::infix(Rule::op_ge, Assoc::Left))
        .op(Op::postfix(Rule::member_access))
});

/// The operators of an expression, everything nested in it included (counted without
/// recursion: the pairs are a flat queue).
fn operators(expr: &Pair<Rule>) -> usize {
    expr.clone()
        .into_inner()
        .flatten()
        .filter(|p| {
            matches!(
                p.as_rule(),
                Rule::op_not
                    | Rule::op_or
                    | Rule::op_and
                    | Rule::op_eq
                    | Rule::op_ne
                    | Rule::op_lt
                    | Rule::op_le
                    | Rule::op_gt
                    | Rule::op_ge
                    | Rule::member_access
                    | Rule::lambda
            )
        })
        .count()
}

/// Drops the leading keyword pair (`kw_*`) of a declaration.
fn skip_keyword(pairs: Pairs<'_, Rule>) -> impl Iterator<Item = Pair<'_, Rule>> {
    pairs.filter(|p| {
        !matches!(
            p.as_rule(),
            Rule::kw_model
                | Rule::kw_use
                | Rule::kw_role
                | Rule::kw_capability
                | Rule::kw_kind
                | Rule::kw_attr
                | Rule::kw_classification
                | Rule::kw_data
                | Rule::kw_boundary
                | Rule::kw_flow
                | Rule::kw_rule
                | Rule::kw_accept
                | Rule::kw_on
                | Rule::kw_for
                | Rule::kw_where
        )
    })
}

fn span_text(text: &str, span: Span) -> String {
    text[span.range()].to_string()
}
