//! Drift between a model and its templates: every drift check fires on `tests/drift/template.yaml`
//! (a reviewed snapshot), none on `agrees.yaml`, JSON templates read like YAML, and unreadable
//! templates are located errors with exit 2.

mod support;

use std::collections::BTreeSet;
use std::process::Command;
use threatflow::diagnostic::ColorChoice;
use threatflow::drift::{Template, check_drift};
use threatflow::findings::render_findings;

fn drift(templates: &[&str]) -> threatflow::Compilation {
    drift_of("model.flow", templates)
}

/// The model `model` of tests/drift (which must check clean) against its `templates`.
fn drift_of(model: &str, templates: &[&str]) -> threatflow::Compilation {
    let base = support::repo_root().join("tests/drift");
    let mut compilation = support::compile_file(&base, &base.join(model));
    assert!(
        compilation.diagnostics.is_empty(),
        "{:?}",
        compilation.diagnostics
    );
    compilation.findings.clear();
    let templates: Vec<Template> = templates
        .iter()
        .map(|name| Template::new(*name, std::fs::read_to_string(base.join(name)).unwrap()))
        .collect();
    check_drift(&mut compilation, &templates);
    compilation
}

#[test]
fn every_drift_check_fires_on_a_template_that_disagrees() {
    let compilation = drift(&["template.yaml"]);
    assert!(compilation.diagnostics.is_empty());
    let rules: BTreeSet<&str> = compilation
        .findings
        .iter()
        .map(|f| f.rule.id.as_str())
        .collect();
    let expected: BTreeSet<&str> = [
        "DRF-001", "DRF-002", "DRF-003", "DRF-010", "DRF-011", "DRF-012", "DRF-013", "DRF-014",
        "DRF-015", "DRF-016", "DRF-017", "DRF-018", "DRF-019", "DRF-020", "DRF-021", "DRF-022",
        "DRF-023", "DRF-024", "DRF-025", "DRF-026", "DRF-027",
    ]
    .into();
    assert_eq!(rules, expected);
    let ids: BTreeSet<String> = compilation
        .findings
        .iter()
        .map(|f| f.id().to_string())
        .collect();
    assert!(ids.contains("DRF-010@prod/orders"));
    assert!(ids.contains("DRF-003@template.yaml#AuditTrail"));
    let unmodelled = compilation
        .findings
        .iter()
        .find(|f| f.id().to_string() == "DRF-003@template.yaml#AuditTrail")
        .unwrap();
    // Located at the resource's body (its `Type` line).
    let template =
        std::fs::read_to_string(support::repo_root().join("tests/drift/template.yaml")).unwrap();
    let type_line = template
        .lines()
        .position(|l| l.trim() == "AuditTrail:")
        .unwrap()
        + 2;
    assert_eq!(
        (unmodelled.location.line, unmodelled.location.column),
        (type_line as u32, 5)
    );
    let text = render_findings(
        &compilation.findings,
        &compilation.unit.sources,
        &compilation.texts(),
        ColorChoice::Never,
    );
    insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!("drift_template_yaml", text);
    });
}

#[test]
fn a_template_that_agrees_has_no_drift() {
    let compilation = drift(&["agrees.yaml"]);
    let found: Vec<String> = compilation
        .findings
        .iter()
        .map(|f| f.id().to_string())
        .collect();
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn json_templates_read_like_yaml() {
    let json_only = drift(&["template.json"]);
    let ids: Vec<String> = json_only
        .findings
        .iter()
        .map(|f| f.id().to_string())
        .collect();
    assert!(
        ids.iter().any(|id| id == "DRF-010@prod/orders"),
        "an AWS-managed key is not orders_key: {ids:?}"
    );
    assert!(
        !ids.iter()
            .any(|id| id.starts_with("DRF-016") || id.starts_with("DRF-015")),
        "{ids:?}"
    );
}

#[test]
fn unreadable_templates_are_located_errors() {
    let dir = tempfile::tempdir().unwrap();
    let model = support::repo_root().join("tests/drift/model.flow");
    let cases = [
        (
            "tag.yaml",
            "Resources:\n  A: !Frobnicate x\n",
            "is not a CloudFormation intrinsic",
            2,
        ),
        (
            "dup.yaml",
            "Resources:\n  A:\n    Type: AWS::SQS::Queue\n  A:\n    Type: AWS::SNS::Topic\n",
            "appears twice",
            4,
        ),
        (
            "not.yaml",
            "name: not a template\n",
            "no `Resources` section",
            1,
        ),
        ("broken.yaml", "Resources: [1, 2\n", "", 0),
    ];
    for (name, text, message, line) in cases {
        std::fs::write(dir.path().join(name), text).unwrap();
        let output = Command::new(env!("CARGO_BIN_EXE_threatflow"))
            .args(["drift", "--format", "json", "--template"])
            .arg(dir.path().join(name))
            .arg(&model)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{name}");
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let diagnostic = &json["diagnostics"][0];
        assert_eq!(diagnostic["code"], "TF0901", "{name}");
        assert!(
            diagnostic["message"].as_str().unwrap().contains(message),
            "{name}: {diagnostic}"
        );
        if line > 0 {
            assert_eq!(diagnostic["line"], line, "{name}");
        }
    }
}

#[test]
fn drift_uses_the_models_deploy_lines_and_fails_on_request() {
    let model = support::repo_root().join("tests/drift/model.flow");
    let output = Command::new(env!("CARGO_BIN_EXE_threatflow"))
        .args(["drift", "--fail-on", "high"])
        .arg(&model)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("drift against 1 template(s): 24 findings"),
        "{text}"
    );
}

#[test]
fn sam_templates_are_expanded_before_comparing() {
    let compilation = drift_of("sam-model.flow", &["sam.yaml"]);
    let ids: Vec<String> = compilation
        .findings
        .iter()
        .map(|f| f.id().to_string())
        .collect();
    // The implicit function URL has AuthType NONE; everything else agrees: tracing comes from
    // Globals, the DynamoDBCrudPolicy template backs worker -> orders, the SQS event source
    // backs jobs -> worker, and the implicit execution role belongs to the function.
    assert_eq!(ids, ["DRF-014@prod/worker_url"]);
}

#[test]
fn terraform_plans_are_read_with_modules_references_and_grants() {
    let compilation = drift_of("tf-model.flow", &["plan.json"]);
    let ids: BTreeSet<String> = compilation
        .findings
        .iter()
        .map(|f| f.id().to_string())
        .collect();
    // The table has encryption off where the model wants orders_key; the function's tracing
    // is PassThrough; the trail in a child module is unmodelled. The role policy (whose
    // resource the configuration references) backs worker -> orders and the event source
    // mapping backs jobs -> worker, so neither flow is reported; the function binds by the
    // name part of its address although a role has the same name.
    let expected: BTreeSet<&str> = [
        "DRF-010@prod/orders",
        "DRF-011@prod/worker",
        "DRF-003@plan.json#module.audit.aws_cloudtrail.trail",
    ]
    .into();
    assert_eq!(
        ids.iter().map(String::as_str).collect::<BTreeSet<_>>(),
        expected
    );
}

#[test]
fn plans_of_another_format_version_are_refused() {
    let error = threatflow::template::cloudformation::read(
        "plan.json",
        "{\"format_version\": \"2.0\", \"planned_values\": {}}",
    )
    .unwrap_err();
    assert!(error.message.contains("format_version `2.0`"), "{error:?}");
}

#[test]
fn sam_api_authorization_follows_default_authorizers_and_event_overrides() {
    let text =
        std::fs::read_to_string(support::repo_root().join("tests/drift/sam-auth.yaml")).unwrap();
    let deployment = threatflow::template::read("sam-auth.yaml", &text).unwrap();
    let authorized = |id: &str| deployment.resource(id).unwrap().facts.authorized;
    // `Health` opens the REST API its default Cognito authorizer guards otherwise.
    assert_eq!(authorized("OrdersApi"), Some(false));
    // Every route inherits the HTTP API's JWT authorizer.
    assert_eq!(authorized("ReportsApi"), Some(true));
    // The implicit REST API takes the default authorizer from Globals.
    assert_eq!(authorized("ServerlessRestApi"), Some(true));
    // The kind of authorizer is known where every method or route shares one.
    let authorizer = |id: &str| deployment.resource(id).unwrap().facts.authorizer.clone();
    assert_eq!(authorizer("OrdersApi"), None);
    assert_eq!(authorizer("ReportsApi").as_deref(), Some("jwt"));
    assert_eq!(authorizer("ServerlessRestApi").as_deref(), Some("iam"));
    // Stages: the explicit API's throttling and access logs, none on the HTTP API.
    let facts = |id: &str| deployment.resource(id).unwrap().facts.clone();
    assert_eq!(facts("OrdersApi").throttled, Some(true));
    assert_eq!(facts("OrdersApi").access_logging, Some(true));
    assert_eq!(facts("ReportsApi").throttled, Some(false));
    assert_eq!(facts("ReportsApi").access_logging, Some(false));
    assert!(deployment.resource("OrdersApiProdStage").is_some());
}

#[test]
fn terraform_source_files_are_read_like_plans() {
    let base = support::repo_root().join("tests/drift");
    let text = std::fs::read_to_string(base.join("main.tf")).unwrap();
    let deployment = threatflow::template::read("main.tf", &text).expect("main.tf reads");
    assert_eq!(deployment.format, "terraform");
    // Located at each resource block.
    let table = deployment.resource("aws_dynamodb_table.orders").unwrap();
    let block_line = text
        .lines()
        .position(|l| l.starts_with("resource \"aws_dynamodb_table\" \"orders\""))
        .unwrap()
        + 1;
    assert_eq!((table.line, table.column), (block_line, 1));
    // The bucket's side resources, and a key referenced from a nested block.
    let files = deployment.resource("aws_s3_bucket.files").unwrap();
    assert_eq!(files.facts.versioning, Some(true));
    assert_eq!(files.facts.access_logging, Some(true));
    assert_eq!(
        files.facts.encryption,
        Some(threatflow::template::deployment::Encryption::Cmk(Some(
            "aws_kms_key.orders_key".to_string()
        )))
    );
    // The role policy's jsonencode'd document and the table it names.
    let grant = deployment
        .grants
        .iter()
        .find(|g| g.principal == "aws_lambda_function.worker")
        .expect("the role policy reaches the function");
    assert_eq!(grant.actions, ["dynamodb:PutItem"]);
    assert_eq!(grant.targets, ["aws_dynamodb_table.orders"]);
    assert!(!grant.any_resource);

    // The same drift as the plan of the same deployment (which also has a trail in a module).
    let compilation = drift_of("tf-model.flow", &["main.tf"]);
    let ids: BTreeSet<String> = compilation
        .findings
        .iter()
        .map(|f| f.id().to_string())
        .collect();
    let expected: BTreeSet<&str> = [
        "DRF-010@prod/orders",
        "DRF-011@prod/worker",
        "DRF-003@main.tf#aws_s3_bucket.files",
    ]
    .into();
    assert_eq!(
        ids.iter().map(String::as_str).collect::<BTreeSet<_>>(),
        expected
    );
}

#[test]
fn terraform_source_errors_are_located() {
    let cases = [
        ("resource \"aws_s3_bucket\" \"a\" {\n  bucket = \n}\n", 2),
        ("resource \"aws_s3_bucket\" {\n}\n", 1),
        ("this is { not hcl\n", 1),
    ];
    for (text, line) in cases {
        let error = threatflow::template::read("bad.tf", text).expect_err(text);
        assert_eq!(error.line, line, "{text}: {}", error.message);
        assert!(!error.message.is_empty());
    }
    // Deep nesting is refused by the parser's own limit, not by the stack.
    let deep = format!(
        "resource \"aws_s3_bucket\" \"a\" {{\n  tags = {}1{}\n}}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    assert!(threatflow::template::read("deep.tf", &deep).is_err());
}
