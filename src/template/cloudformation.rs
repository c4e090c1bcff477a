//! CloudFormation: from a template's tree to its [`Deployment`], with the security-relevant
//! facts of the resource types the service catalogue knows. SAM templates are expanded first;
//! Terraform plans (JSON) are recognised and handed to [`super::terraform`].

use super::deployment::{Deployment, Encryption, Facts, Resource};
use super::tree::{Node, Value};
use super::yaml::{self, ReadError};
use std::collections::{BTreeMap, BTreeSet};

/// Reads a CloudFormation template (YAML or JSON).
pub fn read(file: &str, text: &str) -> Result<Deployment, ReadError> {
    let mut root = yaml::read(text)?;
    if super::terraform::is_plan(&root) {
        return super::terraform::read_tree(file, &root);
    }
    let format = if super::sam::is_sam(&root) {
        root = super::sam::expand(&root);
        "sam"
    } else {
        "cloudformation"
    };
    let Some(resources) = root.get("Resources") else {
        return Err(ReadError {
            message: "this is not a CloudFormation template: it has no `Resources` section"
                .to_string(),
            line: root.line,
            column: root.column,
        });
    };
    if resources.entries().is_empty() {
        return Err(ReadError {
            message: "`Resources` must be a mapping of logical ids to resources".to_string(),
            line: resources.line,
            column: resources.column,
        });
    }
    let (grants, edges, role_users) = super::iam::read(resources);
    let mut deployment = Deployment {
        file: file.to_string(),
        format: format.to_string(),
        resources: Vec::new(),
        grants,
        edges,
        role_users,
    };
    for (id, node) in resources.entries() {
        // `Fn::ForEach` loops (the LanguageExtensions transform) expand at deploy time; their
        // resources cannot be known here.
        if id.starts_with("Fn::ForEach::") {
            continue;
        }
        let Some(kind) = node.get("Type").and_then(Node::as_str) else {
            return Err(ReadError {
                message: format!("resource `{id}` has no `Type`"),
                line: node.line,
                column: node.column,
            });
        };
        deployment.resources.push(Resource {
            id: id.clone(),
            kind: kind.to_string(),
            line: node.line,
            column: node.column,
            facts: facts(kind, node.get("Properties")),
        });
    }
    attach_cross_resource_facts(&mut deployment, resources);
    Ok(deployment)
}

fn flag(properties: Option<&Node>, path: &[&str]) -> Option<bool> {
    properties?.at(path)?.as_bool()
}

/// A KMS key setting: a reference to a key in the template, an AWS-managed alias, or a key id.
fn key_encryption(key: &Node, managed_alias: &str) -> Encryption {
    if let Some(reference) = key.reference() {
        return Encryption::Cmk(Some(reference.to_string()));
    }
    match key.as_str() {
        Some(alias) if alias == managed_alias || alias.starts_with("alias/aws/") => {
            Encryption::AwsManaged
        }
        _ => Encryption::Cmk(None),
    }
}

fn facts(kind: &str, properties: Option<&Node>) -> Facts {
    let p = properties;
    let get = |path: &[&str]| p.and_then(|p| p.at(path));
    let mut facts = Facts::default();
    match kind {
        "AWS::DynamoDB::Table" => {
            facts.encryption = Some(match flag(p, &["SSESpecification", "SSEEnabled"]) {
                Some(true) => match get(&["SSESpecification", "KMSMasterKeyId"]) {
                    Some(key) => key_encryption(key, "alias/aws/dynamodb"),
                    None => Encryption::AwsManaged,
                },
                _ => Encryption::AwsOwned,
            });
            facts.point_in_time_recovery = Some(
                flag(
                    p,
                    &[
                        "PointInTimeRecoverySpecification",
                        "PointInTimeRecoveryEnabled",
                    ],
                )
                .unwrap_or(false),
            );
        }
        "AWS::S3::Bucket" => {
            let rule = get(&["BucketEncryption", "ServerSideEncryptionConfiguration"])
                .and_then(|rules| rules.items().first())
                .and_then(|rule| rule.get("ServerSideEncryptionByDefault"));
            facts.encryption = Some(match rule {
                Some(rule)
                    if rule
                        .get("SSEAlgorithm")
                        .and_then(Node::as_str)
                        .is_some_and(|a| a.starts_with("aws:kms")) =>
                {
                    match rule.get("KMSMasterKeyID") {
                        Some(key) => key_encryption(key, "alias/aws/s3"),
                        None => Encryption::AwsManaged,
                    }
                }
                // SSE-S3 is the default for new buckets.
                _ => Encryption::AwsOwned,
            });
            let block = get(&["PublicAccessBlockConfiguration"]);
            facts.public_access_blocked = Some(match block {
                None => true, // Block Public Access is on by default for new buckets.
                Some(b) => [
                    "BlockPublicAcls",
                    "BlockPublicPolicy",
                    "IgnorePublicAcls",
                    "RestrictPublicBuckets",
                ]
                .iter()
                .all(|k| b.get(k).and_then(Node::as_bool).unwrap_or(false)),
            });
            facts.versioning = Some(
                get(&["VersioningConfiguration", "Status"]).and_then(Node::as_str)
                    == Some("Enabled"),
            );
            facts.access_logging = Some(get(&["LoggingConfiguration"]).is_some());
        }
        "AWS::SQS::Queue" => {
            facts.encryption = Some(match get(&["KmsMasterKeyId"]) {
                Some(key) => key_encryption(key, "alias/aws/sqs"),
                None if flag(p, &["SqsManagedSseEnabled"]) == Some(false) => Encryption::None,
                None => Encryption::AwsOwned,
            });
            facts.dead_letter = Some(get(&["RedrivePolicy"]).is_some());
        }
        "AWS::SNS::Topic" => {
            facts.encryption = Some(match get(&["KmsMasterKeyId"]) {
                Some(key) => key_encryption(key, "alias/aws/sns"),
                None => Encryption::None,
            });
        }
        "AWS::Kinesis::Stream" => {
            facts.encryption = Some(match get(&["StreamEncryption", "KeyId"]) {
                Some(key) => key_encryption(key, "alias/aws/kinesis"),
                None => Encryption::None,
            });
        }
        "AWS::Lambda::Function" => {
            facts.encryption = Some(match get(&["KmsKeyArn"]) {
                Some(key) => key_encryption(key, ""),
                None => Encryption::AwsManaged,
            });
            facts.in_vpc = Some(get(&["VpcConfig", "SubnetIds"]).is_some());
            facts.tracing =
                Some(get(&["TracingConfig", "Mode"]).and_then(Node::as_str) == Some("Active"));
            facts.reserved_concurrency = Some(get(&["ReservedConcurrentExecutions"]).is_some());
            facts.dead_letter = Some(get(&["DeadLetterConfig", "TargetArn"]).is_some());
        }
        "AWS::Lambda::Url" => {
            facts.url_auth = get(&["AuthType"])
                .and_then(Node::as_str)
                .map(str::to_string);
        }
        "AWS::KMS::Key" => {
            facts.key_rotation = Some(flag(p, &["EnableKeyRotation"]).unwrap_or(false));
        }
        "AWS::Logs::LogGroup" => {
            facts.encryption = Some(match get(&["KmsKeyId"]) {
                Some(key) => key_encryption(key, ""),
                None => Encryption::AwsOwned,
            });
        }
        "AWS::SecretsManager::Secret" => {
            facts.encryption = Some(match get(&["KmsKeyId"]) {
                Some(key) => key_encryption(key, "alias/aws/secretsmanager"),
                None => Encryption::AwsManaged,
            });
        }
        "AWS::CloudTrail::Trail" => {
            facts.log_file_validation =
                Some(flag(p, &["EnableLogFileValidation"]).unwrap_or(false));
            facts.encryption = Some(match get(&["KMSKeyId"]) {
                Some(key) => key_encryption(key, ""),
                None => Encryption::AwsOwned,
            });
        }
        "AWS::StepFunctions::StateMachine" => {
            facts.tracing = Some(flag(p, &["TracingConfiguration", "Enabled"]).unwrap_or(false));
        }
        _ => {}
    }
    facts
}

/// A stage's API and whether it sets a throttling limit and access logging.
fn stage_settings(kind: &str, properties: Option<&Node>) -> Option<(String, bool, bool)> {
    let p = properties?;
    let (api_key, throttling, logging) = match kind {
        "AWS::ApiGateway::Stage" => ("RestApiId", "MethodSettings", "AccessLogSetting"),
        "AWS::ApiGatewayV2::Stage" => ("ApiId", "DefaultRouteSettings", "AccessLogSettings"),
        _ => return None,
    };
    let api = p.get(api_key)?.reference()?.to_string();
    let limits = |settings: &Node| {
        settings.get("ThrottlingRateLimit").is_some()
            || settings.get("ThrottlingBurstLimit").is_some()
    };
    let throttles = p
        .get(throttling)
        .is_some_and(|settings| match &settings.value {
            Value::Seq(items) => items.iter().any(limits),
            _ => limits(settings),
        });
    let logs = p
        .get(logging)
        .is_some_and(|l| l.get("DestinationArn").is_some());
    Some((api, throttles, logs))
}

/// Facts that other resources state: API methods and routes authorize their API; a rotation
/// schedule rotates its secret.
fn attach_cross_resource_facts(deployment: &mut Deployment, resources: &Node) {
    // Per API: the authorization types of its methods or routes.
    let mut authorizations: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    // Per API: (some stage throttles, some stage logs access).
    let mut stages: BTreeMap<String, (bool, bool)> = BTreeMap::new();
    for (_, node) in resources.entries() {
        let kind = node.get("Type").and_then(Node::as_str).unwrap_or("");
        let properties = node.get("Properties");
        if let Some((api, throttles, logs)) = stage_settings(kind, properties) {
            let entry = stages.entry(api).or_default();
            entry.0 |= throttles;
            entry.1 |= logs;
            continue;
        }
        let api_key = match kind {
            "AWS::ApiGateway::Method" => "RestApiId",
            "AWS::ApiGatewayV2::Route" => "ApiId",
            _ => continue,
        };
        let Some(api) = properties
            .and_then(|p| p.get(api_key))
            .and_then(Node::reference)
        else {
            continue;
        };
        let auth = properties
            .and_then(|p| p.get("AuthorizationType"))
            .and_then(Node::as_str)
            .unwrap_or("NONE");
        // OPTIONS methods answer CORS preflights and are unauthenticated by design.
        let method = properties
            .and_then(|p| p.get("HttpMethod"))
            .and_then(Node::as_str);
        if method == Some("OPTIONS") {
            continue;
        }
        authorizations
            .entry(api.to_string())
            .or_default()
            .insert(auth.to_ascii_uppercase());
    }
    for resource in &mut deployment.resources {
        if let Some((throttles, logs)) = stages.get(&resource.id) {
            resource.facts.throttled = Some(*throttles);
            resource.facts.access_logging = Some(*logs);
        }
        let Some(types) = authorizations.get(&resource.id) else {
            continue;
        };
        resource.facts.authorized = Some(!types.contains("NONE"));
        if let [only] = types.iter().collect::<Vec<_>>()[..] {
            resource.facts.authorizer = match only.as_str() {
                "AWS_IAM" => Some("iam"),
                "COGNITO_USER_POOLS" => Some("cognito"),
                "CUSTOM" => Some("lambda"),
                "JWT" => Some("jwt"),
                _ => None,
            }
            .map(str::to_string);
        }
    }
}
