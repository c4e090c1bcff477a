//! SAM (`Transform: AWS::Serverless-2016-10-31`): expands `AWS::Serverless::*` resources into
//! the plain CloudFormation resources the SAM translator makes of them, as far as the drift
//! check needs: functions with their execution roles (policy templates, managed policies and
//! inline statements become policies), function URLs, event sources (mappings, subscriptions,
//! invoke permissions), implicit REST and HTTP APIs, simple tables, connectors
//! ([`super::sam_connectors`]); `Globals` are merged first.

use super::sam_policies;
use super::tree::{Node, Value};

pub const TRANSFORM: &str = "AWS::Serverless-2016-10-31";

/// Whether a template is SAM: it declares the transform, or uses `AWS::Serverless::*` types
/// (which only the transform can deploy).
pub fn is_sam(root: &Node) -> bool {
    let declared = match root.get("Transform").map(|t| &t.value) {
        Some(Value::Str(s)) => s == TRANSFORM,
        Some(Value::Seq(items)) => items.iter().any(|i| i.as_str() == Some(TRANSFORM)),
        _ => false,
    };
    declared
        || root.get("Resources").is_some_and(|resources| {
            resources.entries().iter().any(|(_, r)| {
                r.get("Type")
                    .and_then(Node::as_str)
                    .is_some_and(|t| t.starts_with("AWS::Serverless::"))
            })
        })
}

pub(super) fn at(line: usize, column: usize, value: Value) -> Node {
    Node {
        value,
        line,
        column,
    }
}

pub(super) fn text(node: &Node, s: &str) -> Node {
    at(node.line, node.column, Value::Str(s.to_string()))
}

pub(super) fn map(node: &Node, entries: Vec<(&str, Node)>) -> Node {
    at(
        node.line,
        node.column,
        Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        ),
    )
}

pub(super) fn reference(node: &Node, id: &str) -> Node {
    map(node, vec![("Ref", text(node, id))])
}

pub(super) fn get_att(node: &Node, id: &str, attribute: &str) -> Node {
    map(
        node,
        vec![(
            "Fn::GetAtt",
            at(
                node.line,
                node.column,
                Value::Seq(vec![text(node, id), text(node, attribute)]),
            ),
        )],
    )
}

pub(super) fn resource(node: &Node, kind: &str, properties: Vec<(&str, Node)>) -> Node {
    map(
        node,
        vec![
            ("Type", text(node, kind)),
            ("Properties", map(node, properties)),
        ],
    )
}

/// `properties` with the globals of its section filled in where it sets nothing.
fn with_globals(properties: Option<&Node>, globals: Option<&Node>, node: &Node) -> Node {
    let mut entries: Vec<(String, Node)> =
        properties.map(|p| p.entries().to_vec()).unwrap_or_default();
    for (key, value) in globals.map(Node::entries).unwrap_or_default() {
        if !entries.iter().any(|(k, _)| k == key) {
            entries.push((key.clone(), value.clone()));
        }
    }
    at(node.line, node.column, Value::Map(entries))
}

/// The policy statements of a function's `Policies`.
fn policy_statements(policies: &Node) -> (Vec<Node>, Vec<Node>) {
    let mut statements = Vec::new();
    let mut managed = Vec::new();
    let items: Vec<&Node> = match &policies.value {
        Value::Seq(items) => items.iter().collect(),
        _ => vec![policies],
    };
    for item in items {
        match &item.value {
            // A managed policy by name or ARN.
            Value::Str(name) => managed.push(text(item, name)),
            Value::Map(entries) => {
                if let Some(inner) = item.get("Statement") {
                    statements.extend(inner.items().iter().cloned());
                    if let Value::Map(_) = inner.value {
                        statements.push(inner.clone());
                    }
                    continue;
                }
                for (template, parameters) in entries {
                    let Some(actions) = sam_policies::actions(template) else {
                        continue;
                    };
                    let resources: Vec<Node> = parameters
                        .entries()
                        .iter()
                        .map(|(_, v)| v.clone())
                        .collect();
                    let resource = if resources.is_empty() {
                        text(item, "*")
                    } else {
                        at(item.line, item.column, Value::Seq(resources))
                    };
                    statements.push(map(
                        item,
                        vec![
                            ("Effect", text(item, "Allow")),
                            (
                                "Action",
                                at(
                                    item.line,
                                    item.column,
                                    Value::Seq(actions.iter().map(|a| text(item, a)).collect()),
                                ),
                            ),
                            ("Resource", resource),
                        ],
                    ));
                }
            }
            _ => {}
        }
    }
    (statements, managed)
}

/// The execution role SAM makes for a function or state machine from its `Policies`.
fn execution_role(node: &Node, policies: Option<&Node>) -> Node {
    let (statements, managed) = policies.map(policy_statements).unwrap_or_default();
    let document = map(
        node,
        vec![(
            "Statement",
            at(node.line, node.column, Value::Seq(statements)),
        )],
    );
    let policy = map(node, vec![("PolicyDocument", document)]);
    let mut properties = vec![(
        "Policies",
        at(node.line, node.column, Value::Seq(vec![policy])),
    )];
    if !managed.is_empty() {
        properties.push((
            "ManagedPolicyArns",
            at(node.line, node.column, Value::Seq(managed)),
        ));
    }
    resource(node, "AWS::IAM::Role", properties)
}

/// The authorization an Api or HttpApi event's method or route gets: the event's own
/// `Auth.Authorizer` (`NONE` opens it), else the API's `Auth.DefaultAuthorizer` (with the
/// `Globals` of its kind), else none.
fn event_authorization(
    http: bool,
    event: Option<&Node>,
    api: &str,
    resources: &Node,
    globals: Option<&Node>,
) -> &'static str {
    let global = globals
        .and_then(|g| g.get(if http { "HttpApi" } else { "Api" }))
        .and_then(|g| g.get("Auth"));
    let declared = resources
        .get(api)
        .and_then(|r| r.at(&["Properties", "Auth"]));
    let auth = |key: &str| {
        declared
            .and_then(|a| a.get(key))
            .or_else(|| global.and_then(|g| g.get(key)))
    };
    // A named authorizer is a user pool (REST), a JWT issuer (HTTP) or a Lambda function.
    let named = |authorizer: &str| match authorizer {
        "NONE" => "NONE",
        "AWS_IAM" => "AWS_IAM",
        name => {
            let definition = auth("Authorizers").and_then(|a| a.get(name));
            if definition.is_some_and(|d| d.get("UserPoolArn").is_some()) {
                "COGNITO_USER_POOLS"
            } else if definition.is_some_and(|d| d.get("JwtConfiguration").is_some()) {
                "JWT"
            } else {
                "CUSTOM"
            }
        }
    };
    if let Some(authorizer) = event
        .and_then(|e| e.at(&["Auth", "Authorizer"]))
        .and_then(Node::as_str)
    {
        return named(authorizer);
    }
    auth("DefaultAuthorizer")
        .and_then(Node::as_str)
        .map(named)
        .unwrap_or("NONE")
}

/// The method (REST) or route (HTTP) an Api or HttpApi event adds to its API, with the
/// authorization it gets; the drift check reads an API's openness from them.
#[allow(clippy::too_many_arguments)]
fn api_method(
    node: &Node,
    name: &str,
    api: &str,
    http: bool,
    event: Option<&Node>,
    resources: &Node,
    globals: Option<&Node>,
) -> (String, Node) {
    let authorization = event_authorization(http, event, api, resources, globals);
    let method = event
        .and_then(|e| e.get("Method"))
        .and_then(Node::as_str)
        .unwrap_or("ANY")
        .to_ascii_uppercase();
    let located = event.unwrap_or(node);
    // A route is keyed by method and path (an event without a path takes `$default`).
    let path = event.and_then(|e| e.get("Path")).and_then(Node::as_str);
    let (suffix, kind, api_key, detail_key, detail) = if http {
        let key = path.map_or("$default".to_string(), |p| format!("{method} {p}"));
        (
            "Route",
            "AWS::ApiGatewayV2::Route",
            "ApiId",
            "RouteKey",
            key,
        )
    } else {
        (
            "Method",
            "AWS::ApiGateway::Method",
            "RestApiId",
            "HttpMethod",
            method,
        )
    };
    let properties = vec![
        (api_key, reference(located, api)),
        (detail_key, text(located, &detail)),
        ("AuthorizationType", text(located, authorization)),
    ];
    (
        format!("{name}{suffix}"),
        resource(located, kind, properties),
    )
}

/// The stage of a SAM API (named as the translator names it), with the throttling and access
/// log settings of the API and its `Globals`.
fn api_stage(node: &Node, id: &str, http: bool, globals: Option<&Node>) -> (String, Node) {
    let global = globals.and_then(|g| g.get(if http { "HttpApi" } else { "Api" }));
    let p = with_globals(node.get("Properties"), global, node);
    let (kind, api_key, settings, logging) = if http {
        (
            "AWS::ApiGatewayV2::Stage",
            "ApiId",
            "DefaultRouteSettings",
            "AccessLogSettings",
        )
    } else {
        (
            "AWS::ApiGateway::Stage",
            "RestApiId",
            "MethodSettings",
            "AccessLogSetting",
        )
    };
    let mut properties = vec![(api_key, reference(node, id))];
    for key in [settings, logging] {
        if let Some(value) = p.get(key) {
            properties.push((key, value.clone()));
        }
    }
    let name = if http {
        format!("{id}ApiGatewayDefaultStage")
    } else {
        let stage = p.get("StageName").and_then(Node::as_str).unwrap_or("Prod");
        let stage: String = stage.chars().filter(char::is_ascii_alphanumeric).collect();
        let mut chars = stage.chars();
        let capitalized = match chars.next() {
            Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
            None => String::new(),
        };
        format!("{id}{capitalized}Stage")
    };
    (name, resource(node, kind, properties))
}

/// Expands a SAM template's resources; the root keeps everything else.
pub fn expand(root: &Node) -> Node {
    let Some(resources) = root.get("Resources") else {
        return root.clone();
    };
    let globals = root.get("Globals");
    let mut out: Vec<(String, Node)> = Vec::new();
    let mut implicit_rest: Option<Node> = None;
    let mut implicit_http: Option<Node> = None;
    for (id, node) in resources.entries() {
        let kind = node.get("Type").and_then(Node::as_str).unwrap_or("");
        match kind {
            "AWS::Serverless::Function" => {
                let p = with_globals(
                    node.get("Properties"),
                    globals.and_then(|g| g.get("Function")),
                    node,
                );
                let role = format!("{id}Role");
                let mut properties: Vec<(&str, Node)> = Vec::new();
                let explicit_role = p.get("Role").cloned();
                properties.push((
                    "Role",
                    explicit_role
                        .clone()
                        .unwrap_or_else(|| get_att(node, &role, "Arn")),
                ));
                if p.get("Tracing").and_then(Node::as_str) == Some("Active") {
                    properties.push((
                        "TracingConfig",
                        map(node, vec![("Mode", text(node, "Active"))]),
                    ));
                }
                for key in ["VpcConfig", "KmsKeyArn", "ReservedConcurrentExecutions"] {
                    if let Some(value) = p.get(key) {
                        properties.push((key, value.clone()));
                    }
                }
                if let Some(target) = p.at(&["DeadLetterQueue", "TargetArn"]) {
                    properties.push((
                        "DeadLetterConfig",
                        map(node, vec![("TargetArn", target.clone())]),
                    ));
                }
                out.push((
                    id.clone(),
                    resource(node, "AWS::Lambda::Function", properties),
                ));
                if explicit_role.is_none() {
                    out.push((role.clone(), execution_role(node, p.get("Policies"))));
                }
                if let Some(url) = p.get("FunctionUrlConfig") {
                    let auth = url
                        .get("AuthType")
                        .cloned()
                        .unwrap_or_else(|| text(node, "NONE"));
                    out.push((
                        format!("{id}Url"),
                        resource(
                            node,
                            "AWS::Lambda::Url",
                            vec![
                                ("AuthType", auth),
                                ("TargetFunctionArn", reference(node, id)),
                            ],
                        ),
                    ));
                }
                for (event, definition) in p.get("Events").map(Node::entries).unwrap_or_default() {
                    let event_kind = definition.get("Type").and_then(Node::as_str).unwrap_or("");
                    let ep = definition.get("Properties");
                    let name = format!("{id}{event}");
                    match event_kind {
                        "SQS" | "Kinesis" | "DynamoDB" | "MQ" | "MSK" => {
                            let source = ep.and_then(|e| {
                                e.get("Queue")
                                    .or_else(|| e.get("Stream"))
                                    .or_else(|| e.get("Broker"))
                            });
                            if let Some(source) = source {
                                out.push((
                                    name,
                                    resource(
                                        node,
                                        "AWS::Lambda::EventSourceMapping",
                                        vec![
                                            ("EventSourceArn", source.clone()),
                                            ("FunctionName", reference(node, id)),
                                        ],
                                    ),
                                ));
                            }
                        }
                        "SNS" => {
                            if let Some(topic) = ep.and_then(|e| e.get("Topic")) {
                                out.push((
                                    name,
                                    resource(
                                        node,
                                        "AWS::SNS::Subscription",
                                        vec![
                                            ("TopicArn", topic.clone()),
                                            ("Endpoint", get_att(node, id, "Arn")),
                                            ("Protocol", text(node, "lambda")),
                                        ],
                                    ),
                                ));
                            }
                        }
                        "S3" | "EventBridgeRule" | "CloudWatchEvent" | "Schedule"
                        | "ScheduleV2" | "CloudWatchLogs" | "IoTRule" | "Cognito" => {
                            let source =
                                ep.and_then(|e| e.get("Bucket").or_else(|| e.get("UserPool")));
                            let source_arn = match source {
                                Some(s) => s.clone(),
                                None => text(node, "*"),
                            };
                            out.push((
                                format!("{name}Permission"),
                                resource(
                                    node,
                                    "AWS::Lambda::Permission",
                                    vec![
                                        ("FunctionName", reference(node, id)),
                                        ("SourceArn", source_arn),
                                        ("Action", text(node, "lambda:InvokeFunction")),
                                    ],
                                ),
                            ));
                        }
                        "Api" | "HttpApi" => {
                            let explicit =
                                ep.and_then(|e| e.get("RestApiId").or_else(|| e.get("ApiId")));
                            let api = match explicit.and_then(Node::reference) {
                                Some(api) => api.to_string(),
                                None if event_kind == "Api" => {
                                    implicit_rest.get_or_insert_with(|| node.clone());
                                    "ServerlessRestApi".to_string()
                                }
                                None => {
                                    implicit_http.get_or_insert_with(|| node.clone());
                                    "ServerlessHttpApi".to_string()
                                }
                            };
                            out.push(api_method(
                                node,
                                &name,
                                &api,
                                event_kind == "HttpApi",
                                ep,
                                resources,
                                globals,
                            ));
                            let arn = format!(
                                "arn:${{AWS::Partition}}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:${{{api}}}/*"
                            );
                            out.push((
                                format!("{name}Permission"),
                                resource(
                                    node,
                                    "AWS::Lambda::Permission",
                                    vec![
                                        ("FunctionName", reference(node, id)),
                                        (
                                            "SourceArn",
                                            map(node, vec![("Fn::Sub", text(node, &arn))]),
                                        ),
                                        ("Action", text(node, "lambda:InvokeFunction")),
                                    ],
                                ),
                            ));
                        }
                        _ => {}
                    }
                }
            }
            "AWS::Serverless::SimpleTable" => {
                let p = with_globals(
                    node.get("Properties"),
                    globals.and_then(|g| g.get("SimpleTable")),
                    node,
                );
                let mut properties = Vec::new();
                if let Some(sse) = p.get("SSESpecification") {
                    properties.push(("SSESpecification", sse.clone()));
                }
                out.push((
                    id.clone(),
                    resource(node, "AWS::DynamoDB::Table", properties),
                ));
            }
            "AWS::Serverless::Api" => {
                out.push((
                    id.clone(),
                    resource(node, "AWS::ApiGateway::RestApi", Vec::new()),
                ));
                out.push(api_stage(node, id, false, globals));
            }
            "AWS::Serverless::HttpApi" => {
                out.push((
                    id.clone(),
                    resource(node, "AWS::ApiGatewayV2::Api", Vec::new()),
                ));
                out.push(api_stage(node, id, true, globals));
            }
            "AWS::Serverless::StateMachine" => {
                let p = with_globals(
                    node.get("Properties"),
                    globals.and_then(|g| g.get("StateMachine")),
                    node,
                );
                let role = format!("{id}Role");
                let mut properties = vec![(
                    "RoleArn",
                    p.get("Role")
                        .cloned()
                        .unwrap_or_else(|| get_att(node, &role, "Arn")),
                )];
                if let Some(tracing) = p.get("Tracing") {
                    properties.push(("TracingConfiguration", tracing.clone()));
                }
                out.push((
                    id.clone(),
                    resource(node, "AWS::StepFunctions::StateMachine", properties),
                ));
                if p.get("Role").is_none() {
                    out.push((role, execution_role(node, p.get("Policies"))));
                }
            }
            "AWS::Serverless::LayerVersion" => out.push((
                id.clone(),
                resource(node, "AWS::Lambda::LayerVersion", Vec::new()),
            )),
            // Connectors become policies and permissions below.
            "AWS::Serverless::Connector" => {}
            _ => out.push((id.clone(), node.clone())),
        }
    }
    super::sam_connectors::expand(resources, &mut out);
    if let Some(node) = implicit_rest
        && !out.iter().any(|(k, _)| k == "ServerlessRestApi")
    {
        out.push((
            "ServerlessRestApi".to_string(),
            resource(&node, "AWS::ApiGateway::RestApi", Vec::new()),
        ));
        let implicit = map(&node, vec![("Type", text(&node, "AWS::Serverless::Api"))]);
        out.push(api_stage(&implicit, "ServerlessRestApi", false, globals));
    }
    if let Some(node) = implicit_http
        && !out.iter().any(|(k, _)| k == "ServerlessHttpApi")
    {
        out.push((
            "ServerlessHttpApi".to_string(),
            resource(&node, "AWS::ApiGatewayV2::Api", Vec::new()),
        ));
        let implicit = map(
            &node,
            vec![("Type", text(&node, "AWS::Serverless::HttpApi"))],
        );
        out.push(api_stage(&implicit, "ServerlessHttpApi", true, globals));
    }
    let mut expanded = root.clone();
    if let Value::Map(entries) = &mut expanded.value {
        for (key, value) in entries.iter_mut() {
            if key == "Resources" {
                value.value = Value::Map(out.clone());
            }
        }
    }
    expanded
}
