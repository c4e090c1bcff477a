//! The checked form of a rule's expressions: names resolved, members bound to what they read,
//! literals typed. The interpreter ([`super::eval`]) runs this, never the source text.

use crate::model::*;
use crate::syntax::ast::BinaryOp;

/// A checked expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Bool(bool),
    Int(i64),
    Str(String),
    /// An enumeration value or other bare word (`cmk`, `none`, `write`).
    Sym(String),
    Kind(KindId),
    Element(ElementId),
    /// A variable: the rule's subject (slot 0) or a lambda parameter.
    Var(usize),
    Field(Box<Expr>, Field),
    /// An attribute of an element, flow, data item, classification or boundary.
    Attr(Box<Expr>, String),
    Method(Box<Expr>, Method),
    /// `list.any(x => …)`, `all`, `count` and `filter`: the body binds slot `usize`.
    Quantifier(Quantifier, Box<Expr>, usize, Box<Expr>),
    Not(Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// Whether the value equals (as `==` compares) one of the literals: `x == a or x == b`
    /// with `x` read once. Made only by [`super::fuse`], never by the checker.
    OneOf(Box<Expr>, Vec<Expr>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quantifier {
    Any,
    All,
    Count,
    /// The items for which the body holds.
    Filter,
}

/// A built-in field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    // Every named thing.
    Name,
    // Elements.
    Label,
    Kind,
    Role,
    Boundary,
    Boundaries,
    Data,
    FlowsIn,
    FlowsOut,
    Sources,
    Targets,
    Level,
    Exposed,
    ExposedOpen,
    ExposedVia,
    Authenticates,
    // Flows.
    Source,
    Target,
    Crosses,
    Leaves,
    Enters,
    // Data items.
    Classification,
    // Kinds.
    Compliance,
    // Boundaries.
    Parent,
    // Lists.
    Size,
    Empty,
}

/// What `within`, `crosses`, `reaches` and `is` compare against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    Kind(KindId),
    Role(RoleId),
    Boundary(BoundaryId),
    Element(ElementId),
}

/// A built-in method.
#[derive(Clone, Debug, PartialEq)]
pub enum Method {
    /// `e.within(aws.vpc)`: one of the element's boundaries matches.
    Within(Target),
    /// `f.crosses(internet)`: the flow leaves or enters a matching boundary.
    CrossesTarget(Target),
    /// `e.reaches(aws.dynamodb)`: a path of flows leads to a matching element.
    Reaches(Target),
    /// `e.is(aws.lambda)`: the element itself matches.
    Is(Target),
    /// `x.has(attr)`: the attribute has a value (written or a default).
    Has(String),
    /// `k.supports(encryption(cmk))`.
    Supports(String, Option<String>),
    /// `k.in_scope(pci_dss)`: the kind is in scope for the compliance programme.
    InScope(String),
    /// `list.contains(x)`.
    Contains(Box<Expr>),
    /// `k.alternatives(encryption(cmk))`: kinds of the same role that support the capability.
    Alternatives(String, Option<String>),
}
