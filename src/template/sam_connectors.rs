//! SAM connectors (`AWS::Serverless::Connector` and the `Connectors` attribute embedded in a
//! resource): the permissions a source needs on a destination, expanded as the SAM translator
//! expands them: a managed policy on the source's (or the destination's) role, or a resource
//! policy on the destination (Lambda permission, SNS topic policy, SQS queue policy). The
//! profile table is the project's own statement of the connector profiles: for each supported
//! source and destination type, where the permission goes and the IAM actions that Read and
//! Write stand for.

use super::iam::references;
use super::sam::{at, get_att, map, reference, resource, text};
use super::tree::{Node, Value};

/// Where a connector's permission is granted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mechanism {
    /// A managed policy on the source's role.
    SourceRole,
    /// A managed policy on the destination's role (event source mappings poll the source).
    DestinationRole,
    LambdaPermission,
    TopicPolicy,
    QueuePolicy,
}

struct Profile {
    source: &'static str,
    destination: &'static str,
    mechanism: Mechanism,
    read: &'static [&'static str],
    write: &'static [&'static str],
}

/// Action lists several profiles share.
const DYNAMODB_READ: &[&str] = &[
    "dynamodb:GetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:BatchGetItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:PartiQLSelect",
];

const DYNAMODB_WRITE: &[&str] = &[
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:PartiQLDelete",
    "dynamodb:PartiQLInsert",
    "dynamodb:PartiQLUpdate",
];

const LAMBDA_INVOKE: &[&str] = &["lambda:InvokeAsync", "lambda:InvokeFunction"];

const S3_READ: &[&str] = &[
    "s3:GetObject",
    "s3:GetObjectAcl",
    "s3:GetObjectLegalHold",
    "s3:GetObjectRetention",
    "s3:GetObjectTorrent",
    "s3:GetObjectVersion",
    "s3:GetObjectVersionAcl",
    "s3:GetObjectVersionForReplication",
    "s3:GetObjectVersionTorrent",
    "s3:ListBucket",
    "s3:ListBucketMultipartUploads",
    "s3:ListBucketVersions",
    "s3:ListMultipartUploadParts",
];

const S3_WRITE: &[&str] = &[
    "s3:AbortMultipartUpload",
    "s3:DeleteObject",
    "s3:DeleteObjectVersion",
    "s3:PutObject",
    "s3:PutObjectLegalHold",
    "s3:PutObjectRetention",
    "s3:RestoreObject",
];

const SQS_READ: &[&str] = &["sqs:ReceiveMessage", "sqs:GetQueueAttributes"];

const PROFILES: &[Profile] = &[
    Profile {
        source: "AWS::DynamoDB::Table",
        destination: "AWS::Lambda::Function",
        mechanism: Mechanism::DestinationRole,
        read: &[
            "dynamodb:DescribeStream",
            "dynamodb:GetRecords",
            "dynamodb:GetShardIterator",
            "dynamodb:ListStreams",
        ],
        write: &[],
    },
    Profile {
        source: "AWS::Events::Rule",
        destination: "AWS::SNS::Topic",
        mechanism: Mechanism::TopicPolicy,
        read: &[],
        write: &["sns:Publish"],
    },
    Profile {
        source: "AWS::Events::Rule",
        destination: "AWS::Events::EventBus",
        mechanism: Mechanism::SourceRole,
        read: &[],
        write: &["events:PutEvents"],
    },
    Profile {
        source: "AWS::Events::Rule",
        destination: "AWS::StepFunctions::StateMachine",
        mechanism: Mechanism::SourceRole,
        read: &[],
        write: &["states:StartExecution"],
    },
    Profile {
        source: "AWS::Events::Rule",
        destination: "AWS::Lambda::Function",
        mechanism: Mechanism::LambdaPermission,
        read: &[],
        write: &["lambda:InvokeFunction"],
    },
    Profile {
        source: "AWS::Events::Rule",
        destination: "AWS::SQS::Queue",
        mechanism: Mechanism::QueuePolicy,
        read: &[],
        write: &["sqs:SendMessage"],
    },
    Profile {
        source: "AWS::Lambda::Function",
        destination: "AWS::Lambda::Function",
        mechanism: Mechanism::SourceRole,
        read: &[],
        write: LAMBDA_INVOKE,
    },
    Profile {
        source: "AWS::Lambda::Function",
        destination: "AWS::S3::Bucket",
        mechanism: Mechanism::SourceRole,
        read: S3_READ,
        write: S3_WRITE,
    },
    Profile {
        source: "AWS::Lambda::Function",
        destination: "AWS::DynamoDB::Table",
        mechanism: Mechanism::SourceRole,
        read: DYNAMODB_READ,
        write: DYNAMODB_WRITE,
    },
    Profile {
        source: "AWS::Lambda::Function",
        destination: "AWS::SQS::Queue",
        mechanism: Mechanism::SourceRole,
        read: SQS_READ,
        write: &[
            "sqs:DeleteMessage",
            "sqs:SendMessage",
            "sqs:ChangeMessageVisibility",
            "sqs:PurgeQueue",
        ],
    },
    Profile {
        source: "AWS::Lambda::Function",
        destination: "AWS::SNS::Topic",
        mechanism: Mechanism::SourceRole,
        read: &[],
        write: &["sns:Publish"],
    },
    Profile {
        source: "AWS::Lambda::Function",
        destination: "AWS::StepFunctions::StateMachine",
        mechanism: Mechanism::SourceRole,
        read: &[
            "states:DescribeStateMachine",
            "states:ListExecutions",
            "states:DescribeExecution",
            "states:DescribeStateMachineForExecution",
            "states:GetExecutionHistory",
        ],
        write: &[
            "states:StartExecution",
            "states:StartSyncExecution",
            "states:StopExecution",
        ],
    },
    Profile {
        source: "AWS::Lambda::Function",
        destination: "AWS::Events::EventBus",
        mechanism: Mechanism::SourceRole,
        read: &[],
        write: &["events:PutEvents"],
    },
    Profile {
        source: "AWS::Lambda::Function",
        destination: "AWS::Location::PlaceIndex",
        mechanism: Mechanism::SourceRole,
        read: &[
            "geo:DescribePlaceIndex",
            "geo:GetPlace",
            "geo:SearchPlaceIndexForPosition",
            "geo:SearchPlaceIndexForSuggestions",
            "geo:SearchPlaceIndexForText",
        ],
        write: &[],
    },
    Profile {
        source: "AWS::ApiGatewayV2::Api",
        destination: "AWS::Lambda::Function",
        mechanism: Mechanism::LambdaPermission,
        read: &[],
        write: &["lambda:InvokeFunction"],
    },
    Profile {
        source: "AWS::ApiGateway::RestApi",
        destination: "AWS::Lambda::Function",
        mechanism: Mechanism::LambdaPermission,
        read: &[],
        write: &["lambda:InvokeFunction"],
    },
    Profile {
        source: "AWS::SNS::Topic",
        destination: "AWS::SQS::Queue",
        mechanism: Mechanism::QueuePolicy,
        read: &[],
        write: &["sqs:SendMessage"],
    },
    Profile {
        source: "AWS::SNS::Topic",
        destination: "AWS::Lambda::Function",
        mechanism: Mechanism::LambdaPermission,
        read: &[],
        write: &["lambda:InvokeFunction"],
    },
    Profile {
        source: "AWS::SQS::Queue",
        destination: "AWS::Lambda::Function",
        mechanism: Mechanism::DestinationRole,
        read: SQS_READ,
        write: &["sqs:DeleteMessage"],
    },
    Profile {
        source: "AWS::S3::Bucket",
        destination: "AWS::Lambda::Function",
        mechanism: Mechanism::LambdaPermission,
        read: &[],
        write: &["lambda:InvokeFunction"],
    },
    Profile {
        source: "AWS::StepFunctions::StateMachine",
        destination: "AWS::Lambda::Function",
        mechanism: Mechanism::SourceRole,
        read: &[],
        write: LAMBDA_INVOKE,
    },
    Profile {
        source: "AWS::StepFunctions::StateMachine",
        destination: "AWS::SNS::Topic",
        mechanism: Mechanism::SourceRole,
        read: &[],
        write: &["sns:Publish"],
    },
    Profile {
        source: "AWS::StepFunctions::StateMachine",
        destination: "AWS::SQS::Queue",
        mechanism: Mechanism::SourceRole,
        read: &[],
        write: &["sqs:SendMessage"],
    },
    Profile {
        source: "AWS::StepFunctions::StateMachine",
        destination: "AWS::S3::Bucket",
        mechanism: Mechanism::SourceRole,
        read: S3_READ,
        write: S3_WRITE,
    },
    Profile {
        source: "AWS::StepFunctions::StateMachine",
        destination: "AWS::DynamoDB::Table",
        mechanism: Mechanism::SourceRole,
        read: DYNAMODB_READ,
        write: DYNAMODB_WRITE,
    },
    Profile {
        source: "AWS::StepFunctions::StateMachine",
        destination: "AWS::StepFunctions::StateMachine",
        mechanism: Mechanism::SourceRole,
        read: &["states:DescribeExecution", "events:DescribeRule"],
        write: &[
            "states:StartExecution",
            "states:StopExecution",
            "events:PutTargets",
            "events:PutRule",
        ],
    },
    Profile {
        source: "AWS::StepFunctions::StateMachine",
        destination: "AWS::Events::EventBus",
        mechanism: Mechanism::SourceRole,
        read: &[],
        write: &["events:PutEvents"],
    },
    Profile {
        source: "AWS::AppSync::DataSource",
        destination: "AWS::DynamoDB::Table",
        mechanism: Mechanism::SourceRole,
        read: DYNAMODB_READ,
        write: DYNAMODB_WRITE,
    },
    Profile {
        source: "AWS::AppSync::DataSource",
        destination: "AWS::Lambda::Function",
        mechanism: Mechanism::SourceRole,
        read: &[],
        write: LAMBDA_INVOKE,
    },
    Profile {
        source: "AWS::AppSync::DataSource",
        destination: "AWS::Events::EventBus",
        mechanism: Mechanism::SourceRole,
        read: &[],
        write: &["events:PutEvents"],
    },
    Profile {
        source: "AWS::AppSync::GraphQLApi",
        destination: "AWS::Lambda::Function",
        mechanism: Mechanism::LambdaPermission,
        read: &[],
        write: &["lambda:InvokeFunction"],
    },
];

/// The plain CloudFormation type a SAM type becomes.
fn plain_type(kind: &str) -> &str {
    match kind {
        "AWS::Serverless::Function" => "AWS::Lambda::Function",
        "AWS::Serverless::StateMachine" => "AWS::StepFunctions::StateMachine",
        "AWS::Serverless::SimpleTable" => "AWS::DynamoDB::Table",
        "AWS::Serverless::Api" => "AWS::ApiGateway::RestApi",
        "AWS::Serverless::HttpApi" => "AWS::ApiGatewayV2::Api",
        "AWS::Serverless::GraphQLApi" => "AWS::AppSync::GraphQLApi",
        other => other,
    }
}

/// One end of a connector: its logical id (when the template names it), plain type and role.
struct End {
    id: Option<String>,
    kind: String,
    role: Option<String>,
}

fn first_reference(node: Option<&Node>) -> Option<String> {
    node.map(references).and_then(|r| r.into_iter().next())
}

/// The role a resource of the template acts with, as the logical id of an `AWS::IAM::Role`.
fn role_of(id: &str, node: &Node) -> Option<String> {
    let properties = node.get("Properties");
    let property = |key: &str| properties.and_then(|p| p.get(key));
    match node.get("Type").and_then(Node::as_str).unwrap_or("") {
        "AWS::Serverless::Function" | "AWS::Serverless::StateMachine" => match property("Role") {
            Some(role) => first_reference(Some(role)),
            None => Some(format!("{id}Role")),
        },
        "AWS::Lambda::Function" => first_reference(property("Role")),
        "AWS::StepFunctions::StateMachine" => first_reference(property("RoleArn")),
        "AWS::AppSync::DataSource" => first_reference(property("ServiceRoleArn")),
        _ => None,
    }
}

/// Reads a connector's `Source` or `Destination`: `Id: X`, or `Type` with `Arn`, `Name`,
/// `QueueUrl`, `ResourceId` and `RoleName` as written.
fn end(resources: &Node, node: &Node) -> Option<End> {
    if let Some(id) = node.get("Id").and_then(Node::as_str) {
        let declared = resources.get(id)?;
        let kind = declared.get("Type").and_then(Node::as_str)?;
        return Some(End {
            id: Some(id.to_string()),
            kind: plain_type(kind).to_string(),
            role: role_of(id, declared),
        });
    }
    let kind = node.get("Type").and_then(Node::as_str)?;
    let id = ["Arn", "ResourceId", "Name", "QueueUrl"]
        .iter()
        .find_map(|key| first_reference(node.get(key)));
    let role = node
        .get("RoleName")
        .and_then(|r| first_reference(Some(r)).or_else(|| r.as_str().map(|s| s.to_string())));
    Some(End {
        id,
        kind: plain_type(kind).to_string(),
        role,
    })
}

/// The actions of the categories asked for (`Read`, `Write`).
fn actions(profile: &Profile, permissions: &Node) -> Vec<&'static str> {
    let mut out = Vec::new();
    for permission in permissions.items() {
        match permission.as_str() {
            Some("Read") => out.extend(profile.read),
            Some("Write") => out.extend(profile.write),
            _ => {}
        }
    }
    out
}

fn policy_document(node: &Node, statement: Vec<(&str, Node)>) -> Node {
    let statement = map(node, statement);
    map(
        node,
        vec![(
            "Statement",
            at(node.line, node.column, Value::Seq(vec![statement])),
        )],
    )
}

fn strings(node: &Node, items: &[&str]) -> Node {
    at(
        node.line,
        node.column,
        Value::Seq(items.iter().map(|a| text(node, a)).collect()),
    )
}

/// The resources one connector (logical id `id`, definition `node`, source `source`) becomes.
fn connector(
    resources: &Node,
    id: &str,
    node: &Node,
    source: &Node,
    out: &mut Vec<(String, Node)>,
) {
    let Some(properties) = node.get("Properties") else {
        return;
    };
    let Some(source) = end(resources, source) else {
        return;
    };
    let destinations: Vec<&Node> = match properties.get("Destination") {
        Some(d) if matches!(d.value, Value::Seq(_)) => d.items().iter().collect(),
        Some(d) => vec![d],
        None => return,
    };
    let Some(permissions) = properties.get("Permissions") else {
        return;
    };
    let several = destinations.len() > 1;
    for (index, destination) in destinations.iter().enumerate() {
        let Some(destination) = end(resources, destination) else {
            continue;
        };
        let Some(profile) = PROFILES
            .iter()
            .find(|p| p.source == source.kind && p.destination == destination.kind)
        else {
            continue;
        };
        let actions = actions(profile, permissions);
        let (Some(source_id), Some(destination_id)) = (&source.id, &destination.id) else {
            continue;
        };
        if actions.is_empty() {
            continue;
        }
        let suffix = if several {
            format!("Destination{index}")
        } else {
            String::new()
        };
        let allow = text(node, "Allow");
        match profile.mechanism {
            Mechanism::SourceRole | Mechanism::DestinationRole => {
                let (role, target) = if profile.mechanism == Mechanism::SourceRole {
                    (&source.role, destination_id)
                } else {
                    (&destination.role, source_id)
                };
                let Some(role) = role else {
                    continue;
                };
                let document = policy_document(
                    node,
                    vec![
                        ("Effect", allow),
                        ("Action", strings(node, &actions)),
                        ("Resource", get_att(node, target, "Arn")),
                    ],
                );
                let roles = at(
                    node.line,
                    node.column,
                    Value::Seq(vec![reference(node, role)]),
                );
                out.push((
                    format!("{id}Policy{suffix}"),
                    resource(
                        node,
                        "AWS::IAM::ManagedPolicy",
                        vec![("PolicyDocument", document), ("Roles", roles)],
                    ),
                ));
            }
            Mechanism::LambdaPermission => out.push((
                format!("{id}WriteLambdaPermission{suffix}"),
                resource(
                    node,
                    "AWS::Lambda::Permission",
                    vec![
                        ("Action", text(node, "lambda:InvokeFunction")),
                        ("FunctionName", get_att(node, destination_id, "Arn")),
                        ("SourceArn", get_att(node, source_id, "Arn")),
                    ],
                ),
            )),
            Mechanism::TopicPolicy | Mechanism::QueuePolicy => {
                let (kind, list, name) = if profile.mechanism == Mechanism::TopicPolicy {
                    ("AWS::SNS::TopicPolicy", "Topics", "TopicPolicy")
                } else {
                    ("AWS::SQS::QueuePolicy", "Queues", "QueuePolicy")
                };
                let condition = map(
                    node,
                    vec![(
                        "ArnEquals",
                        map(
                            node,
                            vec![("aws:SourceArn", get_att(node, source_id, "Arn"))],
                        ),
                    )],
                );
                let document = policy_document(
                    node,
                    vec![
                        ("Effect", allow),
                        ("Action", strings(node, &actions)),
                        ("Resource", reference(node, destination_id)),
                        ("Condition", condition),
                    ],
                );
                let targets = at(
                    node.line,
                    node.column,
                    Value::Seq(vec![reference(node, destination_id)]),
                );
                out.push((
                    format!("{id}{name}{suffix}"),
                    resource(
                        node,
                        kind,
                        vec![("PolicyDocument", document), (list, targets)],
                    ),
                ));
            }
        }
    }
}

/// Expands every connector of `resources` (the template's, before expansion) into `out`:
/// `AWS::Serverless::Connector` resources and the `Connectors` embedded in any resource (named
/// `<Resource><Connector>`, with the resource as their source).
pub(super) fn expand(resources: &Node, out: &mut Vec<(String, Node)>) {
    for (id, node) in resources.entries() {
        if node.get("Type").and_then(Node::as_str) == Some("AWS::Serverless::Connector") {
            if let Some(source) = node.at(&["Properties", "Source"]) {
                connector(resources, id, node, source, out);
            }
        }
        for (name, definition) in node
            .get("Connectors")
            .map(Node::entries)
            .unwrap_or_default()
        {
            let source = map(definition, vec![("Id", text(definition, id))]);
            connector(resources, &format!("{id}{name}"), definition, &source, out);
        }
    }
}
