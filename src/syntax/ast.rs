//! The syntax tree of one `.flow` file, with a span on every node.
//!
//! The tree says what was written, not what it means: names are not resolved and attribute
//! values are not typed (that is `resolve`'s job). The formatter prints it back.

use crate::span::Span;
use compact_str::CompactString;
use smallvec::SmallVec;

/// A parsed file: its declarations in source order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct File {
    pub items: Vec<Item>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    /// Inline up to 24 bytes: most names never allocate.
    pub name: CompactString,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Str {
    /// The value with escapes resolved.
    pub value: CompactString,
    pub span: Span,
}

/// A top-level declaration. Each is boxed: the item list of a large file is a list of pointers,
/// so growing it moves 16 bytes an item, not the largest declaration's size.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    Model(Box<ModelDecl>),
    Use(Box<UseDecl>),
    Role(Box<RoleDecl>),
    Capability(Box<CapabilityDecl>),
    Kind(Box<KindDecl>),
    Classification(Box<ClassificationDecl>),
    Data(Box<DataDecl>),
    Boundary(Box<BoundaryDecl>),
    Element(Box<ElementDecl>),
    Flow(Box<FlowDecl>),
    Rule(Box<RuleDecl>),
    Accept(Box<AcceptDecl>),
}

impl Item {
    pub fn span(&self) -> Span {
        match self {
            Item::Model(d) => d.span,
            Item::Use(d) => d.span,
            Item::Role(d) => d.span,
            Item::Capability(d) => d.span,
            Item::Kind(d) => d.span,
            Item::Classification(d) => d.span,
            Item::Data(d) => d.span,
            Item::Boundary(d) => d.span,
            Item::Element(d) => d.span,
            Item::Flow(d) => d.span,
            Item::Rule(d) => d.span,
            Item::Accept(d) => d.span,
        }
    }
}

/// `{ attribute … }`: an optional block of attributes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Block {
    pub attributes: Vec<Attribute>,
    /// The span of the braces, if the block was written.
    pub span: Option<Span>,
}

/// `key`, `key value` or `key value, value, …`.
#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    pub key: Ident,
    pub values: SmallVec<[Value; 1]>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    pub kind: ValueKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ValueKind {
    Ident(CompactString),
    Str(String),
    Int(i64),
    Rate {
        count: u64,
        unit: RateUnit,
    },
    Date(time::Date),
    /// `name(args…)`, and `name "text"` (written as a tagged string, kept as one argument);
    /// boxed, so that the common values stay small.
    Call(Box<Call>),
    /// A value that was already reported as malformed (an impossible date, say); it keeps
    /// its source text for the formatter and is not reported again.
    Invalid(String),
}

/// A value's `name(args…)` or `name "text"`.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    pub name: Ident,
    pub args: Vec<Value>,
    /// Written as `name "text"`.
    pub tagged: bool,
}

/// The time unit of a rate such as `100/s`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RateUnit {
    Second,
    Minute,
    Hour,
    Day,
}

impl RateUnit {
    pub fn parse(text: &str) -> Option<RateUnit> {
        match text {
            "s" => Some(RateUnit::Second),
            "min" => Some(RateUnit::Minute),
            "h" => Some(RateUnit::Hour),
            "day" => Some(RateUnit::Day),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RateUnit::Second => "s",
            RateUnit::Minute => "min",
            RateUnit::Hour => "h",
            RateUnit::Day => "day",
        }
    }
}

/// `model "Name" { owner …  summary …  deploy … }`
#[derive(Clone, Debug, PartialEq)]
pub struct ModelDecl {
    pub name: Str,
    pub block: Block,
    pub span: Span,
}

/// `use aws` (a standard library module) or `use "./file.flow"` (a file next to this one).
#[derive(Clone, Debug, PartialEq)]
pub struct UseDecl {
    pub target: UseTarget,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum UseTarget {
    Module(Ident),
    Path(Str),
}

/// `role process "doc" { aliases function, api }`
#[derive(Clone, Debug, PartialEq)]
pub struct RoleDecl {
    pub name: Ident,
    pub doc: Option<Str>,
    pub block: Block,
    pub span: Span,
}

/// `capability encryption "doc" { options aws_owned, aws_managed, cmk }`
#[derive(Clone, Debug, PartialEq)]
pub struct CapabilityDecl {
    pub name: Ident,
    pub doc: Option<Str>,
    pub block: Block,
    pub span: Span,
}

/// `kind aws.dynamodb : store "doc" { resource …  supports …  attr … }`
#[derive(Clone, Debug, PartialEq)]
pub struct KindDecl {
    pub name: Ident,
    pub role: Ident,
    pub doc: Option<Str>,
    pub properties: Vec<Attribute>,
    pub attrs: Vec<AttrDecl>,
    /// Properties and attribute declarations in source order, for the formatter.
    pub order: Vec<KindMember>,
    pub block_span: Option<Span>,
    pub span: Span,
}

/// Index into [`KindDecl::properties`] or [`KindDecl::attrs`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KindMember {
    Property(usize),
    Attr(usize),
}

/// `attr name : type = default "doc"`
#[derive(Clone, Debug, PartialEq)]
pub struct AttrDecl {
    pub name: Ident,
    pub ty: Term,
    pub default: Option<Value>,
    pub doc: Option<Str>,
    pub span: Span,
}

/// A type expression: `string`, `enum(a, b(key))`, `ref(aws.kms)`, `list(ref(data))`.
#[derive(Clone, Debug, PartialEq)]
pub struct Term {
    pub name: Ident,
    pub args: Vec<Term>,
    pub span: Span,
}

/// `classification pii "doc" { level 3 … }`
#[derive(Clone, Debug, PartialEq)]
pub struct ClassificationDecl {
    pub name: Ident,
    pub doc: Option<Str>,
    pub block: Block,
    pub span: Span,
}

/// `data Customer : pii "doc" { … }`
#[derive(Clone, Debug, PartialEq)]
pub struct DataDecl {
    pub name: Ident,
    pub classification: Ident,
    pub doc: Option<Str>,
    pub block: Block,
    pub span: Span,
}

/// `boundary prod : aws.account "label" { members… }`
#[derive(Clone, Debug, PartialEq)]
pub struct BoundaryDecl {
    pub name: Ident,
    pub kind: Option<Ident>,
    pub label: Option<Str>,
    pub members: Vec<Member>,
    pub block_span: Option<Span>,
    pub span: Span,
}

/// What a boundary contains. Declarations are boxed (a large boundary's member list stays a list
/// of small values); attributes, the most common member, are not.
#[derive(Clone, Debug, PartialEq)]
pub enum Member {
    Boundary(Box<BoundaryDecl>),
    Element(Box<ElementDecl>),
    Flow(Box<FlowDecl>),
    Attribute(Box<Attribute>),
}

impl Member {
    pub fn span(&self) -> Span {
        match self {
            Member::Boundary(d) => d.span,
            Member::Element(d) => d.span,
            Member::Flow(d) => d.span,
            Member::Attribute(a) => a.span,
        }
    }
}

/// `function create_order : aws.lambda "label" { attributes }`
#[derive(Clone, Debug, PartialEq)]
pub struct ElementDecl {
    pub keyword: Ident,
    pub name: Ident,
    pub kind: Option<Ident>,
    pub label: Option<Str>,
    pub block: Block,
    pub span: Span,
}

/// `flow a -> b "label" { data …  protocol … }`
#[derive(Clone, Debug, PartialEq)]
pub struct FlowDecl {
    pub source: Ident,
    pub target: Ident,
    pub label: Option<Str>,
    pub block: Block,
    pub span: Span,
}

/// `rule ID "title" { for ROLE VAR  where EXPR  attributes… }`
#[derive(Clone, Debug, PartialEq)]
pub struct RuleDecl {
    pub id: Ident,
    pub title: Str,
    pub items: Vec<RuleItem>,
    pub block_span: Span,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum RuleItem {
    For { role: Ident, var: Ident, span: Span },
    Where { expr: Expr, span: Span },
    Attribute(Attribute),
}

impl RuleItem {
    pub fn span(&self) -> Span {
        match self {
            RuleItem::For { span, .. } | RuleItem::Where { span, .. } => *span,
            RuleItem::Attribute(a) => a.span,
        }
    }
}

/// An expression of a rule's `where` clause.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Name(String),
    Str(String),
    Int(i64),
    /// `base.name` or `base.name(args)`
    Member {
        base: Box<Expr>,
        name: Ident,
        args: Option<Vec<Expr>>,
    },
    /// `name(args)`
    Call {
        name: Ident,
        args: Vec<Expr>,
    },
    Lambda {
        param: Ident,
        body: Box<Expr>,
    },
    Not(Box<Expr>),
    Binary {
        op: BinaryOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl BinaryOp {
    pub fn as_str(self) -> &'static str {
        match self {
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
        }
    }

    /// Binding strength: `or` (1) < `and` (2) < `not` (3) < comparisons (4).
    pub fn precedence(self) -> u8 {
        match self {
            BinaryOp::Or => 1,
            BinaryOp::And => 2,
            _ => 4,
        }
    }
}

/// `accept RULE on element { reason …  ticket …  until DATE }`
#[derive(Clone, Debug, PartialEq)]
pub struct AcceptDecl {
    pub rule: Ident,
    pub target: Ident,
    pub block: Block,
    pub span: Span,
}

impl Expr {
    fn precedence(&self) -> u8 {
        match &self.kind {
            ExprKind::Binary { op, .. } => op.precedence(),
            ExprKind::Not(_) => 3,
            ExprKind::Lambda { .. } => 0,
            _ => 6,
        }
    }
}

/// The canonical text of an expression, with the parentheses precedence needs and no others.
impl std::fmt::Display for Expr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let child = |f: &mut std::fmt::Formatter<'_>, e: &Expr, min: u8| -> std::fmt::Result {
            if e.precedence() < min {
                write!(f, "({e})")
            } else {
                write!(f, "{e}")
            }
        };
        let args = |f: &mut std::fmt::Formatter<'_>, args: &[Expr]| -> std::fmt::Result {
            for (i, arg) in args.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{arg}")?;
            }
            Ok(())
        };
        match &self.kind {
            ExprKind::Name(name) => f.write_str(name),
            ExprKind::Str(text) => write!(f, "{}", quote(text)),
            ExprKind::Int(n) => write!(f, "{n}"),
            ExprKind::Member {
                base,
                name,
                args: call,
            } => {
                child(f, base, 5)?;
                write!(f, ".{}", name.name)?;
                if let Some(call) = call {
                    f.write_str("(")?;
                    args(f, call)?;
                    f.write_str(")")?;
                }
                Ok(())
            }
            ExprKind::Call { name, args: call } => {
                write!(f, "{}(", name.name)?;
                args(f, call)?;
                f.write_str(")")
            }
            ExprKind::Lambda { param, body } => write!(f, "{} => {body}", param.name),
            ExprKind::Not(inner) => {
                f.write_str("not ")?;
                child(f, inner, 3)
            }
            ExprKind::Binary { op, lhs, rhs } => {
                let p = op.precedence();
                child(f, lhs, p)?;
                write!(f, " {} ", op.as_str())?;
                // Left-associative: a right operand of the same strength needs parentheses.
                child(f, rhs, p + 1)
            }
        }
    }
}

/// A string literal with the escapes the grammar knows.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
