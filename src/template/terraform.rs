//! Terraform plans (`terraform show -json`): resources from `planned_values` (child modules
//! included), their security facts, and references between them from `configuration`
//! expressions. A resource's id is its address (`aws_dynamodb_table.orders`); its location is
//! where its entry is in the plan file.

use super::deployment::{Deployment, Edge, Encryption, Facts, Grant, Resource};
use super::tree::{Node, Value};
use super::yaml::{self, ReadError};
use std::collections::HashMap;

/// Terraform resource types and the CloudFormation types the catalogue names for them.
const TYPES: &[(&str, &str)] = &[
    ("aws_dynamodb_table", "AWS::DynamoDB::Table"),
    ("aws_s3_bucket", "AWS::S3::Bucket"),
    ("aws_sqs_queue", "AWS::SQS::Queue"),
    ("aws_sns_topic", "AWS::SNS::Topic"),
    ("aws_kinesis_stream", "AWS::Kinesis::Stream"),
    ("aws_lambda_function", "AWS::Lambda::Function"),
    ("aws_lambda_function_url", "AWS::Lambda::Url"),
    ("aws_kms_key", "AWS::KMS::Key"),
    ("aws_cloudwatch_log_group", "AWS::Logs::LogGroup"),
    ("aws_secretsmanager_secret", "AWS::SecretsManager::Secret"),
    ("aws_iam_role", "AWS::IAM::Role"),
    ("aws_api_gateway_rest_api", "AWS::ApiGateway::RestApi"),
    ("aws_apigatewayv2_api", "AWS::ApiGatewayV2::Api"),
    ("aws_sfn_state_machine", "AWS::StepFunctions::StateMachine"),
    ("aws_cloudtrail", "AWS::CloudTrail::Trail"),
    ("aws_ssm_parameter", "AWS::SSM::Parameter"),
    ("aws_ecr_repository", "AWS::ECR::Repository"),
];

/// Whether a JSON document is a Terraform plan.
pub fn is_plan(root: &Node) -> bool {
    root.get("format_version").is_some()
        && (root.get("planned_values").is_some() || root.get("configuration").is_some())
}

fn error(node: &Node, message: impl Into<String>) -> ReadError {
    ReadError {
        message: message.into(),
        line: node.line,
        column: node.column,
    }
}

/// Every resource entry of a module and its children: (address, type, values, node).
fn planned<'a>(module: &'a Node, out: &mut Vec<&'a Node>) {
    let mut stack = vec![module];
    while let Some(m) = stack.pop() {
        out.extend(m.get("resources").map(Node::items).unwrap_or_default());
        stack.extend(m.get("child_modules").map(Node::items).unwrap_or_default());
    }
}

/// The addresses each configured resource's expressions refer to, by expression name.
fn references(configuration: Option<&Node>) -> HashMap<String, Vec<(String, String)>> {
    let mut out: HashMap<String, Vec<(String, String)>> = HashMap::new();
    let mut modules = configuration
        .and_then(|c| c.get("root_module"))
        .into_iter()
        .collect::<Vec<_>>();
    while let Some(module) = modules.pop() {
        for call in module
            .get("module_calls")
            .map(Node::entries)
            .unwrap_or_default()
        {
            if let Some(inner) = call.1.get("module") {
                modules.push(inner);
            }
        }
        for resource in module.get("resources").map(Node::items).unwrap_or_default() {
            let Some(address) = resource.get("address").and_then(Node::as_str) else {
                continue;
            };
            let mut found = Vec::new();
            let mut stack: Vec<(String, &Node)> = resource
                .get("expressions")
                .map(Node::entries)
                .unwrap_or_default()
                .iter()
                .map(|(k, v)| (k.clone(), v))
                .collect();
            while let Some((name, node)) = stack.pop() {
                if let Some(refs) = node.get("references") {
                    for r in refs.items().iter().filter_map(Node::as_str) {
                        found.push((name.clone(), r.to_string()));
                    }
                }
                match &node.value {
                    Value::Map(entries) => stack.extend(
                        entries
                            .iter()
                            .filter(|(k, _)| k != "references")
                            .map(|(_, v)| (name.clone(), v)),
                    ),
                    Value::Seq(items) => stack.extend(items.iter().map(|v| (name.clone(), v))),
                    _ => {}
                }
            }
            out.insert(address.to_string(), found);
        }
    }
    out
}

/// `aws_kms_key.orders.arn` → `aws_kms_key.orders` (the resource part of a reference).
fn resource_of(reference: &str) -> String {
    let parts: Vec<&str> = reference.split('.').collect();
    let start = parts
        .iter()
        .position(|p| p.starts_with("aws_"))
        .unwrap_or(0);
    parts[..parts.len().min(start + 2)].join(".")
}

fn first<'a>(values: &'a Node, block: &str) -> Option<&'a Node> {
    values.get(block)?.items().first()
}

fn flag(node: Option<&Node>, key: &str) -> Option<bool> {
    node?.get(key)?.as_bool()
}

fn key_encryption(
    refs: &[(String, String)],
    expression: &str,
    literal: Option<&Node>,
) -> Option<Encryption> {
    if let Some((_, r)) = refs
        .iter()
        .find(|(name, r)| name == expression && r.starts_with("aws_kms_key."))
    {
        return Some(Encryption::Cmk(Some(resource_of(r))));
    }
    match literal.and_then(Node::as_str) {
        Some(alias) if alias.starts_with("alias/aws/") => Some(Encryption::AwsManaged),
        Some(s) if !s.is_empty() => Some(Encryption::Cmk(None)),
        _ => None,
    }
}

fn facts(kind: &str, values: &Node, refs: &[(String, String)]) -> Facts {
    let mut facts = Facts::default();
    match kind {
        "aws_dynamodb_table" => {
            let sse = first(values, "server_side_encryption");
            facts.encryption = Some(if flag(sse, "enabled") == Some(true) {
                key_encryption(
                    refs,
                    "server_side_encryption",
                    sse.and_then(|s| s.get("kms_key_arn")),
                )
                .unwrap_or(Encryption::AwsManaged)
            } else {
                Encryption::AwsOwned
            });
            facts.point_in_time_recovery =
                Some(flag(first(values, "point_in_time_recovery"), "enabled").unwrap_or(false));
        }
        "aws_sqs_queue" => {
            facts.encryption = Some(
                key_encryption(refs, "kms_master_key_id", values.get("kms_master_key_id"))
                    .unwrap_or(
                        if values
                            .get("sqs_managed_sse_enabled")
                            .and_then(Node::as_bool)
                            == Some(false)
                        {
                            Encryption::None
                        } else {
                            Encryption::AwsOwned
                        },
                    ),
            );
            facts.dead_letter = Some(
                values
                    .get("redrive_policy")
                    .and_then(Node::as_str)
                    .is_some_and(|s| !s.is_empty()),
            );
        }
        "aws_sns_topic" => {
            facts.encryption = Some(
                key_encryption(refs, "kms_master_key_id", values.get("kms_master_key_id"))
                    .unwrap_or(Encryption::None),
            );
        }
        "aws_lambda_function" => {
            facts.encryption = Some(
                key_encryption(refs, "kms_key_arn", values.get("kms_key_arn"))
                    .unwrap_or(Encryption::AwsManaged),
            );
            facts.tracing = Some(
                first(values, "tracing_config")
                    .and_then(|t| t.get("mode"))
                    .and_then(Node::as_str)
                    == Some("Active"),
            );
            facts.in_vpc = Some(first(values, "vpc_config").is_some_and(|v| {
                !v.get("subnet_ids")
                    .map(Node::items)
                    .unwrap_or_default()
                    .is_empty()
            }));
            facts.reserved_concurrency = Some(
                values
                    .get("reserved_concurrent_executions")
                    .and_then(Node::as_str)
                    .is_some_and(|n| n != "-1"),
            );
            facts.dead_letter = Some(first(values, "dead_letter_config").is_some());
        }
        "aws_lambda_function_url" => {
            facts.url_auth = values
                .get("authorization_type")
                .and_then(Node::as_str)
                .map(str::to_string);
        }
        "aws_kms_key" => {
            facts.key_rotation = Some(flag(Some(values), "enable_key_rotation").unwrap_or(false))
        }
        "aws_cloudwatch_log_group" => {
            facts.encryption = Some(
                key_encryption(refs, "kms_key_id", values.get("kms_key_id"))
                    .unwrap_or(Encryption::AwsOwned),
            );
        }
        "aws_cloudtrail" => {
            facts.log_file_validation =
                Some(flag(Some(values), "enable_log_file_validation").unwrap_or(false))
        }
        "aws_sfn_state_machine" => {
            facts.tracing =
                Some(flag(first(values, "tracing_configuration"), "enabled").unwrap_or(false))
        }
        "aws_s3_bucket" => {
            // Provider v4+ states these in their own resources, applied below.
            facts.encryption = Some(Encryption::AwsOwned);
            facts.versioning = Some(false);
            facts.public_access_blocked = Some(true);
            facts.access_logging = Some(false);
        }
        _ => {}
    }
    facts
}

/// Reads a plan's JSON text.
pub fn read(file: &str, text: &str) -> Result<Deployment, ReadError> {
    let root = yaml::read(text)?;
    read_tree(file, &root)
}

pub fn read_tree(file: &str, root: &Node) -> Result<Deployment, ReadError> {
    let version = root
        .get("format_version")
        .and_then(Node::as_str)
        .unwrap_or("");
    if !version.starts_with("1.") {
        return Err(error(
            root,
            format!(
                "this plan has format_version `{version}`; threatflow reads 1.x (`terraform show -json`)"
            ),
        ));
    }
    let refs = references(root.get("configuration"));
    let mut entries = Vec::new();
    if let Some(module) = root.at(&["planned_values", "root_module"]) {
        planned(module, &mut entries);
    }
    let mut deployment = Deployment {
        file: file.to_string(),
        format: "terraform".to_string(),
        ..Deployment::default()
    };
    let no_refs = Vec::new();
    for entry in &entries {
        let (Some(address), Some(kind)) = (
            entry.get("address").and_then(Node::as_str),
            entry.get("type").and_then(Node::as_str),
        ) else {
            return Err(error(
                entry,
                "a planned resource without `address` or `type`",
            ));
        };
        let values = entry.get("values").cloned().unwrap_or(Node {
            value: Value::Map(Vec::new()),
            line: entry.line,
            column: entry.column,
        });
        let own = refs.get(address).unwrap_or(&no_refs);
        let references_to = |expression: &str| {
            own.iter()
                .filter(|(n, _)| n == expression)
                .map(|(_, r)| resource_of(r))
                .collect::<Vec<_>>()
        };
        match kind {
            "aws_s3_bucket_server_side_encryption_configuration"
            | "aws_s3_bucket_versioning"
            | "aws_s3_bucket_logging"
            | "aws_s3_bucket_public_access_block" => {
                let bucket = references_to("bucket");
                for resource in deployment
                    .resources
                    .iter_mut()
                    .filter(|r| bucket.contains(&r.id))
                {
                    match kind {
                        "aws_s3_bucket_logging" => resource.facts.access_logging = Some(true),
                        "aws_s3_bucket_versioning" => {
                            resource.facts.versioning = Some(
                                first(&values, "versioning_configuration")
                                    .and_then(|v| v.get("status"))
                                    .and_then(Node::as_str)
                                    == Some("Enabled"),
                            );
                        }
                        "aws_s3_bucket_public_access_block" => {
                            resource.facts.public_access_blocked = Some(
                                [
                                    "block_public_acls",
                                    "block_public_policy",
                                    "ignore_public_acls",
                                    "restrict_public_buckets",
                                ]
                                .iter()
                                .all(|k| values.get(k).and_then(Node::as_bool) == Some(true)),
                            );
                        }
                        _ => {
                            let rule = first(&values, "rule")
                                .and_then(|r| first(r, "apply_server_side_encryption_by_default"));
                            let kms = rule
                                .and_then(|r| r.get("sse_algorithm"))
                                .and_then(Node::as_str)
                                .is_some_and(|a| a.starts_with("aws:kms"));
                            resource.facts.encryption = Some(if kms {
                                key_encryption(
                                    own,
                                    "rule",
                                    rule.and_then(|r| r.get("kms_master_key_id")),
                                )
                                .unwrap_or(Encryption::AwsManaged)
                            } else {
                                Encryption::AwsOwned
                            });
                        }
                    }
                }
            }
            "aws_iam_role_policy" => {
                let role = references_to("role");
                let actions = values
                    .get("policy")
                    .and_then(Node::as_str)
                    .and_then(|p| yaml::read(p).ok())
                    .map(|doc| {
                        let mut actions = Vec::new();
                        for statement in doc.get("Statement").map(Node::items).unwrap_or_default() {
                            match statement.get("Action").map(|a| &a.value) {
                                Some(Value::Seq(items)) => actions.extend(
                                    items.iter().filter_map(Node::as_str).map(str::to_string),
                                ),
                                Some(Value::Str(s)) => actions.push(s.clone()),
                                _ => {}
                            }
                        }
                        actions
                    })
                    .unwrap_or_default();
                let any_resource = values
                    .get("policy")
                    .and_then(Node::as_str)
                    .is_some_and(|p| {
                        p.contains("\"Resource\":\"*\"") || p.contains("\"Resource\": \"*\"")
                    });
                for role in role {
                    deployment.grants.push(Grant {
                        principal: String::new(),
                        role,
                        actions: actions.clone(),
                        targets: references_to("policy"),
                        any_resource,
                        line: entry.line,
                        column: entry.column,
                    });
                }
            }
            "aws_lambda_event_source_mapping" => {
                for from in references_to("event_source_arn") {
                    for to in references_to("function_name") {
                        deployment.edges.push(Edge {
                            from: from.clone(),
                            to,
                            via: address.to_string(),
                        });
                    }
                }
            }
            "aws_sns_topic_subscription" => {
                for from in references_to("topic_arn") {
                    for to in references_to("endpoint") {
                        deployment.edges.push(Edge {
                            from: from.clone(),
                            to,
                            via: address.to_string(),
                        });
                    }
                }
            }
            _ => {
                if kind == "aws_lambda_function" || kind == "aws_sfn_state_machine" {
                    let property = if kind == "aws_lambda_function" {
                        "role"
                    } else {
                        "role_arn"
                    };
                    for role in references_to(property) {
                        deployment.role_users.push((role, address.to_string()));
                    }
                }
                let Some((_, cfn)) = TYPES.iter().find(|(tf, _)| *tf == kind) else {
                    continue;
                };
                deployment.resources.push(Resource {
                    id: address.to_string(),
                    kind: cfn.to_string(),
                    line: entry.line,
                    column: entry.column,
                    facts: facts(kind, &values, own),
                });
            }
        }
    }
    // Grants reach the resources acting with their role.
    let mut grants = Vec::new();
    for grant in std::mem::take(&mut deployment.grants) {
        for (role, principal) in &deployment.role_users {
            if *role == grant.role {
                let mut g = grant.clone();
                g.principal = principal.clone();
                grants.push(g);
            }
        }
    }
    deployment.grants = grants;
    Ok(deployment)
}
