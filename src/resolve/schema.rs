//! Roles, capabilities and kinds: the schema every other declaration is checked against.

use super::{Resolver, files, values};
use crate::diagnostic::{Code, Diagnostic};
use crate::load::Unit;
use crate::model::*;
use crate::suggest::did_you_mean;
use crate::syntax::ast::{self, Item, ValueKind};
use std::sync::Arc;

/// The properties a kind declaration may set (besides `attr` declarations).
const KIND_PROPERTIES: &[&str] = &[
    "resource",
    "supports",
    "compliance",
    "provider_operates",
    "customer_owns",
    "required",
];

pub(super) fn resolve(r: &mut Resolver, unit: &Unit) {
    for (file, _) in files(unit) {
        for item in &file.items {
            match item {
                Item::Role(role) => role_decl(r, role),
                Item::Capability(capability) => capability_decl(r, capability),
                _ => {}
            }
        }
    }
    // Kind names first, so that attribute types can refer to any kind.
    let mut declared = Vec::new();
    for (file, _) in files(unit) {
        for item in &file.items {
            if let Item::Kind(kind) = item {
                declared.push((kind, declare_kind(r, kind)));
            }
        }
    }
    for (decl, id) in declared {
        if let Some(id) = id {
            kind_body(r, decl, id);
        }
    }
}

/// Identifiers of a property such as `aliases a, b`.
fn identifiers(r: &mut Resolver, attribute: &ast::Attribute) -> Vec<String> {
    let mut names = Vec::new();
    for value in &attribute.values {
        match &value.kind {
            ValueKind::Ident(name) => names.push(name.to_string()),
            _ => r.report(
                Diagnostic::error(
                    Code::WrongType,
                    format!("`{}` expects names", attribute.key.name),
                )
                .with_primary(value.span, "not a name"),
            ),
        }
    }
    if attribute.values.is_empty() {
        r.report(
            Diagnostic::error(
                Code::MissingValue,
                format!("`{}` needs a value", attribute.key.name),
            )
            .with_primary(attribute.span, "no value"),
        );
    }
    names
}

fn unknown_property(r: &mut Resolver, attribute: &ast::Attribute, known: &[&str], what: &str) {
    r.report(
        Diagnostic::error(
            Code::UnknownAttribute,
            format!("{what} has no property `{}`", attribute.key.name),
        )
        .with_primary(attribute.key.span, "unknown property")
        .with_help(
            did_you_mean(&attribute.key.name, known.iter().copied())
                .unwrap_or_else(|| format!("the properties are {}", known.join(", "))),
        ),
    );
}

fn role_decl(r: &mut Resolver, decl: &ast::RoleDecl) {
    let id = RoleId(r.model.roles.len() as u32);
    let mut role = Role {
        name: decl.name.name.to_string(),
        doc: decl.doc.as_ref().map(|d| d.value.to_string()),
        aliases: Vec::new(),
        structural: false,
        span: decl.name.span,
    };
    for attribute in &decl.block.attributes {
        match attribute.key.name.as_str() {
            "aliases" => role.aliases = identifiers(r, attribute),
            "structural" => {
                role.structural = r.typing(|t| values::flag(t, attribute));
            }
            _ => unknown_property(r, attribute, &["aliases", "structural"], "a role"),
        }
    }
    let mut names = vec![(role.name.clone(), decl.name.span)];
    names.extend(role.aliases.iter().map(|a| (a.clone(), decl.name.span)));
    for (name, span) in names {
        if let Some(previous) = r.roles.get(&name) {
            let first = r.model.role(*previous).span;
            r.report(
                Diagnostic::error(
                    Code::DuplicateDefinition,
                    format!("role name `{name}` is defined twice"),
                )
                .with_primary(span, "defined again here")
                .with_secondary(first, "first defined by this role"),
            );
            continue;
        }
        r.roles.insert(name, id);
    }
    r.model.roles.push(role);
}

fn capability_decl(r: &mut Resolver, decl: &ast::CapabilityDecl) {
    if let Some(previous) = r.capabilities.get(decl.name.name.as_str()) {
        let first = r.model.capabilities[previous.index()].span;
        r.duplicate_definition("capability", &decl.name, first);
        return;
    }
    let mut capability = Capability {
        name: decl.name.name.to_string(),
        doc: decl.doc.as_ref().map(|d| d.value.to_string()),
        options: Vec::new(),
        span: decl.name.span,
    };
    for attribute in &decl.block.attributes {
        match attribute.key.name.as_str() {
            "options" => capability.options = identifiers(r, attribute),
            _ => unknown_property(r, attribute, &["options"], "a capability"),
        }
    }
    let id = CapabilityId(r.model.capabilities.len() as u32);
    r.capabilities.insert(capability.name.clone(), id);
    r.model.capabilities.push(capability);
}

/// Looks up a role by name or alias, reporting an unknown one.
pub(super) fn role_named(
    r: &mut Resolver,
    name: &ast::Ident,
    structural_ok: bool,
) -> Option<RoleId> {
    if let Some(id) = r.roles.get(name.name.as_str()) {
        return Some(*id);
    }
    let candidates: Vec<String> = r
        .roles
        .iter()
        .filter(|(_, id)| structural_ok || !r.model.role(**id).structural)
        .map(|(n, _)| n.clone())
        .collect();
    r.report(
        Diagnostic::error(
            Code::UnknownRole,
            format!("there is no role `{}`", name.name),
        )
        .with_primary(name.span, "unknown role")
        .with_optional_help(did_you_mean(
            &name.name,
            candidates.iter().map(String::as_str),
        )),
    );
    None
}

fn declare_kind(r: &mut Resolver, decl: &ast::KindDecl) -> Option<KindId> {
    if let Some(previous) = r.kinds.get(decl.name.name.as_str()) {
        let first = r.model.kind(*previous).span;
        r.duplicate_definition("kind", &decl.name, first);
        return None;
    }
    let role = role_named(r, &decl.role, true)?;
    let id = KindId(r.model.kinds.len() as u32);
    r.kinds.insert(decl.name.name.to_string(), id);
    r.model.kinds.push(Kind {
        name: decl.name.name.to_string(),
        role,
        doc: decl.doc.as_ref().map(|d| d.value.to_string()),
        resources: Vec::new(),
        supports: Vec::new(),
        compliance: Vec::new(),
        provider_operates: Vec::new(),
        customer_owns: Vec::new(),
        attrs: Vec::new(),
        required: Vec::new(),
        span: decl.name.span,
    });
    Some(id)
}

fn kind_body(r: &mut Resolver, decl: &ast::KindDecl, id: KindId) {
    let mut attrs: Vec<AttrSchema> = Vec::new();
    for attr in &decl.attrs {
        if let Some(first) = attrs.iter().find(|a| *a.name == *attr.name.name) {
            let first = first.span;
            r.report(
                Diagnostic::error(
                    Code::DuplicateAttribute,
                    format!("attribute `{}` is declared twice", attr.name.name),
                )
                .with_primary(attr.name.span, "declared again here")
                .with_secondary(first, "first declared here"),
            );
            continue;
        }
        let Some(ty) = attr_type(r, &attr.ty) else {
            continue;
        };
        let default = attr.default.as_ref().and_then(|value| {
            r.typing(|t| values::typed(t, &ty, std::slice::from_ref(value), &attr.name, &[]))
        });
        attrs.push(AttrSchema {
            name: Arc::from(attr.name.name.as_str()),
            ty,
            default,
            doc: attr.doc.as_ref().map(|d| d.value.to_string()),
            span: attr.name.span,
        });
    }
    let mut kind = r.model.kinds[id.index()].clone();
    kind.attrs = attrs;
    for property in &decl.properties {
        match property.key.name.as_str() {
            "resource" => kind.resources = resources(r, property),
            "supports" => kind.supports = supports(r, property),
            "compliance" => kind.compliance = identifiers(r, property),
            "provider_operates" => kind.provider_operates = identifiers(r, property),
            "customer_owns" => kind.customer_owns = identifiers(r, property),
            "required" => {
                let names = identifiers(r, property);
                for (name, value) in names.iter().zip(&property.values) {
                    if kind.attr(name).is_none() {
                        r.report(
                            Diagnostic::error(
                                Code::UnknownAttribute,
                                format!("`{name}` is required but not declared with `attr`"),
                            )
                            .with_primary(value.span, "no such attribute")
                            .with_optional_help(did_you_mean(
                                name,
                                kind.attrs.iter().map(|a| &*a.name),
                            )),
                        );
                    }
                }
                kind.required = names;
            }
            _ => unknown_property(r, property, KIND_PROPERTIES, "a kind"),
        }
    }
    r.model.kinds[id.index()] = kind;
}

fn resources(r: &mut Resolver, property: &ast::Attribute) -> Vec<String> {
    let mut out = Vec::new();
    for value in &property.values {
        let ValueKind::Str(text) = &value.kind else {
            r.report(
                Diagnostic::error(Code::WrongType, "`resource` expects strings")
                    .with_primary(value.span, "not a string")
                    .with_help("write resource types in quotes: \"AWS::Lambda::Function\""),
            );
            continue;
        };
        if !is_resource_type(text) {
            r.report(
                Diagnostic::error(
                    Code::InvalidResourceType,
                    format!("`{text}` is not a resource type"),
                )
                .with_primary(value.span, "not a resource type")
                .with_help("CloudFormation types look like \"AWS::Lambda::Function\", Terraform types like \"aws_lambda_function\""),
            );
            continue;
        }
        out.push(text.clone());
    }
    out
}

/// `AWS::Service::Type` (CloudFormation, with optional further segments) or `aws_type`
/// (Terraform).
fn is_resource_type(text: &str) -> bool {
    let segment = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric());
    let parts: Vec<&str> = text.split("::").collect();
    let cloudformation = parts.len() >= 3 && parts.iter().all(|p| segment(p));
    let terraform = text.contains('_')
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    cloudformation || terraform
}

fn supports(r: &mut Resolver, property: &ast::Attribute) -> Vec<Support> {
    let mut out = Vec::new();
    for value in &property.values {
        let (name, args) = match &value.kind {
            ValueKind::Ident(name) => (
                ast::Ident {
                    name: name.as_str().into(),
                    span: value.span,
                },
                &[][..],
            ),
            ValueKind::Call(call) if !call.tagged => (call.name.clone(), call.args.as_slice()),
            _ => {
                r.report(
                    Diagnostic::error(Code::WrongType, "`supports` expects capabilities")
                        .with_primary(value.span, "not a capability")
                        .with_help(
                            "write a capability with its options: encryption(aws_managed, cmk)",
                        ),
                );
                continue;
            }
        };
        let Some(&id) = r.capabilities.get(name.name.as_str()) else {
            let known: Vec<String> = r.capabilities.keys().cloned().collect();
            r.report(
                Diagnostic::error(
                    Code::UnknownCapability,
                    format!("there is no capability `{}`", name.name),
                )
                .with_primary(name.span, "unknown capability")
                .with_optional_help(did_you_mean(&name.name, known.iter().map(String::as_str))),
            );
            continue;
        };
        let capability = r.model.capabilities[id.index()].clone();
        let mut options = Vec::new();
        for arg in args {
            let ValueKind::Ident(option) = &arg.kind else {
                r.report(
                    Diagnostic::error(Code::WrongType, "capability options are names")
                        .with_primary(arg.span, "not a name"),
                );
                continue;
            };
            if !capability.options.iter().any(|o| o == option) {
                let help = did_you_mean(option, capability.options.iter().map(String::as_str))
                    .unwrap_or_else(|| {
                        if capability.options.is_empty() {
                            format!("`{}` takes no options", capability.name)
                        } else {
                            format!(
                                "the options of `{}` are {}",
                                capability.name,
                                capability.options.join(", ")
                            )
                        }
                    });
                r.report(
                    Diagnostic::error(
                        Code::UnknownCapabilityOption,
                        format!("`{}` has no option `{option}`", capability.name),
                    )
                    .with_primary(arg.span, "unknown option")
                    .with_secondary(capability.span, "the capability is defined here")
                    .with_help(help),
                );
                continue;
            }
            options.push(option.to_string());
        }
        out.push(Support {
            capability: capability.name,
            options,
        });
    }
    out
}

/// The attribute type a type expression denotes.
fn attr_type(r: &mut Resolver, term: &ast::Term) -> Option<AttrType> {
    let arity = |r: &mut Resolver, n: usize| -> bool {
        if term.args.len() == n {
            return true;
        }
        r.report(
            Diagnostic::error(
                Code::InvalidType,
                format!(
                    "`{}` takes {n} type argument(s), found {}",
                    term.name.name,
                    term.args.len()
                ),
            )
            .with_primary(term.span, "wrong number of arguments"),
        );
        false
    };
    let ty = match term.name.name.as_str() {
        "string" => arity(r, 0).then_some(AttrType::String)?,
        "bool" => arity(r, 0).then_some(AttrType::Bool)?,
        "rate" => arity(r, 0).then_some(AttrType::Rate)?,
        "date" => arity(r, 0).then_some(AttrType::Date)?,
        "int" => {
            if term.args.is_empty() {
                AttrType::Int {
                    min: None,
                    max: None,
                }
            } else if arity(r, 2) {
                let bound = |r: &mut Resolver, t: &ast::Term| match t.name.name.parse::<i64>() {
                    Ok(n) if t.args.is_empty() => Some(n),
                    _ => {
                        r.report(
                            Diagnostic::error(
                                Code::InvalidType,
                                "the bounds of `int` are integers",
                            )
                            .with_primary(t.span, "not an integer"),
                        );
                        None
                    }
                };
                let min = bound(r, &term.args[0])?;
                let max = bound(r, &term.args[1])?;
                AttrType::Int {
                    min: Some(min),
                    max: Some(max),
                }
            } else {
                return None;
            }
        }
        "list" => {
            if !arity(r, 1) {
                return None;
            }
            AttrType::List(Box::new(attr_type(r, &term.args[0])?))
        }
        "ref" => {
            if !arity(r, 1) {
                return None;
            }
            AttrType::Ref(ref_target(r, &term.args[0])?)
        }
        "enum" => {
            if term.args.is_empty() {
                r.report(
                    Diagnostic::error(Code::InvalidType, "`enum` needs at least one value")
                        .with_primary(term.span, "empty enumeration"),
                );
                return None;
            }
            let mut variants = Vec::new();
            for arg in &term.args {
                let payload = match arg.args.as_slice() {
                    [] => None,
                    [one] if one.name.name == "string" && one.args.is_empty() => {
                        Some(Payload::String)
                    }
                    [one] => Some(Payload::Ref(ref_target(r, one)?)),
                    _ => {
                        r.report(
                            Diagnostic::error(
                                Code::InvalidType,
                                "an enumeration value takes at most one argument",
                            )
                            .with_primary(arg.span, "too many arguments"),
                        );
                        return None;
                    }
                };
                variants.push(Variant {
                    name: Arc::from(arg.name.name.as_str()),
                    payload,
                });
            }
            AttrType::Enum(variants)
        }
        other => {
            const TYPES: &[&str] = &[
                "string", "int", "bool", "rate", "date", "enum", "ref", "list",
            ];
            r.report(
                Diagnostic::error(Code::InvalidType, format!("there is no type `{other}`"))
                    .with_primary(term.name.span, "unknown type")
                    .with_help(
                        did_you_mean(other, TYPES.iter().copied())
                            .unwrap_or_else(|| format!("the types are {}", TYPES.join(", "))),
                    ),
            );
            return None;
        }
    };
    Some(ty)
}

/// What `ref(X)` or `variant(X)` may point at: data, classifications, a role or a kind.
fn ref_target(r: &mut Resolver, term: &ast::Term) -> Option<RefTarget> {
    let name = term.name.name.as_str();
    let target = match name {
        "data" => RefTarget::Data,
        "classification" => RefTarget::Classification,
        _ => match (r.roles.get(name), r.kinds.get(name)) {
            (Some(role), _) if !r.model.role(*role).structural => RefTarget::Role(*role),
            (_, Some(kind)) => RefTarget::Kind(*kind),
            _ => {
                r.report(
                    Diagnostic::error(
                        Code::InvalidType,
                        format!("`{name}` is not a role, a kind, `data` or `classification`"),
                    )
                    .with_primary(term.span, "cannot be referred to"),
                );
                return None;
            }
        },
    };
    Some(target)
}
