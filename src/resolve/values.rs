//! Typing attribute values against a kind's schema.

use super::{Entity, Names, Resolver};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::*;
use crate::suggest::did_you_mean;
use crate::syntax::ast::{self, ValueKind};
use std::sync::Arc;

/// Attributes every element and boundary accepts, whatever its kind.
pub(super) const UNIVERSAL: &[(&str, &str)] = &[
    (
        "deployed",
        "the logical id or address of the resource that deploys it",
    ),
    ("description", "free text"),
    ("owner", "the team that owns it"),
];

/// What typing values reads — the names declared and the model as resolved so far — and the
/// diagnostics it reports. It only reads the resolver, so the declarations of a large model
/// are typed on every core at once, each task with a typer of its own.
pub(super) struct Typer<'r> {
    pub model: &'r Model,
    pub names: &'r Names,
    pub diagnostics: Vec<Diagnostic>,
}

impl<'r> Typer<'r> {
    pub fn new(resolver: &'r Resolver) -> Typer<'r> {
        Typer {
            model: &resolver.model,
            names: &resolver.names,
            diagnostics: Vec::new(),
        }
    }

    pub(super) fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    pub(super) fn names_where(&self, keep: impl Fn(Entity) -> bool) -> Vec<&str> {
        self.names.sorted_where(keep)
    }
}

/// The fewest declarations one task types: below this, sharing the work out costs more than
/// it saves.
const TASK: usize = 1024;

/// `type_one` run on every item, in tasks on every core, each with a typer of its own: the
/// results in the items' order, and their diagnostics in the same order. Each task types with
/// the schemas `schemas` makes for it: its own copies (see [`Schema::own_copy`]).
pub(super) fn type_on_every_core<I: Sync, T: Send, S>(
    resolver: &Resolver,
    items: &[I],
    schemas: impl Fn() -> S + Sync + Send,
    type_one: impl Fn(&mut Typer, &S, &I) -> T + Sync + Send,
) -> (Vec<T>, Vec<Diagnostic>) {
    use rayon::prelude::*;
    let (typed, found): (Vec<T>, Vec<Vec<Diagnostic>>) = items
        .par_iter()
        .with_min_len(TASK)
        .map_init(schemas, |schemas, item| {
            let mut typer = Typer::new(resolver);
            let typed = type_one(&mut typer, schemas, item);
            (typed, typer.diagnostics)
        })
        .unzip();
    (typed, found.into_iter().flatten().collect())
}

/// The attributes a declaration may set.
pub(super) struct Schema {
    pub kind: String,
    /// Which kind's schema this is, with or without the universal attributes: the key of its
    /// defaults in [`Attributes`](crate::model::Attributes), never 0.
    pub key: u32,
    pub attrs: Vec<AttrSchema>,
    pub required: Vec<String>,
    /// The defaults, as attributes every declaration of the kind shares.
    pub defaults: Arc<[Attr]>,
}

impl Schema {
    /// The schema of kind `id`, with the universal attributes when `universal` is set.
    pub fn of(model: &Model, id: KindId, universal: bool) -> Schema {
        let kind = model.kind(id);
        let mut attrs = kind.attrs.clone();
        if universal {
            for (name, doc) in UNIVERSAL {
                if kind.attr(name).is_none() {
                    attrs.push(AttrSchema {
                        name: Arc::from(*name),
                        ty: AttrType::String,
                        default: None,
                        doc: Some(doc.to_string()),
                        span: kind.span,
                    });
                }
            }
        }
        let defaults = attrs
            .iter()
            .filter_map(|attr| {
                attr.default.as_ref().map(|default| Attr {
                    name: Arc::clone(&attr.name),
                    value: default.clone(),
                    span: None,
                })
            })
            .collect();
        Schema {
            kind: kind.name.clone(),
            key: 1 + 2 * id.0 + u32::from(universal),
            attrs,
            required: kind.required.clone(),
            defaults,
        }
    }

    /// The same schema with names of its own (equal to this one's, in new allocations), for
    /// one task of [`type_on_every_core`]: every attribute typed holds its name (and an
    /// enumeration value its variant's), and a million declarations typed on both cores with
    /// one schema spent their time passing those names' counts between the cores. The defaults
    /// are copied too, for the same reason: they are equal, and the schema's key says so
    /// ([`Attributes::same_layout`](crate::model::Attributes::same_layout)).
    pub fn own_copy(&self) -> Schema {
        fn own_type(ty: &AttrType) -> AttrType {
            match ty {
                AttrType::Enum(variants) => AttrType::Enum(
                    variants
                        .iter()
                        .map(|v| Variant {
                            name: Arc::from(&*v.name),
                            payload: v.payload.clone(),
                        })
                        .collect(),
                ),
                AttrType::List(inner) => AttrType::List(Box::new(own_type(inner))),
                other => other.clone(),
            }
        }
        Schema {
            kind: self.kind.clone(),
            attrs: self
                .attrs
                .iter()
                .map(|a| AttrSchema {
                    name: Arc::from(&*a.name),
                    ty: own_type(&a.ty),
                    default: a.default.clone(),
                    doc: a.doc.clone(),
                    span: a.span,
                })
                .collect(),
            key: self.key,
            required: self.required.clone(),
            defaults: self.defaults.iter().cloned().collect(),
        }
    }
}

/// Whether a bare or `on`/`off` flag is set.
pub(super) fn flag(r: &mut Typer<'_>, attribute: &ast::Attribute) -> bool {
    matches!(
        typed(r, &AttrType::Bool, &attribute.values, &attribute.key, &[]),
        Some(AttrValue::Bool(true))
    )
}

/// Types the attributes written in a block against `schema`; fills in defaults.
/// `owner` is the name of the declaration, where missing required attributes are reported.
pub(super) fn attributes(
    r: &mut Typer<'_>,
    schema: &Schema,
    written: &[ast::Attribute],
    owner: &ast::Ident,
) -> Attributes {
    // Exactly as long as written (a large model has a million of these).
    let mut out: Vec<Attr> = Vec::with_capacity(written.len());
    // Attributes written, whether or not their value typed: a bad value is reported once, not
    // again as a missing required attribute.
    let mut written_names: Vec<&str> = Vec::new();
    for attribute in written {
        let Some(attr) = schema.attrs.iter().find(|a| *a.name == *attribute.key.name) else {
            let keys: Vec<&str> = schema.attrs.iter().map(|a| &*a.name).collect();
            let help =
                did_you_mean(&attribute.key.name, keys.iter().copied()).unwrap_or_else(|| {
                    if keys.is_empty() {
                        format!("`{}` has no attributes", schema.kind)
                    } else {
                        format!(
                            "the attributes of `{}` are {}",
                            schema.kind,
                            keys.join(", ")
                        )
                    }
                });
            r.report(
                Diagnostic::error(
                    Code::UnknownAttribute,
                    format!(
                        "`{}` has no attribute `{}`",
                        schema.kind, attribute.key.name
                    ),
                )
                .with_primary(attribute.key.span, "unknown attribute")
                .with_help(help),
            );
            continue;
        };
        if !schema.required.is_empty() {
            written_names.push(&attr.name);
        }
        let Some(value) = typed(
            r,
            &attr.ty,
            &attribute.values,
            &attribute.key,
            &schema.attrs,
        ) else {
            continue;
        };
        match out.iter_mut().find(|a| a.name == attr.name) {
            Some(existing) => match (&mut existing.value, value) {
                (AttrValue::List(items), AttrValue::List(more)) => items.extend(more),
                _ => {
                    let first = existing.span.unwrap_or(attribute.span);
                    r.report(
                        Diagnostic::error(
                            Code::DuplicateAttribute,
                            format!("`{}` is set twice", attr.name),
                        )
                        .with_primary(attribute.span, "set again here")
                        .with_secondary(first, "first set here"),
                    );
                }
            },
            None => out.push(Attr {
                name: attr.name.clone(),
                value,
                span: Some(attribute.span),
            }),
        }
    }
    for name in &schema.required {
        if !written_names.contains(&name.as_str()) {
            let expected = schema
                .attrs
                .iter()
                .find(|a| *a.name == **name)
                .map(|a| a.ty.to_string())
                .unwrap_or_default();
            r.report(
                Diagnostic::error(
                    Code::MissingAttribute,
                    format!("`{}` needs `{name}`", owner.name),
                )
                .with_primary(
                    owner.span,
                    format!("`{name}` is required for {}", schema.kind),
                )
                .with_help(format!("add `{name}` with {expected}")),
            );
        }
    }
    Attributes::new(out, Arc::clone(&schema.defaults), schema.key)
}

/// Types the values written after `key` as `ty`. `siblings` are the other attributes of the
/// schema, whose names explain a flag that swallowed the next attribute.
pub(super) fn typed(
    r: &mut Typer<'_>,
    ty: &AttrType,
    values: &[ast::Value],
    key: &ast::Ident,
    siblings: &[AttrSchema],
) -> Option<AttrValue> {
    if let AttrType::List(inner) = ty {
        if values.is_empty() {
            missing(r, ty, key);
            return None;
        }
        let mut items: Vec<AttrValue> = Vec::with_capacity(values.len());
        items.extend(
            values
                .iter()
                .filter_map(|v| scalar(r, inner, v, key, siblings)),
        );
        return (items.len() == values.len()).then_some(AttrValue::List(items));
    }
    match values {
        [] if *ty == AttrType::Bool => Some(AttrValue::Bool(true)),
        [] => {
            missing(r, ty, key);
            None
        }
        [one] => scalar(r, ty, one, key, siblings),
        [_, second, ..] => {
            r.report(
                Diagnostic::error(
                    Code::TooManyValues,
                    format!("`{}` takes one value", key.name),
                )
                .with_primary(second.span, "extra value")
                .with_secondary(key.span, format!("`{}` expects {ty}", key.name)),
            );
            None
        }
    }
}

fn missing(r: &mut Typer<'_>, ty: &AttrType, key: &ast::Ident) {
    r.report(
        Diagnostic::error(Code::MissingValue, format!("`{}` needs a value", key.name))
            .with_primary(key.span, format!("expects {ty}")),
    );
}

fn describe(value: &ast::Value) -> String {
    match &value.kind {
        ValueKind::Ident(name) => format!("the name `{name}`"),
        ValueKind::Str(_) => "a string".to_string(),
        ValueKind::Int(_) => "an integer".to_string(),
        ValueKind::Rate { .. } => "a rate".to_string(),
        ValueKind::Date(_) => "a date".to_string(),
        ValueKind::Call(call) => format!("`{}(…)`", call.name.name),
        ValueKind::Invalid(text) => format!("`{text}`"),
    }
}

fn wrong_type(
    r: &mut Typer<'_>,
    ty: &AttrType,
    value: &ast::Value,
    key: &ast::Ident,
    help: Option<String>,
) {
    r.report(
        Diagnostic::error(
            Code::WrongType,
            format!("`{}` expects {ty}, found {}", key.name, describe(value)),
        )
        .with_primary(value.span, format!("expected {ty}"))
        .with_optional_help(help),
    );
}

fn scalar(
    r: &mut Typer<'_>,
    ty: &AttrType,
    value: &ast::Value,
    key: &ast::Ident,
    siblings: &[AttrSchema],
) -> Option<AttrValue> {
    let typed = match (ty, &value.kind) {
        (_, ValueKind::Invalid(_)) => return None,
        (AttrType::String, ValueKind::Str(text)) => AttrValue::Str(text.clone()),
        (AttrType::Int { min, max }, ValueKind::Int(n)) => {
            let below = min.is_some_and(|m| *n < m);
            let above = max.is_some_and(|m| *n > m);
            if below || above {
                r.report(
                    Diagnostic::error(
                        Code::ValueOutOfRange,
                        format!(
                            "`{}` must be between {} and {}, found {n}",
                            key.name,
                            min.unwrap_or(i64::MIN),
                            max.unwrap_or(i64::MAX)
                        ),
                    )
                    .with_primary(value.span, "out of range"),
                );
                return None;
            }
            AttrValue::Int(*n)
        }
        (AttrType::Bool, ValueKind::Ident(word)) if word == "on" => AttrValue::Bool(true),
        (AttrType::Bool, ValueKind::Ident(word)) if word == "off" => AttrValue::Bool(false),
        (AttrType::Bool, ValueKind::Ident(word)) if siblings.iter().any(|a| *a.name == **word) => {
            wrong_type(
                r,
                ty,
                value,
                key,
                Some(format!(
                    "`{word}` is another attribute: a flag written without a value ends its line, so put `{word}` on a line of its own or write `{} on`",
                    key.name
                )),
            );
            return None;
        }
        (AttrType::Rate, ValueKind::Rate { count, unit }) => AttrValue::Rate {
            count: *count,
            unit: *unit,
        },
        (AttrType::Date, ValueKind::Date(date)) => AttrValue::Date(date.to_string()),
        (AttrType::Enum(variants), ValueKind::Ident(name)) => {
            let variant = variant(r, variants, name, value.span, key)?;
            if let Some(payload) = &variant.payload {
                let example = match payload {
                    Payload::String => format!("{name} \"…\""),
                    Payload::Ref(_) => format!("{name}(<name>)"),
                };
                r.report(
                    Diagnostic::error(Code::MissingValue, format!("`{name}` needs an argument"))
                        .with_primary(value.span, "argument missing")
                        .with_help(format!("write `{example}`")),
                );
                return None;
            }
            AttrValue::Variant {
                name: Arc::clone(&variant.name),
                arg: None,
            }
        }
        (AttrType::Enum(variants), ValueKind::Call(call)) => {
            let (name, args) = (&call.name, &call.args);
            let variant = variant(r, variants, &name.name, name.span, key)?;
            let arg = match (&variant.payload, args.as_slice()) {
                (Some(payload), [arg]) => {
                    let arg_ty = match payload {
                        Payload::String => AttrType::String,
                        Payload::Ref(target) => AttrType::Ref(*target),
                    };
                    Some(Box::new(scalar(r, &arg_ty, arg, name, &[])?))
                }
                (None, _) => {
                    r.report(
                        Diagnostic::error(
                            Code::TooManyValues,
                            format!("`{}` takes no argument", name.name),
                        )
                        .with_primary(value.span, "unexpected argument")
                        .with_help(format!("write `{}`", name.name)),
                    );
                    return None;
                }
                (Some(_), _) => {
                    r.report(
                        Diagnostic::error(
                            Code::TooManyValues,
                            format!("`{}` takes one argument", name.name),
                        )
                        .with_primary(value.span, "wrong number of arguments"),
                    );
                    return None;
                }
            };
            AttrValue::Variant {
                name: Arc::clone(&variant.name),
                arg,
            }
        }
        (AttrType::Ref(target), ValueKind::Ident(name)) => reference(r, *target, name, value.span)?,
        _ => {
            wrong_type(r, ty, value, key, None);
            return None;
        }
    };
    Some(typed)
}

fn variant<'v>(
    r: &mut Typer<'_>,
    variants: &'v [Variant],
    name: &str,
    span: crate::span::Span,
    key: &ast::Ident,
) -> Option<&'v Variant> {
    if let Some(variant) = variants.iter().find(|v| *v.name == *name) {
        return Some(variant);
    }
    let names: Vec<&str> = variants.iter().map(|v| &*v.name).collect();
    r.report(
        Diagnostic::error(
            Code::UnknownVariant,
            format!("`{name}` is not a value of `{}`", key.name),
        )
        .with_primary(span, "unknown value")
        .with_help(
            did_you_mean(name, names.iter().copied())
                .unwrap_or_else(|| format!("the values are {}", names.join(", "))),
        ),
    );
    None
}

/// Resolves a reference to a data item, classification or element of the right role or kind.
fn reference(
    r: &mut Typer<'_>,
    target: RefTarget,
    name: &str,
    span: crate::span::Span,
) -> Option<AttrValue> {
    let entity = r.names.get(name).map(|(entity, _)| *entity);
    match (target, entity) {
        (_, Some(Entity::Broken)) => None,
        (RefTarget::Data, Some(Entity::Data(id))) => Some(AttrValue::Data(id)),
        (RefTarget::Classification, Some(Entity::Classification(id))) => {
            Some(AttrValue::Classification(id))
        }
        (RefTarget::Role(role), Some(Entity::Element(id))) => {
            let element = r.model.element(id);
            if element.role == role {
                return Some(AttrValue::Element(id));
            }
            let (found, wanted) = (
                r.model.role(element.role).name.clone(),
                r.model.role(role).name.clone(),
            );
            wrong_reference(r, name, span, &found, &wanted, element.span);
            None
        }
        (RefTarget::Kind(kind), Some(Entity::Element(id))) => {
            let element = r.model.element(id);
            if element.kind == kind {
                return Some(AttrValue::Element(id));
            }
            let (found, wanted) = (
                r.model.kind(element.kind).name.clone(),
                r.model.kind(kind).name.clone(),
            );
            wrong_reference(r, name, span, &found, &wanted, element.span);
            None
        }
        (_, Some(entity)) => {
            let declared = r.names.get(name).map(|(_, s)| *s).unwrap_or(span);
            let wanted = describe_target(r, target);
            r.report(
                Diagnostic::error(
                    Code::WrongReferenceKind,
                    format!("`{name}` is {}, not {wanted}", entity.describe()),
                )
                .with_primary(span, format!("expected {wanted}"))
                .with_secondary(declared, "declared here"),
            );
            None
        }
        (_, None) => {
            let (code, what) = match target {
                RefTarget::Data => (Code::UnknownData, "data item"),
                RefTarget::Classification => (Code::UnknownClassification, "classification"),
                _ => (Code::UnknownElement, "element"),
            };
            let candidates = r.names_where(|e| match target {
                RefTarget::Data => matches!(e, Entity::Data(_)),
                RefTarget::Classification => matches!(e, Entity::Classification(_)),
                _ => matches!(e, Entity::Element(_)),
            });
            let help = did_you_mean(name, candidates);
            r.report(
                Diagnostic::error(code, format!("there is no {what} `{name}`"))
                    .with_primary(span, format!("unknown {what}"))
                    .with_optional_help(help),
            );
            None
        }
    }
}

fn describe_target(r: &Typer<'_>, target: RefTarget) -> String {
    match target {
        RefTarget::Data => "a data item".to_string(),
        RefTarget::Classification => "a classification".to_string(),
        RefTarget::Role(role) => format!("an element with role `{}`", r.model.role(role).name),
        RefTarget::Kind(kind) => format!("an element of kind `{}`", r.model.kind(kind).name),
    }
}

fn wrong_reference(
    r: &mut Typer<'_>,
    name: &str,
    span: crate::span::Span,
    found: &str,
    wanted: &str,
    declared: crate::span::Span,
) {
    r.report(
        Diagnostic::error(
            Code::WrongReferenceKind,
            format!("`{name}` is a `{found}`, but a `{wanted}` is needed here"),
        )
        .with_primary(span, format!("expected a `{wanted}`"))
        .with_secondary(declared, format!("`{name}` is declared here")),
    );
}
