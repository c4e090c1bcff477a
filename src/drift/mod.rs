//! Drift: the model against its deployed templates. Elements are bound to template resources by
//! `deployed "LogicalId"`, else by name; then every fact the template states is compared with
//! what the model says, and every difference is a finding with a stable id (`DRF-010@prod/orders`,
//! or `DRF-003@template.yaml#LogicalId` for a resource the model lacks).

use crate::Compilation;
use crate::diagnostic::{Code, Diagnostic};
use crate::findings::{Finding, Location, Status, element_path};
use crate::graph::Graph;
use crate::model::*;
use crate::rules::Item;
use crate::rules::severity::Severity;
use crate::source::SourceFile;
use crate::span::{FileId, Span};
use crate::template::cloudformation;
use crate::template::deployment::{Deployment, Encryption, Resource};

mod iam;

/// A template to compare with: its name as shown and its text.
pub struct Template {
    pub name: String,
    pub text: String,
}

/// The drift checks: id, title, STRIDE categories, severity.
const CHECKS: &[(&str, &str, &[&str], Severity)] = &[
    (
        "DRF-001",
        "Modelled resource missing from the templates",
        &["tampering"],
        Severity::Medium,
    ),
    (
        "DRF-002",
        "Deployed resource type does not fit the element's kind",
        &["tampering"],
        Severity::High,
    ),
    (
        "DRF-003",
        "Security-relevant resource missing from the model",
        &["information_disclosure", "elevation_of_privilege"],
        Severity::Medium,
    ),
    (
        "DRF-010",
        "Encryption at rest differs from the model",
        &["information_disclosure"],
        Severity::High,
    ),
    (
        "DRF-011",
        "Tracing differs from the model",
        &["repudiation"],
        Severity::Low,
    ),
    (
        "DRF-012",
        "VPC placement differs from the model",
        &["information_disclosure"],
        Severity::Medium,
    ),
    (
        "DRF-013",
        "API open in the template but authorized in the model",
        &["spoofing", "elevation_of_privilege"],
        Severity::High,
    ),
    (
        "DRF-014",
        "Function URL authentication differs from the model",
        &["spoofing"],
        Severity::High,
    ),
    (
        "DRF-015",
        "Key rotation differs from the model",
        &["information_disclosure"],
        Severity::Low,
    ),
    (
        "DRF-016",
        "Point-in-time recovery differs from the model",
        &["tampering", "denial_of_service"],
        Severity::Low,
    ),
    (
        "DRF-017",
        "Bucket versioning differs from the model",
        &["tampering"],
        Severity::Low,
    ),
    (
        "DRF-018",
        "Bucket public access differs from the model",
        &["information_disclosure"],
        Severity::High,
    ),
    (
        "DRF-020",
        "Deployed access the model does not show",
        &["elevation_of_privilege"],
        Severity::High,
    ),
    (
        "DRF-021",
        "Flow with nothing deployed behind it",
        &["tampering"],
        Severity::Medium,
    ),
    (
        "DRF-022",
        "Wildcard permissions where the model says least privilege",
        &["elevation_of_privilege"],
        Severity::High,
    ),
    (
        "DRF-023",
        "Write permissions where the model's flows only read",
        &["tampering", "elevation_of_privilege"],
        Severity::Medium,
    ),
];

fn check(
    id: &str,
) -> (
    &'static str,
    &'static str,
    &'static [&'static str],
    Severity,
) {
    *CHECKS
        .iter()
        .find(|c| c.0 == id)
        .expect("a known drift check")
}

/// Reads the templates and compares them with the compiled model; adds the templates to the
/// compilation's sources, and the drift findings and read errors to it.
pub fn check_drift(compilation: &mut Compilation, templates: &[Template]) {
    let mut deployments: Vec<(FileId, Deployment)> = Vec::new();
    for template in templates {
        let id = compilation.unit.sources.add(SourceFile::new(
            template.name.clone(),
            template.text.clone(),
        ));
        match cloudformation::read(&template.name, &template.text) {
            Ok(deployment) => deployments.push((id, deployment)),
            Err(error) => {
                let file = compilation.unit.sources.get(id);
                let offset = file.offset_of(error.line, error.column);
                compilation.diagnostics.push(
                    Diagnostic::error(
                        Code::TemplateUnreadable,
                        format!("cannot read `{}`: {}", template.name, error.message),
                    )
                    .with_primary(Span::point(id, offset), "here"),
                );
            }
        }
    }
    let findings = compare(compilation, &deployments);
    compilation.findings.extend(findings);
    compilation
        .findings
        .sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.id.cmp(&b.id)));
}

/// A drift finding of check `check_id` about `path`, located at `span`.
fn drift_finding(
    sources: &crate::source::SourceMap,
    check_id: &str,
    path: String,
    item: Item,
    span: Span,
    message: String,
    fix: String,
) -> Finding {
    let (rule, title, stride, severity) = check(check_id);
    let file = sources.get(span.file);
    let (line, column) = file.line_column(span.start as usize);
    Finding {
        id: format!("{rule}@{path}"),
        rule: rule.to_string(),
        title: title.to_string(),
        stride: stride.iter().map(|s| s.to_string()).collect(),
        severity,
        status: Status::Active,
        element: path,
        location: Location {
            file: file.name.clone(),
            line,
            column,
        },
        message,
        fix: Some(fix),
        refs: Vec::new(),
        note: None,
        item,
        span,
    }
}

/// Where the element is bound: (deployment index, resource index).
pub(crate) type Binding = Option<(usize, usize)>;

fn normalized(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase()
}

fn compare(compilation: &Compilation, deployments: &[(FileId, Deployment)]) -> Vec<Finding> {
    let model = &compilation.model;
    let sources = &compilation.unit.sources;
    let graph = Graph::build(model);
    let mut findings = Vec::new();
    let mut bound: Vec<(usize, usize)> = Vec::new();
    let find = |id: &str| -> Binding {
        deployments.iter().enumerate().find_map(|(d, (_, dep))| {
            dep.resources
                .iter()
                .position(|r| r.id == id)
                .map(|r| (d, r))
        })
    };
    let bindings: Vec<Binding> = model
        .elements
        .iter()
        .map(|e| match e.attrs.get("deployed") {
            Some(AttrValue::Str(id)) => find(id),
            _ => {
                // By name; a Terraform address binds by its name part (`aws_dynamodb_table.orders`).
                // Among resources of that name, one whose type fits the element's kind wins.
                let fits = &model.kind(e.kind).resources;
                let all: Vec<(usize, usize, bool)> = deployments
                    .iter()
                    .enumerate()
                    .flat_map(|(d, (_, dep))| {
                        dep.resources
                            .iter()
                            .enumerate()
                            .filter_map(move |(r, resource)| {
                                let name = resource.id.rsplit('.').next().unwrap_or(&resource.id);
                                let named = normalized(&resource.id) == normalized(&e.name)
                                    || normalized(name) == normalized(&e.name);
                                named.then_some((d, r, fits.contains(&resource.kind)))
                            })
                    })
                    .collect();
                all.iter()
                    .find(|c| c.2)
                    .or(all.first())
                    .map(|(d, r, _)| (*d, *r))
            }
        })
        .collect();
    let mut finding = |check_id: &str, element: ElementId, message: String, fix: String| {
        let path = element_path(&graph, element);
        let span = model.element(element).span;
        findings.push(drift_finding(
            sources,
            check_id,
            path,
            Item::Element(element),
            span,
            message,
            fix,
        ));
    };
    for (index, element) in model.elements.iter().enumerate() {
        let id = ElementId(index as u32);
        let kind = model.kind(element.kind);
        let deployed = match element.attrs.get("deployed") {
            Some(AttrValue::Str(s)) => Some(s.clone()),
            _ => None,
        };
        let Some((d, r)) = bindings[index] else {
            if let Some(logical) = deployed
                && !deployments.is_empty()
            {
                let files: Vec<&str> = deployments.iter().map(|(_, d)| d.file.as_str()).collect();
                finding(
                    "DRF-001",
                    id,
                    format!(
                        "{} is deployed as `{logical}`, which is not in {}",
                        element.name,
                        files.join(", ")
                    ),
                    format!(
                        "Correct `deployed` on {} or add `{logical}` to the template",
                        element.name
                    ),
                );
            }
            continue;
        };
        bound.push((d, r));
        let (_, deployment) = &deployments[d];
        let resource = &deployment.resources[r];
        let at = format!("{}:{}:{}", deployment.file, resource.line, resource.column);
        if !kind.resources.is_empty() && !kind.resources.contains(&resource.kind) {
            finding(
                "DRF-002",
                id,
                format!(
                    "{} is of kind {} but `{}` ({at}) is a {}",
                    element.name, kind.name, resource.id, resource.kind
                ),
                format!(
                    "Bind {} to a resource of type {}, or change its kind",
                    element.name,
                    kind.resources.join(" or ")
                ),
            );
            continue;
        }
        compare_facts(
            model,
            id,
            resource,
            &at,
            &bindings,
            deployments,
            &graph,
            &mut |check_id, message, fix| finding(check_id, id, message, fix),
        );
    }
    let mut flow_findings = Vec::new();
    let flow_paths = crate::findings::flow_paths(&graph);
    for drift in iam::compare(model, &bindings, deployments) {
        match drift.subject {
            iam::Subject::Element(element) => {
                finding(drift.check, element, drift.message, drift.fix)
            }
            iam::Subject::Flow(index) => {
                let path = flow_paths[index].clone();
                let span = model.flows[index].span;
                flow_findings.push(drift_finding(
                    sources,
                    drift.check,
                    path,
                    Item::Flow(index),
                    span,
                    drift.message,
                    drift.fix,
                ));
            }
        }
    }
    findings.extend(flow_findings);
    // Resources of the types the catalogue names first for a kind, that no element models.
    // Boundaries (accounts, VPCs, subnets) are not elements; they are not reported here.
    let primary: Vec<&str> = model
        .kinds
        .iter()
        .filter(|k| !model.role(k.role).structural)
        .filter_map(|k| k.resources.first().map(String::as_str))
        .collect();
    for (d, (file_id, deployment)) in deployments.iter().enumerate() {
        for (r, resource) in deployment.resources.iter().enumerate() {
            if bound.contains(&(d, r)) || !primary.contains(&resource.kind.as_str()) {
                continue;
            }
            // An execution role is modelled by its function's `iam`.
            let role_of_bound = deployment.role_users.iter().any(|(role, user)| {
                *role == resource.id
                    && deployment
                        .resources
                        .iter()
                        .position(|x| x.id == *user)
                        .is_some_and(|u| bound.contains(&(d, u)))
            });
            if role_of_bound {
                continue;
            }
            let file = sources.get(*file_id);
            let span = Span::point(*file_id, file.offset_of(resource.line, resource.column));
            findings.push(drift_finding(
                sources,
                "DRF-003",
                format!("{}#{}", deployment.file, resource.id),
                Item::Resource,
                span,
                format!("`{}` ({}) is deployed but no element of the model stands for it", resource.id, resource.kind),
                format!("Model it (with `deployed \"{}\"`) so its threats are analysed, or remove it from the template", resource.id),
            ));
        }
    }
    findings
}

#[allow(clippy::too_many_arguments)]
fn compare_facts(
    model: &Model,
    id: ElementId,
    resource: &Resource,
    at: &str,
    bindings: &[Binding],
    deployments: &[(FileId, Deployment)],
    graph: &Graph,
    report: &mut dyn FnMut(&str, String, String),
) {
    let element = model.element(id);
    let facts = &resource.facts;
    let name = &element.name;
    // Encryption: the model's variant against the template's key.
    if let (Some(AttrValue::Variant { name: wanted, arg }), Some(actual)) =
        (element.attrs.get("encryption"), &facts.encryption)
    {
        let differs = match (wanted.as_str(), actual) {
            ("cmk", Encryption::Cmk(Some(key))) => {
                // The key the model names must be the key the template references.
                match arg.as_deref() {
                    Some(AttrValue::Element(key_element)) => match bindings[key_element.index()] {
                        Some((d, r)) => deployments[d].1.resources[r].id != *key,
                        None => false,
                    },
                    _ => false,
                }
            }
            ("cmk", Encryption::Cmk(None)) => false,
            ("cmk", _) => true,
            ("aws_managed", Encryption::AwsManaged)
            | ("aws_owned", Encryption::AwsOwned)
            | ("none", Encryption::None) => false,
            // The model asks for less than the template gives: not a risk.
            ("aws_owned" | "aws_managed" | "none", _) => false,
            _ => true,
        };
        if differs {
            report(
                "DRF-010",
                format!(
                    "the model encrypts {name} with {wanted} but `{}` ({at}) uses {}",
                    resource.id,
                    actual.describe()
                ),
                format!(
                    "Make the template match the model: the key the model names on `{}`",
                    resource.id
                ),
            );
        }
    }
    if element.attrs.flag("tracing") == Some(true) && facts.tracing == Some(false) {
        report(
            "DRF-011",
            format!(
                "the model says {name} is traced but `{}` ({at}) has tracing off",
                resource.id
            ),
            format!("Turn on active tracing on `{}`", resource.id),
        );
    }
    if let Some(in_vpc) = facts.in_vpc {
        let vpc = model.find_kind("aws.vpc");
        let modelled = graph.chains[id.index()]
            .iter()
            .any(|b| Some(model.boundary(*b).kind) == vpc);
        if modelled != in_vpc {
            let (said, is) = if modelled {
                ("inside a VPC", "has no VpcConfig")
            } else {
                ("outside any VPC", "runs in a VPC")
            };
            report(
                "DRF-012",
                format!(
                    "the model places {name} {said} but `{}` ({at}) {is}",
                    resource.id
                ),
                "Make the template's VpcConfig and the model's boundaries agree".to_string(),
            );
        }
    }
    if let Some(authorizer) = element.attrs.variant("authorizer")
        && authorizer != "none"
        && facts.authorized == Some(false)
    {
        report(
            "DRF-013",
            format!(
                "the model says {name} uses a {authorizer} authorizer but `{}` ({at}) has methods or routes with authorization NONE",
                resource.id
            ),
            format!(
                "Set AuthorizationType on every method or route of `{}`",
                resource.id
            ),
        );
    }
    if let (Some(wanted), Some(actual)) = (element.attrs.variant("auth"), &facts.url_auth) {
        let expected = if wanted == "iam" { "AWS_IAM" } else { "NONE" };
        if !actual.eq_ignore_ascii_case(expected) {
            report(
                "DRF-014",
                format!(
                    "the model says {name} uses auth {wanted} but `{}` ({at}) has AuthType {actual}",
                    resource.id
                ),
                format!("Set AuthType {expected} on `{}`", resource.id),
            );
        }
    }
    for (attribute, fact, check_id, what) in [
        ("rotation", facts.key_rotation, "DRF-015", "key rotation"),
        (
            "pitr",
            facts.point_in_time_recovery,
            "DRF-016",
            "point-in-time recovery",
        ),
        ("versioning", facts.versioning, "DRF-017", "versioning"),
        (
            "block_public_access",
            facts.public_access_blocked,
            "DRF-018",
            "Block Public Access",
        ),
    ] {
        if element.attrs.flag(attribute) == Some(true) && fact == Some(false) {
            report(
                check_id,
                format!(
                    "the model says {name} has {what} on but `{}` ({at}) has it off",
                    resource.id
                ),
                format!("Turn on {what} on `{}`", resource.id),
            );
        }
    }
}
