//! Drift between the model's flows and the templates' IAM grants and wiring: access the model
//! does not show (over-privilege), flows nothing deployed makes possible, wildcards where the
//! model says least privilege, and write permissions where the model's flows only read.

use super::{Binding, Drift, Subject};
use crate::graph::FlowIndex;
use crate::model::*;
use crate::span::FileId;
use crate::template::deployment::Deployment;

fn ops(flow: &Flow) -> Vec<String> {
    match flow.attrs.get("ops") {
        Some(AttrValue::List(items)) => items
            .iter()
            .filter_map(|v| match v {
                AttrValue::Variant { name, .. } => Some(name.to_string()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

pub fn compare(
    model: &Model,
    bindings: &[Binding],
    deployments: &[(FileId, Deployment)],
) -> Vec<Drift> {
    let mut out = Vec::new();
    // The element bound to each (deployment, logical id).
    let element_of = |d: usize, id: &str| -> Option<ElementId> {
        let r = deployments[d].1.resources.iter().position(|r| r.id == id)?;
        bindings
            .iter()
            .position(|b| *b == Some((d, r)))
            .map(|i| ElementId(i as u32))
    };
    let flows_between = |a: ElementId, b: ElementId| -> Vec<&Flow> {
        model
            .flows
            .iter()
            .filter(|f| (f.source == a && f.target == b) || (f.source == b && f.target == a))
            .collect()
    };
    for (d, (_, deployment)) in deployments.iter().enumerate() {
        for grant in &deployment.grants {
            let Some(principal) = element_of(d, &grant.principal) else {
                continue;
            };
            let principal_element = model.element(principal);
            let at = format!("{}:{}:{}", deployment.file, grant.line, grant.column);
            let located = Some((d, grant.line, grant.column));
            let iam = match principal_element.attrs.get("iam") {
                Some(AttrValue::Variant { name, .. }) => &**name,
                _ => "",
            };
            if grant.has_wildcard() && (iam == "least_privilege" || iam == "scoped") {
                out.push(Drift {
                    check: "DRF-022",
                    subject: Subject::Element(principal),
                    at: located,
                    message: format!(
                        "the model scopes {}'s role as {iam} but its policy ({at}) allows {}{}",
                        principal_element.name,
                        grant.actions.join(", "),
                        if grant.any_resource { " on any resource" } else { "" }
                    ),
                    fix: "Name the actions and resources the function's flows need instead of wildcards".to_string(),
                });
            }
            for target in &grant.targets {
                let Some(target_element) = element_of(d, target) else {
                    continue;
                };
                if target_element == principal {
                    continue;
                }
                let flows = flows_between(principal, target_element);
                let target_name = &model.element(target_element).name;
                if flows.is_empty() && !key_of_a_neighbour(model, principal, target_element) {
                    out.push(Drift {
                        check: "DRF-020",
                        subject: Subject::Access(principal, target_element),
                        at: located,
                        message: format!(
                            "{} may {} on {target_name} ({at}) but the model has no flow between them",
                            principal_element.name,
                            grant.actions.join(", ")
                        ),
                        fix: format!("Remove the grant, or model the flow between {} and {target_name}", principal_element.name),
                    });
                    continue;
                }
                let read_only = flows.iter().all(|f| {
                    let ops = ops(f);
                    !ops.is_empty() && ops.iter().all(|o| o == "read" || o == "subscribe")
                });
                if read_only && grant.writes() {
                    out.push(Drift {
                        check: "DRF-023",
                        subject: Subject::Access(principal, target_element),
                        at: located,
                        message: format!(
                            "the model's flows between {} and {target_name} only read, but the policy ({at}) allows {}",
                            principal_element.name,
                            grant.actions.join(", ")
                        ),
                        fix: "Grant only the read actions the flows need".to_string(),
                    });
                }
            }
        }
    }
    // Flows between two bound elements where one acts through IAM on the other, with no grant
    // and no wiring behind them.
    let signed = |e: ElementId| {
        model
            .kind(model.element(e).kind)
            .supports("iam_signed", None)
    };
    for (index, flow) in model.flows.iter().enumerate() {
        let (Some((ds, rs)), Some((dt, rt))) =
            (bindings[flow.source.index()], bindings[flow.target.index()])
        else {
            continue;
        };
        if !(signed(flow.source) && signed(flow.target)) {
            continue;
        }
        let source_id = &deployments[ds].1.resources[rs].id;
        let target_id = &deployments[dt].1.resources[rt].id;
        let backed = deployments.iter().any(|(_, dep)| {
            dep.grants.iter().any(|g| {
                (g.principal == *source_id && (g.any_resource || g.targets.contains(target_id)))
                    || (g.principal == *target_id
                        && (g.any_resource || g.targets.contains(source_id)))
            }) || dep.edges.iter().any(|e| {
                (e.from == *source_id && e.to == *target_id)
                    || (e.from == *target_id && e.to == *source_id)
            })
        });
        if !backed {
            out.push(Drift {
                check: "DRF-021",
                subject: Subject::Flow(index as FlowIndex),
                at: None,
                message: format!(
                    "the model has a flow from {} to {} but no grant, event source or integration between `{source_id}` and `{target_id}` makes it possible",
                    model.element(flow.source).name,
                    model.element(flow.target).name
                ),
                fix: "Grant the access the flow needs, or remove the flow from the model".to_string(),
            });
        }
    }
    out
}

/// Whether `key` encrypts (as `encryption cmk(key)`) something `element` has a flow with: using
/// that thing needs the key, so a grant on it is implied by the flow.
fn key_of_a_neighbour(model: &Model, element: ElementId, key: ElementId) -> bool {
    model.flows.iter().any(|flow| {
        let other = if flow.source == element {
            flow.target
        } else if flow.target == element {
            flow.source
        } else {
            return false;
        };
        matches!(
            model.element(other).attrs.get("encryption"),
            Some(AttrValue::Variant { arg: Some(arg), .. }) if **arg == AttrValue::Element(key)
        )
    })
}
