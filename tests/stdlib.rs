//! The standard library: it checks clean, and the AWS catalogue states the facts the rules
//! and the drift check rely on for every kind.

mod support;

use threatflow::model::{Kind, Model};
use threatflow::stdlib;

/// A model that uses every standard module, resolved.
fn stdlib_model() -> Model {
    let text = "model \"Stdlib\" { owner \"tests\" }\nuse aws\n";
    let compilation = support::compile_bytes(
        &support::repo_root(),
        "stdlib-test.flow",
        text.as_bytes().to_vec(),
    );
    let problems: Vec<String> = compilation
        .diagnostics
        .iter()
        .map(|d| d.message.clone())
        .collect();
    assert!(
        problems.is_empty(),
        "the standard library has problems: {problems:#?}"
    );
    compilation.model
}

fn aws_element_kinds(model: &Model) -> Vec<&Kind> {
    model
        .kinds
        .iter()
        .filter(|k| k.name.starts_with("aws.") && !model.role(k.role).structural)
        .collect()
}

#[test]
fn every_module_is_embedded_and_named() {
    assert!(stdlib::module("core").is_some());
    assert!(stdlib::module("aws").is_some());
    assert!(stdlib::module("nope").is_none());
}

#[test]
fn catalogue_covers_the_serverless_services() {
    let model = stdlib_model();
    let required = [
        "aws.lambda",
        "aws.lambda_url",
        "aws.api_gateway",
        "aws.http_api",
        "aws.websocket_api",
        "aws.appsync",
        "aws.cloudfront",
        "aws.waf",
        "aws.alb",
        "aws.cognito_user_pool",
        "aws.dynamodb",
        "aws.s3",
        "aws.sqs",
        "aws.sns",
        "aws.eventbridge",
        "aws.kinesis",
        "aws.firehose",
        "aws.step_functions",
        "aws.rds",
        "aws.rds_proxy",
        "aws.elasticache",
        "aws.opensearch",
        "aws.kms",
        "aws.secrets_manager",
        "aws.ssm_parameter",
        "aws.cloudwatch_logs",
        "aws.cloudtrail",
        "aws.xray",
        "aws.ecs_service",
        "aws.ecr",
        "aws.iam_role",
        "aws.vpc",
        "aws.subnet",
        "aws.vpc_endpoint",
        "aws.nat_gateway",
    ];
    for name in required {
        assert!(model.find_kind(name).is_some(), "missing kind {name}");
    }
    assert!(aws_element_kinds(&model).len() >= 30);
}

#[test]
fn every_aws_element_kind_states_its_facts() {
    let model = stdlib_model();
    let programmes = ["pci_dss", "hipaa", "soc", "iso27001"];
    for kind in aws_element_kinds(&model) {
        let name = &kind.name;
        assert!(kind.doc.is_some(), "{name}: no description");
        assert!(
            !kind.resources.is_empty() && kind.resources.iter().all(|r| r.starts_with("AWS::")),
            "{name}: CloudFormation resource types"
        );
        assert!(!kind.supports.is_empty(), "{name}: no capabilities");
        assert!(
            !kind.compliance.is_empty(),
            "{name}: no compliance programmes"
        );
        assert!(
            kind.compliance
                .iter()
                .all(|c| programmes.contains(&c.as_str())),
            "{name}: unknown programme in {:?}",
            kind.compliance
        );
        assert!(
            !kind.provider_operates.is_empty(),
            "{name}: AWS's share is empty"
        );
        assert!(
            !kind.customer_owns.is_empty(),
            "{name}: the team's share is empty"
        );
        for attr in &kind.attrs {
            assert!(attr.doc.is_some(), "{name}.{}: no documentation", attr.name);
        }
    }
}

#[test]
fn stores_say_whether_a_customer_managed_key_is_possible() {
    let model = stdlib_model();
    for kind in aws_element_kinds(&model) {
        if model.role(kind.role).name != "store" {
            continue;
        }
        assert!(
            kind.supports("encryption", None),
            "{}: a store must state its encryption options",
            kind.name
        );
    }
    let dynamodb = &model.kinds[model.find_kind("aws.dynamodb").unwrap().index()];
    assert!(dynamodb.supports("encryption", Some("cmk")));
    assert!(dynamodb.supports("vpc_endpoint", Some("gateway")));
    let sqs = &model.kinds[model.find_kind("aws.sqs").unwrap().index()];
    assert!(sqs.supports("vpc_endpoint", Some("interface")));
    assert!(!sqs.supports("vpc_endpoint", Some("gateway")));
    let http_api = &model.kinds[model.find_kind("aws.http_api").unwrap().index()];
    assert!(
        !http_api.supports("waf", None),
        "HTTP APIs cannot be protected by WAF"
    );
}

#[test]
fn core_declares_roles_and_default_classifications() {
    let model = stdlib_model();
    for role in [
        "actor", "process", "store", "queue", "key", "identity", "network", "monitor",
    ] {
        assert!(
            model.roles.iter().any(|r| r.name == role && !r.structural),
            "role {role}"
        );
    }
    let names: Vec<&str> = model
        .classifications
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(names, ["public", "internal", "confidential", "restricted"]);
}
