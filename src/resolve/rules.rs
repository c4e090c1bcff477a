//! The model header, rule declarations and accepted risks.

use super::values::{self, Schema};
use super::{Entity, Resolver, files};
use crate::diagnostic::{Code, Diagnostic};
use crate::load::{Origin, Unit};
use crate::model::*;
use crate::suggest::did_you_mean;
use crate::syntax::ast::{self, Item, RuleItem};

pub(super) fn resolve(r: &mut Resolver, unit: &Unit) {
    header(r, unit);
    for (file, _) in files(unit) {
        for item in &file.items {
            if let Item::Rule(decl) = item {
                rule(r, decl);
            }
        }
    }
    for (file, _) in files(unit) {
        for item in &file.items {
            if let Item::Accept(decl) = item {
                accept(r, decl);
            }
        }
    }
}

fn header(r: &mut Resolver, unit: &Unit) {
    let mut first: Option<&ast::ModelDecl> = None;
    for (file, origin) in files(unit) {
        for item in &file.items {
            let Item::Model(decl) = item else { continue };
            if origin != Origin::Root {
                r.report(
                    Diagnostic::warning(
                        Code::ModelHeaderInUsedFile,
                        "a model header in a used file is ignored",
                    )
                    .with_primary(decl.name.span, "ignored")
                    .with_help("only the file given to threatflow has a `model` header; files it uses hold shared declarations"),
                );
                continue;
            }
            if let Some(first) = first {
                r.report(
                    Diagnostic::error(Code::DuplicateModelHeader, "a file has one `model` header")
                        .with_primary(decl.name.span, "second header")
                        .with_secondary(first.name.span, "first header"),
                );
                continue;
            }
            first = Some(decl);
        }
    }
    let Some(decl) = first else { return };
    let Some(kind) = r.core_kind("model") else {
        return;
    };
    let schema = Schema::of(&r.model, kind, false);
    let name = ast::Ident {
        name: decl.name.value.as_str().into(),
        span: decl.name.span,
    };
    let attrs = r.typing(|t| values::attributes(t, &schema, &decl.block.attributes, &name));
    r.model.header = Some(Header {
        name: decl.name.value.to_string(),
        attrs,
        span: decl.name.span,
    });
}

/// Rule ids look like `SVL-001`: capitals and digits, a dash, digits.
fn is_rule_id(id: &str) -> bool {
    let Some((prefix, number)) = id.split_once('-') else {
        return false;
    };
    prefix.starts_with(|c: char| c.is_ascii_uppercase())
        && prefix
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && !number.is_empty()
        && number.chars().all(|c| c.is_ascii_digit())
}

fn rule(r: &mut Resolver, decl: &ast::RuleDecl) {
    if !is_rule_id(&decl.id.name) {
        r.report(
            Diagnostic::error(
                Code::InvalidRuleId,
                format!("`{}` is not a rule id", decl.id.name),
            )
            .with_primary(decl.id.span, "invalid id")
            .with_help("rule ids are a prefix in capitals, a dash and a number, such as ORD-001"),
        );
    }
    if let Some(previous) = r.rules.get(decl.id.name.as_str()) {
        let first = r.model.rules[previous.index()].span;
        r.duplicate_definition("rule", &decl.id, first);
        return;
    }
    let mut subject: Option<(Subject, String)> = None;
    let mut condition: Option<ast::Expr> = None;
    let mut seen_for: Option<crate::span::Span> = None;
    let mut seen_where: Option<crate::span::Span> = None;
    let mut attributes = Vec::new();
    for item in &decl.items {
        match item {
            RuleItem::For { role, var, span } => {
                if let Some(first) = seen_for {
                    duplicate_clause(r, "for", *span, first);
                    continue;
                }
                seen_for = Some(*span);
                if let Some(selected) = rule_subject(r, role) {
                    subject = Some((selected, var.name.to_string()));
                }
            }
            RuleItem::Where { expr, span } => {
                if let Some(first) = seen_where {
                    duplicate_clause(r, "where", *span, first);
                    continue;
                }
                seen_where = Some(*span);
                condition = Some(expr.clone());
            }
            RuleItem::Attribute(attribute) => attributes.push(attribute.clone()),
        }
    }
    for (clause, seen) in [("for", seen_for), ("where", seen_where)] {
        if seen.is_none() {
            let example = if clause == "for" {
                "for store s"
            } else {
                "where s.encryption != cmk"
            };
            r.report(
                Diagnostic::error(
                    Code::MissingRuleClause,
                    format!("rule `{}` has no `{clause}` clause", decl.id.name),
                )
                .with_primary(decl.id.span, format!("`{clause}` missing"))
                .with_help(format!("add a line such as `{example}`")),
            );
        }
    }
    let Some(kind) = r.core_kind("rule") else {
        return;
    };
    let schema = Schema::of(&r.model, kind, false);
    let attrs = r.typing(|t| values::attributes(t, &schema, &attributes, &decl.id));
    let (Some((subject, var)), Some(condition)) = (subject, condition) else {
        return;
    };
    let index = RuleIndex(r.model.rules.len() as u32);
    r.model.rules.push(Rule {
        id: decl.id.name.to_string(),
        title: decl.title.value.to_string(),
        subject,
        var,
        condition: condition.to_string(),
        condition_ast: condition,
        attrs,
        span: decl.id.span,
    });
    r.rules.insert(decl.id.name.to_string(), index);
}

/// What `for NAME v` ranges over: `element`, `flow`, an element role (or alias) or a kind.
fn rule_subject(r: &mut Resolver, name: &ast::Ident) -> Option<Subject> {
    match name.name.as_str() {
        "element" => return Some(Subject::Elements),
        "flow" => return Some(Subject::Flows),
        _ => {}
    }
    if let Some(role) = r.roles.get(name.name.as_str())
        && !r.model.role(*role).structural
    {
        return Some(Subject::Role(*role));
    }
    if let Some(kind) = r.kinds.get(name.name.as_str())
        && !r.model.role(r.model.kind(*kind).role).structural
    {
        return Some(Subject::Kind(*kind));
    }
    let mut candidates = vec!["element".to_string(), "flow".to_string()];
    candidates.extend(
        r.roles
            .iter()
            .filter(|(_, id)| !r.model.role(**id).structural)
            .map(|(n, _)| n.clone()),
    );
    candidates.extend(r.kinds.keys().cloned());
    r.report(
        Diagnostic::error(
            Code::UnknownRole,
            format!("a rule cannot range over `{}`", name.name),
        )
        .with_primary(name.span, "not a role, kind, `element` or `flow`")
        .with_optional_help(did_you_mean(
            &name.name,
            candidates.iter().map(String::as_str),
        )),
    );
    None
}

fn duplicate_clause(
    r: &mut Resolver,
    clause: &str,
    span: crate::span::Span,
    first: crate::span::Span,
) {
    r.report(
        Diagnostic::error(
            Code::DuplicateRuleClause,
            format!("a rule has one `{clause}` clause"),
        )
        .with_primary(span, "given again here")
        .with_secondary(first, "first given here")
        .with_help(if clause == "where" {
            "combine the conditions with `and` or `or`"
        } else {
            "write a second rule for the other role"
        }),
    );
}

fn accept(r: &mut Resolver, decl: &ast::AcceptDecl) {
    let pattern = RulePattern::parse(&decl.rule.name);
    // Drift checks (`DRF-…`) are accepted like rules; `drift` applies those acceptances.
    let drift_ids = crate::drift::CHECKS.iter().map(|c| c.id);
    let known = r.rules.keys().any(|id| pattern.matches(id))
        || drift_ids.clone().any(|id| pattern.matches(id));
    if !known {
        let ids: Vec<String> = r
            .rules
            .keys()
            .cloned()
            .chain(drift_ids.map(String::from))
            .collect();
        let message = match &pattern {
            RulePattern::Id(id) => format!("there is no rule `{id}`"),
            RulePattern::Prefix(prefix) => format!("no rule id starts with `{prefix}`"),
        };
        r.report(
            Diagnostic::error(Code::UnknownRule, message)
                .with_primary(decl.rule.span, "unknown rule")
                .with_optional_help(did_you_mean(
                    &decl.rule.name,
                    ids.iter().map(String::as_str),
                )),
        );
    }
    let target = match r.names.get(decl.target.name.as_str()).map(|(e, _)| *e) {
        None if decl.target.name == "all" => Some(AcceptTarget::All),
        Some(Entity::Element(id)) => Some(AcceptTarget::Element(id)),
        Some(Entity::Boundary(id)) => Some(AcceptTarget::Boundary(id)),
        Some(Entity::Broken) => None,
        _ => {
            let candidates =
                r.names_where(|e| matches!(e, Entity::Element(_) | Entity::Boundary(_)));
            let help = did_you_mean(&decl.target.name, candidates);
            r.report(
                Diagnostic::error(
                    Code::UnknownElement,
                    format!("there is no element or boundary `{}`", decl.target.name),
                )
                .with_primary(decl.target.span, "unknown element")
                .with_optional_help(help),
            );
            None
        }
    };
    let Some(kind) = r.core_kind("accept") else {
        return;
    };
    let schema = Schema::of(&r.model, kind, false);
    let attrs = r.typing(|t| values::attributes(t, &schema, &decl.block.attributes, &decl.rule));
    let until_written = decl.block.attributes.iter().any(|a| a.key.name == "until");
    if !until_written && attrs.get("reason").is_some() {
        r.report(
            Diagnostic::warning(
                Code::AcceptWithoutExpiry,
                format!(
                    "the acceptance of {} on `{}` never expires",
                    decl.rule.name, decl.target.name
                ),
            )
            .with_primary(decl.rule.span.to(decl.target.span), "no `until`")
            .with_help("add `until YYYY-MM-DD`: the date the risk must be reviewed again"),
        );
    }
    if let Some(AttrValue::Date(until)) = attrs.get("until") {
        let today = r.options.today.to_string();
        if *until < today {
            let span = attrs
                .iter()
                .find(|a| &*a.name == "until")
                .and_then(|a| a.span)
                .unwrap_or(decl.span);
            r.report(
                Diagnostic::warning(
                    Code::AcceptExpired,
                    format!(
                        "the acceptance of {} on `{}` expired on {until}",
                        decl.rule.name, decl.target.name
                    ),
                )
                .with_primary(span, "expired")
                .with_help(
                    "the finding is active again: fix it, or review the risk and set a new date",
                ),
            );
        }
    }
    if let (true, Some(target)) = (known, target) {
        r.model.accepts.push(Accept {
            rule: pattern,
            target,
            attrs,
            span: decl.rule.span.to(decl.target.span),
        });
    }
}
