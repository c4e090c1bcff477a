//! The types of rule expressions, and what each type's members are.

use super::ir::Field;
use crate::model::*;
use crate::resolve::universal_attributes;
use std::borrow::Cow;

/// The type of a rule expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Ty {
    Bool,
    Int,
    Str,
    Date,
    Rate,
    /// A bare word; the enumeration's values when known (empty: any word).
    Sym(Vec<String>),
    /// An element of one of these kinds.
    Element(Vec<KindId>),
    Flow,
    Data,
    Classification,
    Kind,
    Boundary,
    List(Box<Ty>),
    /// Attributes of different types on different kinds: checked when the rule runs.
    Any,
}

impl std::fmt::Display for Ty {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Ty::Bool => f.write_str("a boolean"),
            Ty::Int => f.write_str("an integer"),
            Ty::Str => f.write_str("a string"),
            Ty::Date => f.write_str("a date"),
            Ty::Rate => f.write_str("a rate"),
            Ty::Sym(values) if values.is_empty() => f.write_str("a word"),
            Ty::Sym(values) => write!(f, "one of {}", values.join(", ")),
            Ty::Element(_) => f.write_str("an element"),
            Ty::Flow => f.write_str("a flow"),
            Ty::Data => f.write_str("a data item"),
            Ty::Classification => f.write_str("a classification"),
            Ty::Kind => f.write_str("a kind"),
            Ty::Boundary => f.write_str("a boundary"),
            Ty::List(inner) => write!(f, "a list of {}", plural(inner)),
            Ty::Any => f.write_str("a value"),
        }
    }
}

fn plural(ty: &Ty) -> String {
    let text = ty.to_string();
    let bare = text
        .strip_prefix("an ")
        .or_else(|| text.strip_prefix("a "))
        .unwrap_or(&text);
    match bare {
        "boundary" => "boundaries".to_string(),
        "classification" | "flow" | "element" | "kind" | "string" | "word" | "value" => {
            format!("{bare}s")
        }
        "data item" => "data items".to_string(),
        other => other.to_string(),
    }
}

/// Every element kind (not boundaries or the language's own declarations).
pub fn element_kinds(model: &Model) -> Vec<KindId> {
    kinds_where(model, |k| !model.role(k.role).structural)
}

pub fn boundary_kinds(model: &Model) -> Vec<KindId> {
    kinds_where(model, |k| model.role(k.role).name == "boundary")
}

pub fn kinds_where(model: &Model, keep: impl Fn(&Kind) -> bool) -> Vec<KindId> {
    model
        .kinds
        .iter()
        .enumerate()
        .filter(|(_, k)| keep(k))
        .map(|(i, _)| KindId(i as u32))
        .collect()
}

/// The type of values of an attribute type.
pub fn of_attr(model: &Model, ty: &AttrType) -> Ty {
    match ty {
        AttrType::String => Ty::Str,
        AttrType::Int { .. } => Ty::Int,
        AttrType::Bool => Ty::Bool,
        AttrType::Rate => Ty::Rate,
        AttrType::Date => Ty::Date,
        AttrType::Enum(variants) => Ty::Sym(variants.iter().map(|v| v.name.to_string()).collect()),
        AttrType::Ref(RefTarget::Role(role)) => {
            Ty::Element(kinds_where(model, |k| k.role == *role))
        }
        AttrType::Ref(RefTarget::Kind(kind)) => Ty::Element(vec![*kind]),
        AttrType::Ref(RefTarget::Data) => Ty::Data,
        AttrType::Ref(RefTarget::Classification) => Ty::Classification,
        AttrType::List(inner) => Ty::List(Box::new(of_attr(model, inner))),
    }
}

/// The common type of an attribute declared by several kinds.
fn merge(a: Ty, b: Ty) -> Ty {
    match (a, b) {
        (a, b) if a == b => a,
        (Ty::Sym(mut a), Ty::Sym(b)) => {
            for v in b {
                if !a.contains(&v) {
                    a.push(v);
                }
            }
            Ty::Sym(a)
        }
        (Ty::Element(mut a), Ty::Element(b)) => {
            a.extend(b.into_iter().filter(|k| !a.contains(k)).collect::<Vec<_>>());
            Ty::Element(a)
        }
        (Ty::List(a), Ty::List(b)) => Ty::List(Box::new(merge(*a, *b))),
        _ => Ty::Any,
    }
}

/// The kinds whose attributes something of type `ty` has; `None` for types without attributes.
fn attribute_kinds<'t>(model: &Model, ty: &'t Ty) -> Option<Cow<'t, [KindId]>> {
    Some(match ty {
        Ty::Element(kinds) => Cow::Borrowed(kinds),
        Ty::Boundary => Cow::Owned(boundary_kinds(model)),
        Ty::Flow => Cow::Owned(model.find_kind("flow").into_iter().collect()),
        Ty::Data => Cow::Owned(model.find_kind("data").into_iter().collect()),
        Ty::Classification => Cow::Owned(model.find_kind("classification").into_iter().collect()),
        _ => return None,
    })
}

/// The attributes something of type `ty` may have: name and type.
pub fn attributes(model: &Model, ty: &Ty) -> Vec<(String, Ty)> {
    let Some(kinds) = attribute_kinds(model, ty) else {
        return Vec::new();
    };
    let mut out: Vec<(String, Ty)> = Vec::new();
    for &kind in kinds.iter() {
        for attr in &model.kind(kind).attrs {
            let attr_ty = of_attr(model, &attr.ty);
            match out.iter_mut().find(|(name, _)| **name == *attr.name) {
                Some((_, existing)) => *existing = merge(existing.clone(), attr_ty),
                None => out.push((attr.name.to_string(), attr_ty)),
            }
        }
    }
    if matches!(ty, Ty::Element(_) | Ty::Boundary) {
        for name in universal_attributes() {
            if !out.iter().any(|(n, _)| n == name) {
                out.push((name.to_string(), Ty::Str));
            }
        }
    }
    out
}

/// The type of attribute `name` of something of type `ty`, as [`attributes`] lists it, without
/// building the list: a rule's check asks this for every attribute it reads.
pub fn attribute(model: &Model, ty: &Ty, name: &str) -> Option<Ty> {
    let mut found: Option<Ty> = None;
    for &kind in attribute_kinds(model, ty)?.iter() {
        if let Some(attr) = model.kind(kind).attr(name) {
            let attr_ty = of_attr(model, &attr.ty);
            found = Some(match found {
                Some(existing) => merge(existing, attr_ty),
                None => attr_ty,
            });
        }
    }
    let universal =
        matches!(ty, Ty::Element(_) | Ty::Boundary) && universal_attributes().any(|n| n == name);
    found.or(universal.then_some(Ty::Str))
}

/// The built-in fields of a type: name, field and the field's type.
pub fn fields(model: &Model, ty: &Ty) -> Vec<(&'static str, Field, Ty)> {
    field_names(ty)
        .iter()
        .map(|&(name, field)| (name, field, field_type(model, field)))
        .collect()
}

/// Built-in field `name` of a type and the field's type, as [`fields`] lists it, without
/// building the list.
pub fn field(model: &Model, ty: &Ty, name: &str) -> Option<(Field, Ty)> {
    field_names(ty)
        .iter()
        .find(|(n, _)| *n == name)
        .map(|&(_, field)| (field, field_type(model, field)))
}

/// The names of a type's built-in fields, and the fields they read.
fn field_names(ty: &Ty) -> &'static [(&'static str, Field)] {
    match ty {
        Ty::Element(_) => &[
            ("name", Field::Name),
            ("label", Field::Label),
            ("kind", Field::Kind),
            ("role", Field::Role),
            ("boundary", Field::Boundary),
            ("boundaries", Field::Boundaries),
            ("data", Field::Data),
            ("flows_in", Field::FlowsIn),
            ("flows_out", Field::FlowsOut),
            ("sources", Field::Sources),
            ("targets", Field::Targets),
            ("level", Field::Level),
            ("exposed", Field::Exposed),
            ("exposed_open", Field::ExposedOpen),
            ("exposed_via", Field::ExposedVia),
            ("authenticates", Field::Authenticates),
        ],
        Ty::Flow => &[
            ("name", Field::Name),
            ("label", Field::Label),
            ("source", Field::Source),
            ("target", Field::Target),
            ("data", Field::Data),
            ("level", Field::Level),
            ("crosses", Field::Crosses),
            ("leaves", Field::Leaves),
            ("enters", Field::Enters),
        ],
        Ty::Data => &[
            ("name", Field::Name),
            ("classification", Field::Classification),
            ("class", Field::Classification),
            ("level", Field::Level),
        ],
        Ty::Classification => &[("name", Field::Name)],
        Ty::Kind => &[
            ("name", Field::Name),
            ("role", Field::Role),
            ("compliance", Field::Compliance),
        ],
        Ty::Boundary => &[
            ("name", Field::Name),
            ("label", Field::Label),
            ("kind", Field::Kind),
            ("parent", Field::Parent),
        ],
        Ty::List(_) => &[
            ("size", Field::Size),
            ("count", Field::Size),
            ("empty", Field::Empty),
        ],
        _ => &[],
    }
}

/// The type of a built-in field's value (the same on every type that has the field).
fn field_type(model: &Model, field: Field) -> Ty {
    let any_element = || Ty::Element(element_kinds(model));
    let list = |t: Ty| Ty::List(Box::new(t));
    match field {
        Field::Name | Field::Label => Ty::Str,
        Field::Kind => Ty::Kind,
        Field::Role => Ty::Sym(Vec::new()),
        Field::Boundary | Field::Parent => Ty::Boundary,
        Field::Boundaries | Field::Leaves | Field::Enters => list(Ty::Boundary),
        Field::Data => list(Ty::Data),
        Field::FlowsIn | Field::FlowsOut => list(Ty::Flow),
        Field::Sources | Field::Targets | Field::ExposedVia => list(any_element()),
        Field::Source | Field::Target => any_element(),
        Field::Level | Field::Size => Ty::Int,
        Field::Exposed | Field::ExposedOpen | Field::Authenticates | Field::Crosses => Ty::Bool,
        Field::Empty => Ty::Bool,
        Field::Classification => Ty::Classification,
        Field::Compliance => list(Ty::Sym(Vec::new())),
    }
}

/// The methods of a type, for "did you mean" and error messages.
pub fn method_names(ty: &Ty) -> &'static [&'static str] {
    match ty {
        Ty::Element(_) => &["within", "reaches", "is", "has"],
        Ty::Flow => &["crosses", "has"],
        Ty::Kind => &["supports", "in_scope", "alternatives"],
        Ty::List(_) => &["any", "all", "count", "filter", "contains"],
        Ty::Data | Ty::Classification | Ty::Boundary => &["has"],
        _ => &[],
    }
}
