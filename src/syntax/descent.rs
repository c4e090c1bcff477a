//! The fast path of parsing: a hand-written recursive-descent parser for well-formed `.flow`
//! text.
//!
//! It accepts what `grammar/flow.pest` accepts without recovering from an error and builds the
//! same syntax tree, spans included, an order of magnitude faster than pest's generated parser
//! and the lowering of its pairs. Alternatives are tried in the grammar's order. On anything it
//! is not sure of — a syntax error, a malformed literal, an optional part that starts but does
//! not finish — it gives up, and the pest parser runs instead with its recovery and precise
//! diagnostics. So a tree from here always equals pest's, and no diagnostic is ever lost; tests
//! over every bundled file and mutations of them, and a fuzz target, hold the two together.
//!
//! The lexical pre-pass has run first: brackets are balanced and nested at most
//! [`super::MAX_NESTING`] deep, so the recursion here is bounded.

use super::ast::*;
use super::scan::trivia_end;
use super::{DECLARATION_KEYWORDS, MAX_EXPRESSION_OPERATORS};
use crate::span::{FileId, Span};
use compact_str::CompactString;
use smallvec::SmallVec;

/// Parses well-formed text; `None` when the text needs the reference parser.
pub fn parse(file: FileId, text: &str) -> Option<File> {
    Some(File {
        items: parse_range(file, text, 0..text.len())?,
    })
}

/// The top-level declarations in `range` of the text (which starts and ends between
/// declarations); `None` when they need the reference parser.
fn parse_range(file: FileId, text: &str, range: std::ops::Range<usize>) -> Option<Vec<Item>> {
    let text = &text[..range.end];
    let mut parser = Parser::new(file, text, range.start, 0);
    parser.file().ok().map(|file| file.items)
}

/// Parses well-formed text as [`parse`] does, on every core in the pieces [`cuts`] finds
/// (pieces of at least `piece` bytes); when a piece gives up and there were several, the whole
/// text is parsed at once. `None` when the text needs the reference parser.
pub fn parse_in_pieces(
    file: FileId,
    text: &str,
    top_level_lines: &[u32],
    piece: usize,
) -> Option<File> {
    let pieces = cuts(text, top_level_lines, piece);
    if pieces.len() == 1 {
        return parse(file, text);
    }
    // A piece the fast parser gave up on may still read as part of the whole.
    parse_pieces(file, text, pieces).or_else(|| parse(file, text))
}

/// Where the text may be cut into pieces of at least `piece` bytes: only before a line of
/// `top_level_lines` (the lexical pre-pass's lines that start outside every bracket) whose
/// first word is a declaration keyword, which no declaration continues with.
pub fn cuts(text: &str, top_level_lines: &[u32], piece: usize) -> Vec<std::ops::Range<usize>> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    for &line in top_level_lines {
        let at = line as usize;
        if at - starts.last().expect("one start at least") < piece.max(1) {
            continue;
        }
        let end = bytes[at..]
            .iter()
            .position(|&b| !is_ident_char(b))
            .map_or(bytes.len(), |p| at + p);
        if DECLARATION_KEYWORDS.contains(&&text[at..end]) {
            starts.push(at);
        }
    }
    starts.push(text.len());
    starts.windows(2).map(|w| w[0]..w[1]).collect()
}

/// The declarations of each of `pieces` (which cover the text), parsed on every core and
/// joined in order; `None` when one of them gives up.
pub fn parse_pieces(file: FileId, text: &str, pieces: Vec<std::ops::Range<usize>>) -> Option<File> {
    use rayon::prelude::*;
    let parsed: Vec<Option<Vec<Item>>> = pieces
        .into_par_iter()
        .map(|range| parse_range(file, text, range))
        .collect();
    let mut items = Vec::with_capacity(parsed.iter().flatten().map(Vec::len).sum());
    for piece in parsed {
        items.extend(piece?);
    }
    Some(File { items })
}

/// The expression of a `{placeholder}` whose text starts at byte `offset` of its file, as the
/// grammar's `placeholder` rule reads it (trivia around one expression); `None` when the
/// reference parser must decide. Only printable ASCII is read here: the lexical pre-pass has not
/// looked at a placeholder, so anything else goes to the reference parser, and nesting deeper
/// than [`super::MAX_NESTING`] is refused here.
pub fn parse_placeholder(file: FileId, text: &str, offset: usize) -> Option<Expr> {
    if !text.bytes().all(|b| matches!(b, b' '..=b'~')) || super::nests_too_deep(text) {
        return None;
    }
    let mut parser = Parser::new(file, text, 0, offset);
    parser.skip_trivia();
    let expr = parser.expr().ok()?;
    parser.skip_trivia();
    (parser.pos == text.len()).then_some(expr)
}

/// The parser gave up: the reference parser decides.
struct GiveUp;

type Parse<T> = Result<T, GiveUp>;

fn is_ident_start(byte: u8) -> bool {
    byte.is_ascii_alphabetic() || byte == b'_'
}

fn is_ident_char(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

struct Parser<'t> {
    file: FileId,
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
    /// Where `text` starts in its file: added to every span (non-zero for a placeholder).
    base: usize,
    /// Operators read in the current `where` expression (over the limit: the reference parser
    /// reports it).
    operators: usize,
    /// Where a block's attributes are gathered, and each open boundary's members (one buffer
    /// per level): the tree keeps vectors of exactly their length, which matters when a large
    /// model has a million small blocks.
    attributes: Vec<Attribute>,
    members: Vec<Vec<Member>>,
}

impl<'t> Parser<'t> {
    /// A parser of `text` from byte `pos`, whose spans are shifted by `base`.
    fn new(file: FileId, text: &'t str, pos: usize, base: usize) -> Parser<'t> {
        Parser {
            file,
            text,
            bytes: text.as_bytes(),
            pos,
            base,
            operators: 0,
            attributes: Vec::new(),
            members: Vec::new(),
        }
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, self.base + start, self.base + end)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn peek_at(&self, at: usize) -> Option<u8> {
        self.bytes.get(at).copied()
    }

    fn at(&self, literal: &str) -> bool {
        self.bytes[self.pos..].starts_with(literal.as_bytes())
    }

    /// Consumes `literal` if it comes next.
    fn eat(&mut self, literal: &str) -> bool {
        let found = self.at(literal);
        if found {
            self.pos += literal.len();
        }
        found
    }

    fn expect(&mut self, literal: &str) -> Parse<()> {
        if self.eat(literal) {
            Ok(())
        } else {
            Err(GiveUp)
        }
    }

    /// The grammar's implicit `WHITESPACE | COMMENT` between the parts of a normal rule.
    fn skip_trivia(&mut self) {
        self.pos = trivia_end(self.bytes, self.pos, self.bytes.len());
    }

    fn skip_hspace(&mut self) -> bool {
        let start = self.pos;
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
        self.pos > start
    }

    /// The end of the identifier starting at `at`, if one does.
    fn ident_end(&self, at: usize) -> Option<usize> {
        if !self.peek_at(at).is_some_and(is_ident_start) {
            return None;
        }
        let mut end = at + 1;
        while self.peek_at(end).is_some_and(is_ident_char) {
            end += 1;
        }
        Some(end)
    }

    /// The identifier at the current position, without consuming it.
    fn word(&self) -> Option<&'t str> {
        self.ident_end(self.pos)
            .map(|end| &self.text[self.pos..end])
    }

    fn ident(&mut self) -> Parse<Ident> {
        let end = self.ident_end(self.pos).ok_or(GiveUp)?;
        Ok(self.ident_to(end))
    }

    /// The text from the current position to `end` as an identifier.
    fn ident_to(&mut self, end: usize) -> Ident {
        let start = self.pos;
        self.pos = end;
        Ident {
            name: CompactString::from(&self.text[start..end]),
            span: self.span(start, end),
        }
    }

    /// `ident ("." ident)*`
    fn dotted_name(&mut self) -> Parse<Ident> {
        let mut end = self.ident_end(self.pos).ok_or(GiveUp)?;
        while self.peek_at(end) == Some(b'.') {
            match self.ident_end(end + 1) {
                Some(next) => end = next,
                None => break,
            }
        }
        Ok(self.ident_to(end))
    }

    /// `ident ("-" ident_char+)*`, then for a pattern `"-"? "*"?`.
    fn rule_name(&mut self, pattern: bool) -> Parse<Ident> {
        let mut end = self.ident_end(self.pos).ok_or(GiveUp)?;
        while self.peek_at(end) == Some(b'-') && self.peek_at(end + 1).is_some_and(is_ident_char) {
            end += 2;
            while self.peek_at(end).is_some_and(is_ident_char) {
                end += 1;
            }
        }
        if pattern {
            if self.peek_at(end) == Some(b'-') {
                end += 1;
            }
            if self.peek_at(end) == Some(b'*') {
                end += 1;
            }
        }
        Ok(self.ident_to(end))
    }

    /// A keyword: the identifier here is exactly `keyword`.
    fn keyword(&mut self, keyword: &str) -> Parse<usize> {
        let start = self.pos;
        if self.word() != Some(keyword) {
            return Err(GiveUp);
        }
        self.pos += keyword.len();
        Ok(start)
    }

    /// A string literal, its escapes resolved. Unknown escapes are the reference parser's to
    /// report.
    fn string(&mut self) -> Parse<Str> {
        let start = self.pos;
        self.expect("\"")?;
        let body_start = self.pos;
        let mut value = CompactString::default();
        let mut copied = body_start;
        loop {
            match self.peek() {
                Some(b'"') => break,
                Some(b'\\') => {
                    let escaped = match self.peek_at(self.pos + 1) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'n') => '\n',
                        Some(b't') => '\t',
                        _ => return Err(GiveUp),
                    };
                    value.push_str(&self.text[copied..self.pos]);
                    value.push(escaped);
                    self.pos += 2;
                    copied = self.pos;
                }
                Some(b'\n' | b'\r') | None => return Err(GiveUp),
                Some(_) => self.pos += 1,
            }
        }
        value.push_str(&self.text[copied..self.pos]);
        self.pos += 1;
        Ok(Str {
            value,
            span: self.span(start, self.pos),
        })
    }

    fn optional_string(&mut self) -> Parse<Option<Str>> {
        if self.peek() == Some(b'"') {
            let string = self.string()?;
            self.skip_trivia();
            Ok(Some(string))
        } else {
            Ok(None)
        }
    }

    // -----------------------------------------------------------------------------------------
    // Declarations

    fn file(&mut self) -> Parse<File> {
        let mut items = Vec::new();
        self.skip_trivia();
        while self.pos < self.bytes.len() {
            items.push(self.item()?);
            self.skip_trivia();
        }
        Ok(File { items })
    }

    fn item(&mut self) -> Parse<Item> {
        let item = match self.word().ok_or(GiveUp)? {
            "model" => Item::Model(Box::new(self.model_decl()?)),
            "use" => Item::Use(Box::new(self.use_decl()?)),
            "role" => {
                let (name, doc, block, span) = self.named_block("role")?;
                Item::Role(Box::new(RoleDecl {
                    name,
                    doc,
                    block,
                    span,
                }))
            }
            "capability" => {
                let (name, doc, block, span) = self.named_block("capability")?;
                Item::Capability(Box::new(CapabilityDecl {
                    name,
                    doc,
                    block,
                    span,
                }))
            }
            "classification" => {
                let (name, doc, block, span) = self.named_block("classification")?;
                Item::Classification(Box::new(ClassificationDecl {
                    name,
                    doc,
                    block,
                    span,
                }))
            }
            "kind" => Item::Kind(Box::new(self.kind_decl()?)),
            "data" => Item::Data(Box::new(self.data_decl()?)),
            "boundary" => Item::Boundary(Box::new(self.boundary_decl()?)),
            "flow" => Item::Flow(Box::new(self.flow_decl()?)),
            "rule" => Item::Rule(Box::new(self.rule_decl()?)),
            "accept" => Item::Accept(Box::new(self.accept_decl()?)),
            _ => Item::Element(Box::new(self.element_decl()?.ok_or(GiveUp)?)),
        };
        Ok(item)
    }

    fn model_decl(&mut self) -> Parse<ModelDecl> {
        let start = self.keyword("model")?;
        self.skip_trivia();
        let name = self.string()?;
        self.skip_trivia();
        let block = self.block()?;
        Ok(ModelDecl {
            name,
            span: self.span(start, self.pos),
            block,
        })
    }

    fn use_decl(&mut self) -> Parse<UseDecl> {
        let start = self.keyword("use")?;
        self.skip_trivia();
        let target = if self.peek() == Some(b'"') {
            UseTarget::Path(self.string()?)
        } else {
            UseTarget::Module(self.ident()?)
        };
        Ok(UseDecl {
            target,
            span: self.span(start, self.pos),
        })
    }

    /// `keyword name "doc"? block?`
    fn named_block(&mut self, keyword: &str) -> Parse<(Ident, Option<Str>, Block, Span)> {
        let start = self.keyword(keyword)?;
        self.skip_trivia();
        let name = self.ident()?;
        let mut end = self.pos;
        let doc = self.optional_text(&mut end)?;
        let block = self.optional_block(&mut end)?;
        self.pos = end;
        Ok((name, doc, block, self.span(start, end)))
    }

    /// `: dotted.name` if it comes next (after trivia); `end` moves past it.
    fn optional_kind(&mut self, end: &mut usize) -> Parse<Option<Ident>> {
        self.skip_trivia();
        if !self.eat(":") {
            return Ok(None);
        }
        self.skip_trivia();
        let kind = self.dotted_name()?;
        *end = self.pos;
        self.skip_trivia();
        Ok(Some(kind))
    }

    /// A string if one comes next (after trivia), such as a label or documentation; `end`
    /// moves past it.
    fn optional_text(&mut self, end: &mut usize) -> Parse<Option<Str>> {
        self.skip_trivia();
        let text = self.optional_string()?;
        if let Some(text) = &text {
            *end = text.span.end as usize;
        }
        Ok(text)
    }

    /// A block if one comes next; `end` moves past it.
    fn optional_block(&mut self, end: &mut usize) -> Parse<Block> {
        if self.peek() == Some(b'{') {
            let block = self.block()?;
            *end = self.pos;
            Ok(block)
        } else {
            Ok(Block::default())
        }
    }

    /// `"{" (attribute ";"?)* "}"`
    fn block(&mut self) -> Parse<Block> {
        let start = self.pos;
        self.expect("{")?;
        self.attributes.clear();
        loop {
            self.skip_trivia();
            if self.eat("}") {
                break;
            }
            let attribute = self.attribute()?;
            self.attributes.push(attribute);
            self.skip_semicolon();
        }
        let mut attributes = Vec::with_capacity(self.attributes.len());
        attributes.append(&mut self.attributes);
        Ok(Block {
            attributes,
            span: Some(self.span(start, self.pos)),
        })
    }

    /// The optional `;` after an attribute, with the trivia before it.
    fn skip_semicolon(&mut self) {
        let before = self.pos;
        self.skip_trivia();
        if !self.eat(";") {
            self.pos = before;
        }
    }

    fn kind_decl(&mut self) -> Parse<KindDecl> {
        let start = self.keyword("kind")?;
        self.skip_trivia();
        let name = self.dotted_name()?;
        self.skip_trivia();
        self.expect(":")?;
        self.skip_trivia();
        let role = self.ident()?;
        let mut end = self.pos;
        let doc = self.optional_text(&mut end)?;
        let mut kind = KindDecl {
            name,
            role,
            doc,
            properties: Vec::new(),
            attrs: Vec::new(),
            order: Vec::new(),
            block_span: None,
            span: self.span(start, end),
        };
        if self.peek() == Some(b'{') {
            let block_start = self.pos;
            self.pos += 1;
            loop {
                self.skip_trivia();
                if self.eat("}") {
                    break;
                }
                if self.word() == Some("attr") {
                    kind.order.push(KindMember::Attr(kind.attrs.len()));
                    kind.attrs.push(self.attr_decl()?);
                } else {
                    kind.order.push(KindMember::Property(kind.properties.len()));
                    kind.properties.push(self.attribute()?);
                    self.skip_semicolon();
                }
            }
            end = self.pos;
            kind.block_span = Some(self.span(block_start, end));
            kind.span = self.span(start, end);
        }
        self.pos = end;
        Ok(kind)
    }

    /// `attr name : term ("=" default)? "doc"?`
    fn attr_decl(&mut self) -> Parse<AttrDecl> {
        let start = self.keyword("attr")?;
        self.skip_trivia();
        let name = self.ident()?;
        self.skip_trivia();
        self.expect(":")?;
        self.skip_trivia();
        let ty = self.term()?;
        let mut end = self.pos;
        self.skip_trivia();
        let mut default = None;
        if self.eat("=") {
            self.skip_trivia();
            let value = self.value(false)?.ok_or(GiveUp)?;
            end = self.pos;
            default = Some(value);
            self.skip_trivia();
        }
        let doc = self.optional_text(&mut end)?;
        self.pos = end;
        Ok(AttrDecl {
            name,
            ty,
            default,
            doc,
            span: self.span(start, end),
        })
    }

    /// `(dotted_name | integer) ("(" term ("," term)* ")")?`
    fn term(&mut self) -> Parse<Term> {
        let start = self.pos;
        let name = if self.peek().is_some_and(is_ident_start) {
            self.dotted_name()?
        } else {
            let end = self.integer_end(self.pos).ok_or(GiveUp)?;
            self.ident_to(end)
        };
        let mut end = self.pos;
        self.skip_trivia();
        let mut args = Vec::new();
        if self.eat("(") {
            loop {
                self.skip_trivia();
                args.push(self.term()?);
                self.skip_trivia();
                if self.eat(")") {
                    break;
                }
                self.expect(",")?;
            }
            end = self.pos;
        }
        self.pos = end;
        Ok(Term {
            name,
            args,
            span: self.span(start, end),
        })
    }

    fn data_decl(&mut self) -> Parse<DataDecl> {
        let start = self.keyword("data")?;
        self.skip_trivia();
        let name = self.ident()?;
        self.skip_trivia();
        self.expect(":")?;
        self.skip_trivia();
        let classification = self.ident()?;
        let mut end = self.pos;
        let doc = self.optional_text(&mut end)?;
        let block = self.optional_block(&mut end)?;
        self.pos = end;
        Ok(DataDecl {
            name,
            classification,
            doc,
            block,
            span: self.span(start, end),
        })
    }

    fn boundary_decl(&mut self) -> Parse<BoundaryDecl> {
        let start = self.keyword("boundary")?;
        self.skip_trivia();
        let name = self.ident()?;
        let mut end = self.pos;
        let kind = self.optional_kind(&mut end)?;
        let label = self.optional_text(&mut end)?;
        let mut members = Vec::new();
        let mut block_span = None;
        if self.peek() == Some(b'{') {
            let block_start = self.pos;
            self.pos += 1;
            let mut gathered = self.members.pop().unwrap_or_default();
            loop {
                self.skip_trivia();
                if self.eat("}") {
                    break;
                }
                gathered.push(self.member()?);
            }
            members = Vec::with_capacity(gathered.len());
            members.append(&mut gathered);
            self.members.push(gathered);
            end = self.pos;
            block_span = Some(self.span(block_start, end));
        }
        self.pos = end;
        Ok(BoundaryDecl {
            name,
            kind,
            label,
            members,
            block_span,
            span: self.span(start, end),
        })
    }

    /// `boundary_decl | flow_decl | element_decl | attribute`, in that order.
    fn member(&mut self) -> Parse<Member> {
        let member = match self.word().ok_or(GiveUp)? {
            "boundary" => Member::Boundary(Box::new(self.boundary_decl()?)),
            "flow" => Member::Flow(Box::new(self.flow_decl()?)),
            word if DECLARATION_KEYWORDS.contains(&word) => {
                Member::Attribute(Box::new(self.attribute()?))
            }
            _ => match self.element_decl()? {
                Some(element) => Member::Element(Box::new(element)),
                None => Member::Attribute(Box::new(self.attribute()?)),
            },
        };
        Ok(member)
    }

    /// `ident ident (":" dotted_name)? "label"? block?`, or `None` (nothing consumed) when no
    /// second identifier follows the first.
    fn element_decl(&mut self) -> Parse<Option<ElementDecl>> {
        let start = self.pos;
        let keyword = self.ident()?;
        self.skip_trivia();
        if !self.peek().is_some_and(is_ident_start) {
            self.pos = start;
            return Ok(None);
        }
        let name = self.ident()?;
        let mut end = self.pos;
        let kind = self.optional_kind(&mut end)?;
        let label = self.optional_text(&mut end)?;
        let block = self.optional_block(&mut end)?;
        self.pos = end;
        Ok(Some(ElementDecl {
            keyword,
            name,
            kind,
            label,
            block,
            span: self.span(start, end),
        }))
    }

    fn flow_decl(&mut self) -> Parse<FlowDecl> {
        let start = self.keyword("flow")?;
        self.skip_trivia();
        let source = self.ident()?;
        self.skip_trivia();
        self.expect("->")?;
        self.skip_trivia();
        let target = self.ident()?;
        let mut end = self.pos;
        let label = self.optional_text(&mut end)?;
        let block = self.optional_block(&mut end)?;
        self.pos = end;
        Ok(FlowDecl {
            source,
            target,
            label,
            block,
            span: self.span(start, end),
        })
    }

    fn accept_decl(&mut self) -> Parse<AcceptDecl> {
        let start = self.keyword("accept")?;
        self.skip_trivia();
        let rule = self.rule_name(true)?;
        self.skip_trivia();
        self.keyword("on")?;
        self.skip_trivia();
        let target = self.ident()?;
        self.skip_trivia();
        let block = self.block()?;
        Ok(AcceptDecl {
            rule,
            target,
            block,
            span: self.span(start, self.pos),
        })
    }

    // -----------------------------------------------------------------------------------------
    // Attribute values (atomic: no implicit whitespace)

    /// `key`, `key value` or `key value, value, …`, then the grammar's `&attribute_end`.
    fn attribute(&mut self) -> Parse<Attribute> {
        let start = self.pos;
        let key = self.ident()?;
        let after_key = self.pos;
        let mut values = SmallVec::new();
        if self.skip_hspace() {
            match self.value(true)? {
                Some(first) => {
                    // Most attributes have one value.
                    values = smallvec::smallvec![first];
                    self.more_values(&mut values)?;
                }
                None => self.pos = after_key,
            }
        }
        let end = self.pos;
        self.skip_hspace();
        let ends = match self.peek() {
            None | Some(b'\n' | b'\r' | b';' | b'}') => true,
            Some(b'/') => self.peek_at(self.pos + 1) == Some(b'/'),
            Some(byte) => is_ident_start(byte),
        };
        if !ends {
            return Err(GiveUp);
        }
        self.pos = end;
        Ok(Attribute {
            key,
            values,
            span: self.span(start, end),
        })
    }

    /// `(hspace* "," (hspace | NEWLINE | COMMENT)* value)*`
    fn more_values(&mut self, values: &mut SmallVec<[Value; 1]>) -> Parse<()> {
        loop {
            let before = self.pos;
            self.skip_hspace();
            if !self.eat(",") {
                self.pos = before;
                return Ok(());
            }
            self.skip_trivia();
            match self.value(true)? {
                Some(value) => values.push(value),
                // A comma with no value after it: an error for the reference parser.
                None => return Err(GiveUp),
            }
        }
    }

    /// `date | rate | integer | string | tagged | call | ident` (no `tagged` in a default);
    /// `None` when no value starts here.
    fn value(&mut self, tagged: bool) -> Parse<Option<Value>> {
        let start = self.pos;
        let Some(first) = self.peek() else {
            return Ok(None);
        };
        let kind = if first.is_ascii_digit() || first == b'-' {
            if let Some(date) = self.date()? {
                date
            } else if let Some(rate) = self.rate()? {
                rate
            } else if let Some(end) = self.integer_end(start) {
                let number = self.text[start..end].parse().map_err(|_| GiveUp)?;
                self.pos = end;
                ValueKind::Int(number)
            } else {
                return Ok(None);
            }
        } else if first == b'"' {
            ValueKind::Str(self.string()?.value.into())
        } else if is_ident_start(first) {
            return self.named_value(tagged).map(Some);
        } else {
            return Ok(None);
        };
        Ok(Some(Value {
            kind,
            span: self.span(start, self.pos),
        }))
    }

    /// A value starting with an identifier: `tag "text"`, `name(args)` or a bare name.
    fn named_value(&mut self, tagged: bool) -> Parse<Value> {
        let start = self.pos;
        let name = self.ident()?;
        if tagged {
            let after_name = self.pos;
            if self.skip_hspace() && self.peek() == Some(b'"') {
                let text = self.string()?;
                return Ok(Value {
                    kind: ValueKind::Call(Box::new(Call {
                        name,
                        args: vec![Value {
                            kind: ValueKind::Str(text.value.into()),
                            span: text.span,
                        }],
                        tagged: true,
                    })),
                    span: self.span(start, self.pos),
                });
            }
            self.pos = after_name;
        }
        if self.eat("(") {
            let mut args = Vec::new();
            self.skip_hspace();
            if !self.eat(")") {
                loop {
                    args.push(self.value(true)?.ok_or(GiveUp)?);
                    self.skip_hspace();
                    if self.eat(")") {
                        break;
                    }
                    self.expect(",")?;
                    self.skip_hspace();
                }
            }
            return Ok(Value {
                kind: ValueKind::Call(Box::new(Call {
                    name,
                    args,
                    tagged: false,
                })),
                span: self.span(start, self.pos),
            });
        }
        Ok(Value {
            kind: ValueKind::Ident(name.name),
            span: name.span,
        })
    }

    /// `"-"? ASCII_DIGIT+ !ident_char`: where the integer at `at` ends.
    fn integer_end(&self, at: usize) -> Option<usize> {
        let mut end = at;
        if self.peek_at(end) == Some(b'-') {
            end += 1;
        }
        let digits = end;
        while self.peek_at(end).is_some_and(|b| b.is_ascii_digit()) {
            end += 1;
        }
        if end == digits || self.peek_at(end).is_some_and(is_ident_char) {
            return None;
        }
        Some(end)
    }

    /// `DDDD-DD-DD !ident_char`; an impossible date is the reference parser's to report.
    fn date(&mut self) -> Parse<Option<ValueKind>> {
        let at = self.pos;
        let digit = |i: usize| self.peek_at(at + i).is_some_and(|b| b.is_ascii_digit());
        let shaped = (0..4).all(digit)
            && self.peek_at(at + 4) == Some(b'-')
            && (5..7).all(digit)
            && self.peek_at(at + 7) == Some(b'-')
            && (8..10).all(digit)
            && !self.peek_at(at + 10).is_some_and(is_ident_char);
        if !shaped {
            return Ok(None);
        }
        let text = &self.text[at..at + 10];
        let number = |range: std::ops::Range<usize>| text[range].parse::<u32>().unwrap_or(0);
        let month = time::Month::try_from(number(5..7) as u8).map_err(|_| GiveUp)?;
        let date = time::Date::from_calendar_date(number(0..4) as i32, month, number(8..10) as u8)
            .map_err(|_| GiveUp)?;
        self.pos = at + 10;
        Ok(Some(ValueKind::Date(date)))
    }

    /// `DIGITS "/" ALPHA+`; a zero, too large a count or an unknown unit is the reference
    /// parser's to report.
    fn rate(&mut self) -> Parse<Option<ValueKind>> {
        let at = self.pos;
        let mut slash = at;
        while self.peek_at(slash).is_some_and(|b| b.is_ascii_digit()) {
            slash += 1;
        }
        if slash == at
            || self.peek_at(slash) != Some(b'/')
            || !self
                .peek_at(slash + 1)
                .is_some_and(|b| b.is_ascii_alphabetic())
        {
            return Ok(None);
        }
        let mut end = slash + 1;
        while self.peek_at(end).is_some_and(|b| b.is_ascii_alphabetic()) {
            end += 1;
        }
        let count = self.text[at..slash].parse::<u64>().map_err(|_| GiveUp)?;
        let unit = RateUnit::parse(&self.text[slash + 1..end]).ok_or(GiveUp)?;
        if count == 0 {
            return Err(GiveUp);
        }
        self.pos = end;
        Ok(Some(ValueKind::Rate { count, unit }))
    }

    // -----------------------------------------------------------------------------------------
    // Rules and their expressions

    fn rule_decl(&mut self) -> Parse<RuleDecl> {
        let start = self.keyword("rule")?;
        self.skip_trivia();
        let id = self.rule_name(false)?;
        self.skip_trivia();
        let title = self.string()?;
        self.skip_trivia();
        let block_start = self.pos;
        self.expect("{")?;
        let mut items = Vec::new();
        loop {
            self.skip_trivia();
            if self.eat("}") {
                break;
            }
            items.push(self.rule_item()?);
            self.skip_semicolon();
        }
        Ok(RuleDecl {
            id,
            title,
            items,
            block_span: self.span(block_start, self.pos),
            span: self.span(start, self.pos),
        })
    }

    /// `for ROLE VAR | where EXPR | attribute`
    fn rule_item(&mut self) -> Parse<RuleItem> {
        match self.word() {
            Some("for") => {
                let start = self.keyword("for")?;
                self.skip_trivia();
                let role = self.dotted_name()?;
                self.skip_trivia();
                let var = self.ident()?;
                Ok(RuleItem::For {
                    role,
                    var,
                    span: self.span(start, self.pos),
                })
            }
            Some("where") => {
                self.operators = 0;
                let start = self.keyword("where")?;
                self.skip_trivia();
                let expr = self.expr()?;
                // Up to the end of the text read, a closing parenthesis included.
                Ok(RuleItem::Where {
                    span: self.span(start, self.pos),
                    expr,
                })
            }
            _ => Ok(RuleItem::Attribute(self.attribute()?)),
        }
    }

    /// `prefix* primary postfix* (infix prefix* primary postfix*)*`, read flat and then bound
    /// by precedence exactly as pest's Pratt parser binds it. Ends at the end of the last
    /// operand, before any trivia.
    fn expr(&mut self) -> Parse<Expr> {
        let mut pieces = Vec::new();
        loop {
            self.operand(&mut pieces)?;
            let end = self.pos;
            self.skip_trivia();
            match self.infix() {
                Some(op) => {
                    self.operator()?;
                    pieces.push(Piece::Infix(op));
                    self.skip_trivia();
                }
                None => {
                    self.pos = end;
                    break;
                }
            }
        }
        let mut pieces = pieces.into_iter().peekable();
        Ok(bind(&mut pieces, 0))
    }

    /// Counts one operator against [`MAX_EXPRESSION_OPERATORS`].
    fn operator(&mut self) -> Parse<()> {
        self.operators += 1;
        if self.operators > MAX_EXPRESSION_OPERATORS {
            return Err(GiveUp);
        }
        Ok(())
    }

    /// `prefix* primary postfix*`; ends right after the operand.
    fn operand(&mut self, pieces: &mut Vec<Piece>) -> Parse<()> {
        while self.word() == Some("not") {
            self.operator()?;
            let start = self.keyword("not")?;
            pieces.push(Piece::Not(self.span(start, self.pos)));
            self.skip_trivia();
        }
        pieces.push(Piece::Operand(self.primary()?));
        loop {
            let end = self.pos;
            self.skip_trivia();
            if !self.eat(".") {
                self.pos = end;
                return Ok(());
            }
            self.operator()?;
            let start = self.pos - 1;
            self.skip_trivia();
            let name = self.ident()?;
            let after_name = self.pos;
            self.skip_trivia();
            let args = if self.peek() == Some(b'(') {
                Some(self.call_args()?)
            } else {
                self.pos = after_name;
                None
            };
            pieces.push(Piece::Member {
                name,
                args,
                span: self.span(start, self.pos),
            });
        }
    }

    fn infix(&mut self) -> Option<BinaryOp> {
        let word = self.word();
        let (op, len) = if word == Some("or") {
            (BinaryOp::Or, 2)
        } else if word == Some("and") {
            (BinaryOp::And, 3)
        } else if self.at("==") {
            (BinaryOp::Eq, 2)
        } else if self.at("!=") {
            (BinaryOp::Ne, 2)
        } else if self.at("<=") {
            (BinaryOp::Le, 2)
        } else if self.at(">=") {
            (BinaryOp::Ge, 2)
        } else if self.at("<") {
            (BinaryOp::Lt, 1)
        } else if self.at(">") {
            (BinaryOp::Gt, 1)
        } else {
            return None;
        };
        self.pos += len;
        Some(op)
    }

    /// `lambda | "(" expr ")" | string | integer | call_expr | ident`
    fn primary(&mut self) -> Parse<Expr> {
        let start = self.pos;
        match self.peek().ok_or(GiveUp)? {
            b'(' => {
                self.pos += 1;
                self.skip_trivia();
                let inner = self.expr()?;
                self.skip_trivia();
                self.expect(")")?;
                Ok(inner)
            }
            b'"' => {
                let text = self.string()?;
                Ok(Expr {
                    kind: ExprKind::Str(text.value.into()),
                    span: text.span,
                })
            }
            b'-' | b'0'..=b'9' => {
                let end = self.integer_end(start).ok_or(GiveUp)?;
                let number = self.text[start..end].parse().map_err(|_| GiveUp)?;
                self.pos = end;
                Ok(Expr {
                    kind: ExprKind::Int(number),
                    span: self.span(start, end),
                })
            }
            _ => {
                let name = self.ident()?;
                let after_name = self.pos;
                self.skip_trivia();
                if self.eat("=>") {
                    self.operator()?;
                    self.skip_trivia();
                    let body = self.expr()?;
                    return Ok(Expr {
                        span: self.span(start, self.pos),
                        kind: ExprKind::Lambda {
                            param: name,
                            body: Box::new(body),
                        },
                    });
                }
                if self.peek() == Some(b'(') {
                    let args = self.call_args()?;
                    return Ok(Expr {
                        kind: ExprKind::Call { name, args },
                        span: self.span(start, self.pos),
                    });
                }
                self.pos = after_name;
                Ok(Expr {
                    kind: ExprKind::Name(name.name.into_string()),
                    span: name.span,
                })
            }
        }
    }

    /// `"(" (expr ("," expr)*)? ")"`
    fn call_args(&mut self) -> Parse<Vec<Expr>> {
        self.expect("(")?;
        self.skip_trivia();
        let mut args = Vec::new();
        if self.eat(")") {
            return Ok(args);
        }
        loop {
            args.push(self.expr()?);
            self.skip_trivia();
            if self.eat(")") {
                return Ok(args);
            }
            self.expect(",")?;
            self.skip_trivia();
        }
    }
}

/// One part of an expression read flat, before precedence binds the parts.
enum Piece {
    Not(Span),
    Operand(Expr),
    Infix(BinaryOp),
    Member {
        name: Ident,
        args: Option<Vec<Expr>>,
        span: Span,
    },
}

/// Binding power: `or` < `and` < `not` < comparisons < member access (as the reference
/// parser's Pratt table orders them).
fn left_power(piece: Option<&Piece>) -> u8 {
    match piece {
        Some(Piece::Infix(BinaryOp::Or)) => 10,
        Some(Piece::Infix(BinaryOp::And)) => 20,
        Some(Piece::Infix(_)) => 40,
        Some(Piece::Member { .. }) => 50,
        _ => 0,
    }
}

/// The power `not` binds its operand with: everything stronger than `and`.
const NOT_OPERAND: u8 = 29;

/// Pratt parsing of the flat pieces, the algorithm of pest's `PrattParser` (all infix
/// operators left-associative).
fn bind(pieces: &mut std::iter::Peekable<std::vec::IntoIter<Piece>>, min: u8) -> Expr {
    let mut lhs = match pieces.next() {
        Some(Piece::Not(span)) => {
            let operand = bind(pieces, NOT_OPERAND);
            Expr {
                span: span.to(operand.span),
                kind: ExprKind::Not(Box::new(operand)),
            }
        }
        Some(Piece::Operand(expr)) => expr,
        _ => unreachable!("an expression starts with an operand or `not`"),
    };
    loop {
        let power = left_power(pieces.peek());
        if power <= min {
            return lhs;
        }
        lhs = match pieces.next() {
            Some(Piece::Infix(op)) => {
                let rhs = bind(pieces, power);
                Expr {
                    span: lhs.span.to(rhs.span),
                    kind: ExprKind::Binary {
                        op,
                        lhs: Box::new(lhs),
                        rhs: Box::new(rhs),
                    },
                }
            }
            Some(Piece::Member { name, args, span }) => Expr {
                span: lhs.span.to(span),
                kind: ExprKind::Member {
                    base: Box::new(lhs),
                    name,
                    args,
                },
            },
            _ => unreachable!("only operators have a binding power"),
        };
    }
}
