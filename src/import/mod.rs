//! `threatflow import`: a first model from deployed templates. Each resource of a type the
//! catalogue knows becomes an element of that kind, bound with `deployed`, with the settings the
//! template states; Lambda functions in a VPC go into a VPC boundary, everything into one
//! account boundary; grants, event sources and integrations become flows. What a template cannot
//! say — which data flows and how sensitive it is — is left as clearly marked TODOs. The result
//! is formatted, checks without errors, and drift against the same templates finds nothing.

use crate::format::{FormatError, format};
use crate::load::{LoadedFile, NoFiles};
use crate::model::{Kind, Model};
use crate::span::FileId;
use crate::template::deployment::{Deployment, Encryption, Resource};
use std::collections::BTreeMap;
use std::fmt::Write;

/// The catalogue's kinds, from the embedded standard library.
fn catalogue() -> Model {
    let root = LoadedFile {
        key: "<catalogue>".into(),
        name: "<catalogue>".into(),
        bytes: b"model \"Catalogue\" { owner \"threatflow\" }\nuse aws\n".to_vec(),
    };
    let today =
        time::Date::from_calendar_date(2026, time::Month::January, 1).expect("a valid date");
    crate::compile(root, &mut NoFiles, crate::compile::Options::new(today)).model
}

/// `CreateOrderFunction` → `create_order_function`.
fn snake(id: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = id.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let previous_lower =
                i > 0 && (chars[i - 1].is_ascii_lowercase() || chars[i - 1].is_ascii_digit());
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if i > 0 && (previous_lower || (next_lower && chars[i - 1].is_ascii_uppercase())) {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() {
            out.push(*c);
        } else {
            out.push('_');
        }
    }
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out.insert(0, 'r');
    }
    out
}

/// The catalogue kind for a resource type: one that lists it first, else any that lists it.
fn kind_for<'m>(model: &'m Model, resource_type: &str) -> Option<&'m Kind> {
    let aws = |k: &&Kind| k.name.starts_with("aws.") && !model.role(k.role).structural;
    model
        .kinds
        .iter()
        .filter(aws)
        .find(|k| k.resources.first().is_some_and(|r| r == resource_type))
}

fn quote(text: &str) -> String {
    crate::syntax::ast::quote(text)
}

/// A model of the deployments, formatted. `files` are the templates' paths as the `deploy`
/// lines should name them.
pub fn import(deployments: &[Deployment]) -> Result<String, String> {
    let catalogue = catalogue();
    let role_name = |k: &Kind| catalogue.role(k.role).name.clone();
    // Every importable resource: (deployment, resource, kind, element name).
    let mut names: BTreeMap<String, usize> = BTreeMap::new();
    let mut elements: Vec<(usize, &Resource, &Kind, String)> = Vec::new();
    for (d, deployment) in deployments.iter().enumerate() {
        let execution_roles: Vec<&str> = deployment
            .role_users
            .iter()
            .map(|(role, _)| role.as_str())
            .collect();
        for resource in &deployment.resources {
            let Some(kind) = kind_for(&catalogue, &resource.kind) else {
                continue;
            };
            if kind.name == "aws.iam_role" && execution_roles.contains(&resource.id.as_str()) {
                continue; // modelled by the function's `iam`
            }
            // A Terraform address is named by its name part (`aws_sqs_queue.jobs` → `jobs`).
            let id = match deployment.format.as_str() {
                "terraform" => resource.id.rsplit('.').next().unwrap_or(&resource.id),
                _ => resource.id.as_str(),
            };
            let mut name = snake(id);
            let count = names.entry(name.clone()).or_default();
            *count += 1;
            if *count > 1 {
                name = format!("{name}_{count}");
            }
            elements.push((d, resource, kind, name));
        }
    }
    let element_of = |d: usize, id: &str| {
        elements
            .iter()
            .find(|(ed, r, _, _)| *ed == d && r.id == id)
            .map(|(_, _, _, n)| n.clone())
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "// Imported by threatflow from {}.",
        deployments
            .iter()
            .map(|d| d.file.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(
        out,
        "// TODO: name the data that flows and classify it; the flows below carry a placeholder."
    );
    let _ = writeln!(out, "model \"Imported\" {{");
    let _ = writeln!(out, "  owner \"TODO\"");
    for deployment in deployments {
        let _ = writeln!(
            out,
            "  deploy {} {}",
            deployment.format,
            quote(&deployment.file)
        );
    }
    out.push_str("}\n\nuse aws\nuse stride\nuse serverless\n\n");
    out.push_str("// TODO: replace with the real data items and their classifications.\ndata Unclassified : internal\n\n");
    out.push_str("boundary account : aws.account {\n");
    let in_vpc: Vec<&(usize, &Resource, &Kind, String)> = elements
        .iter()
        .filter(|(_, r, _, _)| r.facts.in_vpc == Some(true))
        .collect();
    let outside: Vec<&(usize, &Resource, &Kind, String)> = elements
        .iter()
        .filter(|(_, r, _, _)| r.facts.in_vpc != Some(true))
        .collect();
    let element_text = |(d, resource, kind, name): &(usize, &Resource, &Kind, String)| -> String {
        let mut attrs: Vec<(String, String)> = Vec::new();
        let has = |attr: &str| kind.attrs.iter().any(|a| &*a.name == attr);
        let facts = &resource.facts;
        if let Some(encryption) = &facts.encryption
            && has("encryption")
        {
            let value = match encryption {
                Encryption::Cmk(Some(key)) => element_of(*d, key).map(|k| format!("cmk({k})")),
                Encryption::Cmk(None) => None,
                Encryption::AwsManaged => Some("aws_managed".to_string()),
                Encryption::AwsOwned => Some("aws_owned".to_string()),
                Encryption::None => Some("none".to_string()),
            };
            let allowed = |v: &str| match &kind
                .attrs
                .iter()
                .find(|a| &*a.name == "encryption")
                .map(|a| &a.ty)
            {
                Some(crate::model::AttrType::Enum(variants)) => {
                    variants.iter().any(|x| v.starts_with(&*x.name))
                }
                _ => false,
            };
            if let Some(value) = value.filter(|v| allowed(v)) {
                attrs.push(("encryption".into(), value));
            }
        }
        for (attr, fact) in [
            ("tracing", facts.tracing),
            ("rotation", facts.key_rotation),
            ("pitr", facts.point_in_time_recovery),
            ("versioning", facts.versioning),
            ("block_public_access", facts.public_access_blocked),
        ] {
            if let Some(on) = fact
                && has(attr)
            {
                attrs.push((attr.into(), (if on { "on" } else { "off" }).into()));
            }
        }
        if let Some(auth) = &facts.url_auth
            && has("auth")
        {
            attrs.push((
                "auth".into(),
                (if auth == "AWS_IAM" { "iam" } else { "none" }).into(),
            ));
        }
        if let Some(authorizer) = &facts.authorizer
            && has("authorizer")
            && kind.supports("authorizer", Some(authorizer))
        {
            attrs.push(("authorizer".into(), authorizer.clone()));
        }
        if has("iam") {
            let wildcard = deployments[*d]
                .grants
                .iter()
                .any(|g| g.principal == resource.id && g.has_wildcard());
            attrs.push((
                "iam".into(),
                (if wildcard { "broad" } else { "least_privilege" }).into(),
            ));
        }
        attrs.push(("deployed".into(), quote(&resource.id)));
        let mut text = format!("{} {name} : {} {{\n", role_name(kind), kind.name);
        for (key, value) in attrs {
            let _ = writeln!(text, "{key} {value}");
        }
        text.push_str("}\n");
        text
    };
    if !in_vpc.is_empty() {
        out.push_str("boundary vpc : aws.vpc {\n");
        for element in &in_vpc {
            out.push_str(&element_text(element));
        }
        out.push_str("}\n");
    }
    for element in &outside {
        out.push_str(&element_text(element));
    }
    out.push_str("}\n\n");
    // Flows: one per pair, from grants (principal -> target, ops by what the actions do) and
    // from edges (source -> target).
    let mut flows: BTreeMap<(String, String), Vec<&str>> = BTreeMap::new();
    for (d, deployment) in deployments.iter().enumerate() {
        for grant in &deployment.grants {
            let Some(principal) = element_of(d, &grant.principal) else {
                continue;
            };
            for target in &grant.targets {
                let Some(target) = element_of(d, target) else {
                    continue;
                };
                if target == principal {
                    continue;
                }
                let ops = flows.entry((principal.clone(), target)).or_default();
                let op = if grant.writes() { "write" } else { "read" };
                if !ops.contains(&op) {
                    ops.push(op);
                }
            }
        }
        for edge in &deployment.edges {
            if let (Some(from), Some(to)) = (element_of(d, &edge.from), element_of(d, &edge.to))
                && from != to
            {
                flows.entry((from, to)).or_default();
            }
        }
    }
    for ((from, to), ops) in &flows {
        let _ = write!(out, "flow {from} -> {to} {{\ndata Unclassified\n");
        if !ops.is_empty() {
            let _ = writeln!(out, "ops {}", ops.join(", "));
        }
        out.push_str("}\n");
    }
    format(FileId(0), &out).map_err(|e| match e {
        FormatError::Syntax(d) => format!(
            "the imported model does not parse: {:?}",
            d.first().map(|d| &d.message)
        ),
        FormatError::Internal(reason) => reason,
    })
}
