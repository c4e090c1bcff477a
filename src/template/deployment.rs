//! The neutral deployed architecture every template reader produces: resources with their
//! security-relevant facts, located in their template.

use serde::Serialize;

/// Whose key encrypts a resource's data at rest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Encryption {
    None,
    AwsOwned,
    AwsManaged,
    /// A customer-managed key, with the logical id it references when the template says.
    Cmk(Option<String>),
}

impl Encryption {
    pub fn describe(&self) -> String {
        match self {
            Encryption::None => "no encryption".to_string(),
            Encryption::AwsOwned => "an AWS-owned key".to_string(),
            Encryption::AwsManaged => "an AWS-managed key".to_string(),
            Encryption::Cmk(Some(key)) => format!("the customer-managed key {key}"),
            Encryption::Cmk(None) => "a customer-managed key".to_string(),
        }
    }
}

/// What a template says about a resource's security-relevant settings. `None`: not stated (or
/// not a property of this resource type).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Facts {
    pub encryption: Option<Encryption>,
    pub in_vpc: Option<bool>,
    pub tracing: Option<bool>,
    /// For APIs: whether every method or route has an authorizer.
    pub authorized: Option<bool>,
    /// For APIs whose methods or routes all use one kind of authorizer: the model's name for
    /// it (`iam`, `cognito`, `lambda`, `jwt`).
    pub authorizer: Option<String>,
    /// Function URL auth type: `AWS_IAM` or `NONE`.
    pub url_auth: Option<String>,
    pub key_rotation: Option<bool>,
    pub point_in_time_recovery: Option<bool>,
    pub versioning: Option<bool>,
    pub public_access_blocked: Option<bool>,
    pub reserved_concurrency: Option<bool>,
    pub dead_letter: Option<bool>,
    pub log_file_validation: Option<bool>,
    /// For APIs: whether a stage sets a throttling limit.
    pub throttled: Option<bool>,
    /// For APIs (a stage's access log settings) and buckets (server access logging).
    pub access_logging: Option<bool>,
}

/// One resource of a template.
#[derive(Clone, Debug, Serialize)]
pub struct Resource {
    pub id: String,
    /// The resource type, such as `AWS::DynamoDB::Table`.
    pub kind: String,
    pub line: usize,
    pub column: usize,
    pub facts: Facts,
}

/// What a resource may do to others, through the role it acts with.
#[derive(Clone, Debug, Serialize)]
pub struct Grant {
    /// The resource acting with the role (a function, a state machine, a task).
    pub principal: String,
    pub role: String,
    /// As written: `dynamodb:PutItem`, `s3:*`, `*`.
    pub actions: Vec<String>,
    /// The logical ids the statement's resources refer to.
    pub targets: Vec<String>,
    /// Whether the statement allows `Resource: "*"`.
    pub any_resource: bool,
    /// Where the statement is.
    pub line: usize,
    pub column: usize,
}

impl Grant {
    pub fn has_wildcard(&self) -> bool {
        self.any_resource || self.actions.iter().any(|a| a == "*" || a.ends_with(":*"))
    }

    /// Whether an action changes the target (put, delete, send…), judged by its verb.
    pub fn writes(&self) -> bool {
        const VERBS: &[&str] = &[
            "Put", "Delete", "Update", "Write", "Create", "Send", "Publish", "Batch", "Start",
            "Invoke", "Encrypt", "Restore", "Tag", "Untag", "Modify", "Set", "Attach",
        ];
        self.actions.iter().any(|action| {
            let verb = action.split(':').nth(1).unwrap_or(action);
            // `BatchGetItem` reads, `BatchWriteItem` writes.
            verb == "*"
                || (!verb.starts_with("BatchGet") && VERBS.iter().any(|v| verb.starts_with(v)))
        })
    }
}

/// One resource invoking or feeding another: an event source, a subscription, an integration.
#[derive(Clone, Debug, Serialize)]
pub struct Edge {
    pub from: String,
    pub to: String,
    /// The resource that wires them.
    pub via: String,
}

/// A template's resources, grants and edges.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Deployment {
    /// The template's name as the user gave it.
    pub file: String,
    /// What it was read as: `cloudformation`, `sam` or `terraform` (as in a model's `deploy`).
    pub format: String,
    pub resources: Vec<Resource>,
    pub grants: Vec<Grant>,
    pub edges: Vec<Edge>,
    /// (role, resource acting with it): an execution role belongs to its function.
    pub role_users: Vec<(String, String)>,
}

impl Deployment {
    pub fn resource(&self, id: &str) -> Option<&Resource> {
        self.resources.iter().find(|r| r.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::Grant;

    fn grant(actions: &[&str]) -> Grant {
        Grant {
            principal: "Fn".into(),
            role: "FnRole".into(),
            actions: actions.iter().map(|a| a.to_string()).collect(),
            targets: vec!["Table".into()],
            any_resource: false,
            line: 1,
            column: 1,
        }
    }

    #[test]
    fn writes_are_told_from_reads_by_their_verb() {
        assert!(
            !grant(&[
                "dynamodb:GetItem",
                "dynamodb:BatchGetItem",
                "dynamodb:Query"
            ])
            .writes()
        );
        assert!(grant(&["dynamodb:BatchWriteItem"]).writes());
        assert!(grant(&["sqs:SendMessage"]).writes());
        assert!(grant(&["s3:*"]).writes());
        assert!(!grant(&["s3:GetObject"]).has_wildcard());
        assert!(grant(&["s3:Get*", "s3:*"]).has_wildcard());
    }
}
