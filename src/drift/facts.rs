//! Drift in a bound resource's settings: encryption and its key, tracing, VPC placement,
//! authorizers, function URL auth, key rotation, point-in-time recovery, versioning and Block
//! Public Access, each compared with what the model says about the element.

use super::Binding;
use crate::graph::Graph;
use crate::model::*;
use crate::span::FileId;
use crate::template::deployment::{Deployment, Encryption, Resource};

#[allow(clippy::too_many_arguments)]
pub(super) fn compare_facts(
    model: &Model,
    id: ElementId,
    resource: &Resource,
    at: &str,
    bindings: &[Binding],
    deployments: &[(FileId, Deployment)],
    graph: &Graph,
    report: &mut dyn FnMut(&'static str, String, String),
) {
    let element = model.element(id);
    let facts = &resource.facts;
    let name = &element.name;
    // Encryption: the model's variant against the template's key.
    if let (Some(AttrValue::Variant { name: wanted, arg }), Some(actual)) =
        (element.attrs.get("encryption"), &facts.encryption)
    {
        let differs = match (&**wanted, actual) {
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
        (
            "access_logs",
            facts.access_logging,
            "DRF-024",
            "access logging",
        ),
        (
            "log_file_validation",
            facts.log_file_validation,
            "DRF-027",
            "log file validation",
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
    // Settings the model states with a value (a rate, a number, a queue): the template must
    // have one too.
    for (attribute, fact, check_id, what, fix) in [
        (
            "throttle",
            facts.throttled,
            "DRF-019",
            "a throttling limit",
            "Set a throttling limit on the stages of",
        ),
        (
            "reserved_concurrency",
            facts.reserved_concurrency,
            "DRF-025",
            "reserved concurrency",
            "Set ReservedConcurrentExecutions on",
        ),
        (
            "dead_letter",
            facts.dead_letter,
            "DRF-026",
            "a dead-letter queue",
            "Configure the dead-letter queue the model names on",
        ),
    ] {
        if element.attrs.get(attribute).is_some() && fact == Some(false) {
            report(
                check_id,
                format!(
                    "the model gives {name} {what} but `{}` ({at}) has none",
                    resource.id
                ),
                format!("{fix} `{}`", resource.id),
            );
        }
    }
}
