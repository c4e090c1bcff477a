//! IAM grants and wiring in CloudFormation: which resource (through its role) may do what to
//! which other resource, and which resources invoke which (event sources, subscriptions, API
//! integrations). References are kept as logical ids; wildcards are kept as wildcards.

use super::deployment::{Edge, Grant};
use super::tree::{Node, Value};

/// Every logical id a node refers to: `Ref`, `Fn::GetAtt`, and `${Id}` / `${Id.Attr}` in
/// `Fn::Sub` strings (not the variables a `Fn::Sub` defines in its own map: their values are
/// searched instead).
pub fn references(node: &Node) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if let Some(id) = n.reference() {
            out.push(id.to_string());
            continue;
        }
        if let Some(sub) = n.get("Fn::Sub") {
            let (text, variables) = match &sub.value {
                Value::Seq(parts) => (
                    parts.first().and_then(Node::as_str).unwrap_or(""),
                    parts.get(1).map(Node::entries).unwrap_or_default(),
                ),
                _ => (sub.as_str().unwrap_or(""), &[][..]),
            };
            let mut rest = text;
            while let Some(start) = rest.find("${") {
                let after = &rest[start + 2..];
                let Some(end) = after.find('}') else { break };
                let name = after[..end].split('.').next().unwrap_or("");
                let defined = variables.iter().any(|(key, _)| key == name);
                if !name.starts_with("AWS::")
                    && !name.starts_with('!')
                    && !name.is_empty()
                    && !defined
                {
                    out.push(name.to_string());
                }
                rest = &after[end + 1..];
            }
        }
        match &n.value {
            Value::Seq(items) => stack.extend(items),
            Value::Map(entries) => stack.extend(entries.iter().map(|(_, v)| v)),
            _ => {}
        }
    }
    out.sort();
    out.dedup();
    out
}

fn strings(node: Option<&Node>) -> Vec<String> {
    match node {
        None => Vec::new(),
        Some(n) => match &n.value {
            Value::Seq(items) => items
                .iter()
                .filter_map(Node::as_str)
                .map(str::to_string)
                .collect(),
            _ => n.as_str().map(|s| vec![s.to_string()]).unwrap_or_default(),
        },
    }
}

/// The grants of one policy document given to `role`.
fn statements(role: &str, document: &Node, out: &mut Vec<Grant>) {
    for statement in document
        .get("Statement")
        .map(Node::items)
        .unwrap_or_default()
    {
        if statement.get("Effect").and_then(Node::as_str) != Some("Allow") {
            continue;
        }
        let actions = strings(statement.get("Action"));
        let resource = statement.get("Resource");
        let any_resource = strings(resource).iter().any(|r| r == "*");
        out.push(Grant {
            principal: String::new(),
            role: role.to_string(),
            actions,
            targets: resource.map(references).unwrap_or_default(),
            any_resource,
            line: statement.line,
            column: statement.column,
        });
    }
}

/// The role a resource acts with, by property name per type.
fn role_of(kind: &str, properties: &Node) -> Option<String> {
    let property = match kind {
        "AWS::Lambda::Function" => "Role",
        "AWS::StepFunctions::StateMachine" => "RoleArn",
        "AWS::ECS::TaskDefinition" => "TaskRoleArn",
        "AWS::KinesisFirehose::DeliveryStream" => return None,
        _ => return None,
    };
    properties.get(property)?.reference().map(str::to_string)
}

/// The grants, edges and role users of a template's `Resources`.
pub fn read(resources: &Node) -> (Vec<Grant>, Vec<Edge>, Vec<(String, String)>) {
    let mut role_grants: Vec<Grant> = Vec::new();
    let mut users: Vec<(String, String)> = Vec::new(); // (role, principal)
    let mut edges = Vec::new();
    for (id, node) in resources.entries() {
        let kind = node.get("Type").and_then(Node::as_str).unwrap_or("");
        let Some(properties) = node.get("Properties") else {
            continue;
        };
        match kind {
            "AWS::IAM::Role" => {
                for policy in properties
                    .get("Policies")
                    .map(Node::items)
                    .unwrap_or_default()
                {
                    if let Some(document) = policy.get("PolicyDocument") {
                        statements(id, document, &mut role_grants);
                    }
                }
                for arn in strings(properties.get("ManagedPolicyArns")) {
                    if arn.ends_with("/AdministratorAccess") || arn.ends_with("/PowerUserAccess") {
                        role_grants.push(Grant {
                            principal: String::new(),
                            role: id.clone(),
                            actions: vec!["*".to_string()],
                            targets: Vec::new(),
                            any_resource: true,
                            line: node.line,
                            column: node.column,
                        });
                    }
                }
            }
            "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => {
                let roles: Vec<String> = properties
                    .get("Roles")
                    .map(Node::items)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|r| r.reference().map(str::to_string))
                    .collect();
                if let Some(document) = properties.get("PolicyDocument") {
                    for role in roles {
                        statements(&role, document, &mut role_grants);
                    }
                }
            }
            "AWS::Lambda::EventSourceMapping" => {
                let from = properties.get("EventSourceArn").and_then(Node::reference);
                let to = properties.get("FunctionName").and_then(Node::reference);
                if let (Some(from), Some(to)) = (from, to) {
                    edges.push(Edge {
                        from: from.to_string(),
                        to: to.to_string(),
                        via: id.clone(),
                    });
                }
            }
            "AWS::Lambda::Permission" => {
                let to = properties.get("FunctionName").and_then(Node::reference);
                let from = properties
                    .get("SourceArn")
                    .map(references)
                    .unwrap_or_default();
                if let Some(to) = to {
                    for from in from {
                        edges.push(Edge {
                            from,
                            to: to.to_string(),
                            via: id.clone(),
                        });
                    }
                }
            }
            // A resource policy letting a source (named in its `aws:SourceArn` condition)
            // publish to topics or send to queues.
            "AWS::SNS::TopicPolicy" | "AWS::SQS::QueuePolicy" => {
                let targets = properties
                    .get("Topics")
                    .or_else(|| properties.get("Queues"))
                    .map(references)
                    .unwrap_or_default();
                let statements = properties.at(&["PolicyDocument", "Statement"]);
                let sources: Vec<String> = statements
                    .map(|s| match &s.value {
                        Value::Seq(items) => items.iter().collect(),
                        _ => vec![s],
                    })
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|statement| statement.get("Condition"))
                    .flat_map(references)
                    .collect();
                for from in &sources {
                    for to in &targets {
                        if from != to {
                            edges.push(Edge {
                                from: from.clone(),
                                to: to.clone(),
                                via: id.clone(),
                            });
                        }
                    }
                }
            }
            "AWS::SNS::Subscription" => {
                let from = properties.get("TopicArn").and_then(Node::reference);
                let to = properties.get("Endpoint").and_then(Node::reference);
                if let (Some(from), Some(to)) = (from, to) {
                    edges.push(Edge {
                        from: from.to_string(),
                        to: to.to_string(),
                        via: id.clone(),
                    });
                }
            }
            "AWS::ApiGateway::Method" | "AWS::ApiGatewayV2::Integration" => {
                let api = properties
                    .get("RestApiId")
                    .or_else(|| properties.get("ApiId"))
                    .and_then(Node::reference);
                let uri = properties
                    .at(&["Integration", "Uri"])
                    .or_else(|| properties.get("IntegrationUri"));
                if let (Some(api), Some(uri)) = (api, uri) {
                    for target in references(uri) {
                        edges.push(Edge {
                            from: api.to_string(),
                            to: target,
                            via: id.clone(),
                        });
                    }
                }
            }
            _ => {
                if let Some(role) = role_of(kind, properties) {
                    users.push((role, id.clone()));
                }
            }
        }
    }
    // A grant to a role is a grant to every resource acting with it.
    let mut grants = Vec::new();
    for grant in role_grants {
        for (role, principal) in &users {
            if *role == grant.role {
                let mut g = grant.clone();
                g.principal = principal.clone();
                grants.push(g);
            }
        }
    }
    (grants, edges, users)
}
