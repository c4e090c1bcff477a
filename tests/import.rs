//! `threatflow import`: the model it writes is formatted, checks without errors, and drift
//! against the same templates finds nothing; an existing file is not replaced without --force.

mod support;

use std::process::Command;
use threatflow::drift::{Template, check_drift};
use threatflow::span::FileId;

fn imported(template: &str) -> String {
    let path = support::repo_root().join("tests/drift").join(template);
    let text = std::fs::read_to_string(&path).unwrap();
    let deployment = threatflow::template::read(template, &text).unwrap();
    threatflow::import::import(&[deployment]).unwrap()
}

#[test]
fn imports_are_formatted_clean_and_drift_free() {
    for template in [
        "template.yaml",
        "sam.yaml",
        "agrees.yaml",
        "template.json",
        "plan.json",
        "connectors.yaml",
        "sam-auth.yaml",
        "main.tf",
    ] {
        let model = imported(template);
        assert_eq!(
            threatflow::format::format(FileId(0), &model).unwrap(),
            model,
            "{template}: not formatted"
        );
        assert!(
            model.contains("TODO"),
            "{template}: the data is marked as a TODO"
        );
        let base = support::repo_root().join("tests/drift");
        let mut compilation =
            support::compile_bytes(&base, "imported.flow", model.clone().into_bytes());
        assert!(
            !compilation.has_errors(),
            "{template}: {:?}\n{model}",
            compilation.diagnostics
        );
        compilation.findings.clear();
        let text = std::fs::read_to_string(base.join(template)).unwrap();
        check_drift(&mut compilation, &[Template::new(template, text)]);
        let drift: Vec<String> = compilation
            .findings
            .iter()
            .map(|f| f.id().to_string())
            .collect();
        assert!(
            drift.is_empty(),
            "{template}: import then drift found {drift:?}\n{model}"
        );
    }
}

#[test]
fn import_binds_kinds_boundaries_and_flows() {
    let model = imported("template.yaml");
    for expected in [
        "store orders_table : aws.dynamodb",
        "\"OrdersTable\"",
        "boundary account : aws.account",
        "flow handler -> files_bucket",
    ] {
        assert!(model.contains(expected), "{expected} missing from\n{model}");
    }
    let sam = imported("sam.yaml");
    assert!(sam.contains("process worker : aws.lambda"), "{sam}");
    assert!(
        sam.contains("flow jobs -> worker"),
        "the SQS event source is a flow:\n{sam}"
    );
    assert!(
        sam.contains("flow worker -> orders"),
        "the policy template is a flow:\n{sam}"
    );
}

#[test]
fn an_existing_model_is_not_replaced_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let template = support::repo_root().join("tests/drift/template.yaml");
    std::fs::copy(&template, dir.path().join("template.yaml")).unwrap();
    std::fs::write(dir.path().join("model.flow"), "keep me").unwrap();
    let run = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_threatflow"))
            .args(["import", "template.yaml", "-o", "model.flow"])
            .args(extra)
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let output = run(&[]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("model.flow")).unwrap(),
        "keep me"
    );
    let output = run(&["--force"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let written = std::fs::read_to_string(dir.path().join("model.flow")).unwrap();
    assert!(
        written.contains("deploy cloudformation \"template.yaml\""),
        "{written}"
    );
    let drift = Command::new(env!("CARGO_BIN_EXE_threatflow"))
        .args(["drift", "model.flow"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(drift.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&drift.stdout).contains("0 findings"));
}

#[test]
fn import_states_the_authorizer_every_route_shares() {
    let model = imported("sam-auth.yaml");
    let block = |name: &str| {
        let start = model.find(&format!(" {name} : ")).unwrap();
        model[start..model[start..].find("}\n").unwrap() + start].to_string()
    };
    assert!(block("reports_api").contains("authorizer jwt"), "{model}");
    assert!(!block("orders_api").contains("authorizer"), "{model}");
}
