//! Drift: the model against its deployed templates. Elements are bound to template resources
//! ([`bind`]); then every setting the template states is compared with what the model says
//! ([`facts`]), and the templates' grants and wiring with the model's flows ([`iam`]). Every
//! difference is a finding with a stable id (`DRF-010@prod/orders`, `DRF-020@prod/fn->prod/table`,
//! or `DRF-003@template.yaml#LogicalId` for a resource the model lacks), located in the model and,
//! where it has one, in the template.

use crate::Compilation;
use crate::diagnostic::{Code, Diagnostic};
use crate::findings::{
    Extra, Finding, Location, RuleFacts, Status, apply_accepts, element_paths, flow_paths,
};
use crate::graph::{FlowIndex, Graph};
use crate::model::*;
use crate::rules::Item;
use crate::source::{SourceFile, SourceMap};
use crate::span::{FileId, Span};
use crate::template::{self, deployment::Deployment};
use arcstr::ArcStr;
use std::collections::HashSet;
use std::sync::Arc;

mod bind;
mod checks;
mod facts;
mod iam;

pub(crate) use bind::Binding;
pub use checks::{CHECKS, DriftCheck, find as find_check};

/// A template to compare with.
pub struct Template {
    /// Its name as shown in messages and locations (the path the user gave).
    pub name: String,
    /// Its name in finding ids: stable however the path was spelled (relative to the model).
    pub key: String,
    pub text: String,
}

impl Template {
    /// A template whose ids name it as it is shown.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Template {
        let name = name.into();
        Template {
            key: name.clone(),
            name,
            text: text.into(),
        }
    }
}

/// What a difference is about.
pub(crate) enum Subject {
    Element(ElementId),
    /// A principal acting on a target: an IAM grant.
    Access(ElementId, ElementId),
    Flow(FlowIndex),
    /// A deployed resource no element stands for: (deployment, resource).
    Resource(usize, usize),
}

/// A difference between the model and a template, before it becomes a finding.
pub(crate) struct Drift {
    pub check: &'static str,
    pub subject: Subject,
    pub message: String,
    pub fix: String,
    /// Where the template states it: (deployment, line, column).
    pub at: Option<(usize, usize, usize)>,
}

/// Reads the templates and compares them with the compiled model; adds the templates to the
/// compilation's sources, and the drift findings (with the model's drift acceptances applied)
/// and read errors to it.
pub fn check_drift(compilation: &mut Compilation, templates: &[Template]) {
    let mut deployments: Vec<(FileId, Deployment)> = Vec::new();
    let mut keys = Vec::new();
    for template in templates {
        let id = compilation.unit.sources.add(SourceFile::new(
            template.name.clone(),
            template.text.clone(),
        ));
        match template::read(&template.name, &template.text) {
            Ok(deployment) => {
                deployments.push((id, deployment));
                keys.push(template.key.as_str());
            }
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
    // The compilation's graph (its fields borrowed, so that its findings can grow meanwhile).
    let graph = Graph::over_or_build(&compilation.model, compilation.facts.as_ref());
    let drifts = compare(&compilation.model, &graph, &deployments);
    let mut findings = to_findings(
        drifts,
        &graph,
        &compilation.unit.sources,
        &deployments,
        &keys,
    );
    let today = compilation.today.to_string();
    let stale = apply_accepts(&mut findings, &graph, &today, true);
    compilation.diagnostics.extend(stale);
    compilation.findings.extend(findings);
    compilation.findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.id().cmp(&b.id()))
    });
}

/// Turns differences into findings: ids, locations in the model and the template; one finding
/// per id (the first difference found for it).
fn to_findings(
    drifts: Vec<Drift>,
    graph: &Graph,
    sources: &SourceMap,
    deployments: &[(FileId, Deployment)],
    keys: &[&str],
) -> Vec<Finding> {
    let model = graph.model;
    let element_paths = element_paths(graph);
    let flow_paths = flow_paths(graph, &element_paths);
    let mut seen = HashSet::new();
    let mut findings = Vec::new();
    for drift in drifts {
        let check = checks::find(drift.check).expect("a known drift check");
        let (path, item, span) = match drift.subject {
            Subject::Element(e) => (
                ArcStr::clone(&element_paths[e.index()]),
                Item::Element(e),
                model.element(e).span,
            ),
            Subject::Access(principal, target) => (
                format!(
                    "{}->{}",
                    element_paths[principal.index()],
                    element_paths[target.index()]
                )
                .into(),
                Item::Element(principal),
                model.element(principal).span,
            ),
            Subject::Flow(f) => (
                ArcStr::clone(&flow_paths[f as usize]),
                Item::Flow(f),
                model.flow(f).span,
            ),
            Subject::Resource(d, r) => {
                let (file_id, deployment) = &deployments[d];
                let resource = &deployment.resources[r];
                let offset = sources
                    .get(*file_id)
                    .offset_of(resource.line, resource.column);
                (
                    format!("{}#{}", keys[d], resource.id).into(),
                    Item::Resource,
                    Span::point(*file_id, offset),
                )
            }
        };
        let id = format!("{}@{path}", check.id);
        if !seen.insert(id.clone()) {
            continue;
        }
        let deployed = drift.at.map(|(d, line, column)| Location {
            file: sources.get(deployments[d].0).name.clone(),
            line: line as u32,
            column: column as u32,
        });
        let mut finding = Finding {
            rule: Arc::new(RuleFacts {
                id: check.id.to_string(),
                title: check.title.to_string(),
                stride: check.stride.iter().map(|s| s.to_string()).collect(),
                refs: Vec::new(),
                compiled: None,
            }),
            severity: check.severity,
            status: Status::Active,
            element: path,
            location: Location::of(sources, span),
            extra: Some(Box::new(Extra {
                deployed,
                ..Extra::default()
            })),
            item,
            span,
        };
        finding.set_text(drift.message, Some(drift.fix));
        findings.push(finding);
    }
    findings
}

/// Every difference between the model and the deployments, in a deterministic order.
fn compare(model: &Model, graph: &Graph, deployments: &[(FileId, Deployment)]) -> Vec<Drift> {
    let bindings = bind::bind(model, deployments);
    let mut drifts = Vec::new();
    let mut bound: HashSet<(usize, usize)> = HashSet::new();
    for (index, element) in model.elements.iter().enumerate() {
        let id = ElementId(index as u32);
        let kind = model.kind(element.kind);
        let Some((d, r)) = bindings[index] else {
            if let Some(AttrValue::Str(logical)) = element.attrs.get("deployed")
                && !deployments.is_empty()
            {
                let files: Vec<&str> = deployments.iter().map(|(_, d)| d.file.as_str()).collect();
                drifts.push(Drift {
                    check: "DRF-001",
                    subject: Subject::Element(id),
                    message: format!(
                        "{} is deployed as `{logical}`, which is not in {}",
                        element.name,
                        files.join(", ")
                    ),
                    fix: format!(
                        "Correct `deployed` on {} or add `{logical}` to the template",
                        element.name
                    ),
                    at: None,
                });
            }
            continue;
        };
        bound.insert((d, r));
        let (_, deployment) = &deployments[d];
        let resource = &deployment.resources[r];
        let at = Some((d, resource.line, resource.column));
        let shown = format!("{}:{}:{}", deployment.file, resource.line, resource.column);
        if !kind.resources.is_empty() && !kind.resources.contains(&resource.kind) {
            drifts.push(Drift {
                check: "DRF-002",
                subject: Subject::Element(id),
                message: format!(
                    "{} is of kind {} but `{}` ({shown}) is a {}",
                    element.name, kind.name, resource.id, resource.kind
                ),
                fix: format!(
                    "Bind {} to a resource of type {}, or change its kind",
                    element.name,
                    kind.resources.join(" or ")
                ),
                at,
            });
            continue;
        }
        facts::compare_facts(
            model,
            id,
            resource,
            &shown,
            &bindings,
            deployments,
            graph,
            &mut |check, message, fix| {
                drifts.push(Drift {
                    check,
                    subject: Subject::Element(id),
                    message,
                    fix,
                    at,
                })
            },
        );
    }
    drifts.extend(iam::compare(model, &bindings, deployments));
    drifts.extend(unmodelled(model, deployments, &bound));
    drifts
}

/// Resources of the types the catalogue names first for a kind, that no element models.
/// Boundaries (accounts, VPCs, subnets) are not elements; they are not reported here, and an
/// execution role is modelled by its function's `iam`.
fn unmodelled(
    model: &Model,
    deployments: &[(FileId, Deployment)],
    bound: &HashSet<(usize, usize)>,
) -> Vec<Drift> {
    let primary: HashSet<&str> = model
        .kinds
        .iter()
        .filter(|k| !model.role(k.role).structural)
        .filter_map(|k| k.resources.first().map(String::as_str))
        .collect();
    let mut drifts = Vec::new();
    for (d, (_, deployment)) in deployments.iter().enumerate() {
        let position: std::collections::HashMap<&str, usize> = deployment
            .resources
            .iter()
            .enumerate()
            .map(|(r, resource)| (resource.id.as_str(), r))
            .collect();
        for (r, resource) in deployment.resources.iter().enumerate() {
            if bound.contains(&(d, r)) || !primary.contains(resource.kind.as_str()) {
                continue;
            }
            let role_of_bound = deployment.role_users.iter().any(|(role, user)| {
                *role == resource.id
                    && position
                        .get(user.as_str())
                        .is_some_and(|u| bound.contains(&(d, *u)))
            });
            if role_of_bound {
                continue;
            }
            drifts.push(Drift {
                check: "DRF-003",
                subject: Subject::Resource(d, r),
                message: format!(
                    "`{}` ({}) is deployed but no element of the model stands for it",
                    resource.id, resource.kind
                ),
                fix: format!(
                    "Model it (with `deployed \"{}\"`) so its threats are analysed, or remove it from the template",
                    resource.id
                ),
                at: Some((d, resource.line, resource.column)),
            });
        }
    }
    drifts
}
