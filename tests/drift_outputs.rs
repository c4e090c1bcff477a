//! Drift findings in every output format and under the model's acceptances: SARIF located in
//! both the model and the template (and valid against the OASIS schema when `../shared` is
//! present), JSON with the template location, ids that do not depend on the directory `drift`
//! runs from, `accept DRF-…` applied by `drift` only, and `explain` for drift checks.

mod support;

use std::process::Command;
use threatflow::diagnostic::Code;
use threatflow::drift::{Template, check_drift};
use threatflow::findings::Status;

fn threatflow() -> Command {
    Command::new(env!("CARGO_BIN_EXE_threatflow"))
}

fn drift_sarif() -> serde_json::Value {
    let model = support::repo_root().join("tests/drift/model.flow");
    let output = threatflow()
        .args(["drift", "--format", "sarif"])
        .arg(&model)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    serde_json::from_slice(&output.stdout).expect("SARIF is JSON")
}

#[test]
fn sarif_locates_drift_in_the_model_and_in_the_template() {
    let sarif = drift_sarif();
    let run = &sarif["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 24);
    let by_id = |id: &str| {
        results
            .iter()
            .find(|r| r["partialFingerprints"]["threatflowFindingId/v1"] == id)
            .unwrap_or_else(|| panic!("no result {id}"))
    };
    // A setting that differs: the element's line in the model, the resource's in the template.
    let encryption = by_id("DRF-010@prod/orders");
    let locations = encryption["locations"].as_array().unwrap();
    assert_eq!(locations.len(), 2);
    let uri = |l: &serde_json::Value| l["physicalLocation"]["artifactLocation"]["uri"].clone();
    let line = |l: &serde_json::Value| l["physicalLocation"]["region"]["startLine"].clone();
    assert!(uri(&locations[0]).as_str().unwrap().ends_with("model.flow"));
    assert!(
        uri(&locations[1])
            .as_str()
            .unwrap()
            .ends_with("template.yaml")
    );
    let model =
        std::fs::read_to_string(support::repo_root().join("tests/drift/model.flow")).unwrap();
    let model_line = model
        .lines()
        .position(|l| l.contains("table orders"))
        .unwrap()
        + 1;
    assert_eq!(line(&locations[0]), model_line);
    let template =
        std::fs::read_to_string(support::repo_root().join("tests/drift/template.yaml")).unwrap();
    let table_type_line = template
        .lines()
        .position(|l| l.contains("AWS::DynamoDB::Table"))
        .unwrap()
        + 1;
    assert_eq!(line(&locations[1]), table_type_line);
    // A grant: the policy statement's line in the template.
    let access = by_id("DRF-020@prod/vpc/handler->prod/url_fn");
    assert_eq!(access["locations"].as_array().unwrap().len(), 2);
    // A resource the model lacks: one location, in the template.
    let unmodelled = by_id("DRF-003@template.yaml#AuditTrail");
    let locations = unmodelled["locations"].as_array().unwrap();
    assert_eq!(locations.len(), 1);
    assert!(
        uri(&locations[0])
            .as_str()
            .unwrap()
            .ends_with("template.yaml")
    );
    // Every result names a rule the driver describes.
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    for result in results {
        let rule = result["ruleId"].as_str().unwrap();
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index], rule);
    }
}

#[test]
fn drift_sarif_is_valid_against_the_oasis_schema() {
    let Some(validator) = support::sarif_validator() else {
        return;
    };
    let sarif = drift_sarif();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn json_output_carries_the_template_location() {
    let model = support::repo_root().join("tests/drift/model.flow");
    let output = threatflow()
        .args(["drift", "--format", "json"])
        .arg(&model)
        .output()
        .unwrap();
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let findings = document["findings"].as_array().unwrap();
    let encryption = findings
        .iter()
        .find(|f| f["id"] == "DRF-010@prod/orders")
        .unwrap();
    assert!(
        encryption["deployed"]["file"]
            .as_str()
            .unwrap()
            .ends_with("template.yaml")
    );
    assert!(encryption["deployed"]["line"].as_u64().unwrap() > 1);
    // A flow with nothing behind it has no one place in the template.
    let flow = findings
        .iter()
        .find(|f| f["rule"] == "DRF-021")
        .expect("a DRF-021 finding");
    assert!(flow.get("deployed").is_none(), "{flow}");
}

#[test]
fn ids_do_not_depend_on_the_directory_drift_runs_from() {
    let ids = |dir: &std::path::Path, model: &str, template: &str| -> Vec<String> {
        let output = threatflow()
            .current_dir(dir)
            .args(["drift", "--format", "json", model, "--template", template])
            .output()
            .unwrap();
        let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        document["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_str().unwrap().to_string())
            .collect()
    };
    let root = support::repo_root();
    let from_root = ids(&root, "tests/drift/model.flow", "tests/drift/template.yaml");
    let from_fixture_dir = ids(&root.join("tests/drift"), "model.flow", "template.yaml");
    assert_eq!(from_root, from_fixture_dir);
    assert!(from_root.contains(&"DRF-003@template.yaml#AuditTrail".to_string()));
}

#[test]
fn sarif_output_file_is_written_only_when_every_template_was_read() {
    let dir = tempfile::tempdir().unwrap();
    let model = support::repo_root().join("tests/drift/model.flow");
    let out = dir.path().join("drift.sarif");
    let missing = dir.path().join("missing.yaml");
    let output = threatflow()
        .args(["drift", "--format", "sarif", "-o"])
        .arg(&out)
        .arg(&model)
        .arg("--template")
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(!out.exists(), "a partial SARIF file was written");
    assert!(
        output.stdout.is_empty(),
        "the SARIF went to standard output instead"
    );
    let errors = String::from_utf8_lossy(&output.stderr);
    assert!(errors.contains("not written"), "{errors}");
    let status = threatflow()
        .args(["drift", "--format", "sarif", "-o"])
        .arg(&out)
        .arg(&model)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(written["version"], "2.1.0");
}

/// The drift fixture with acceptances appended, compiled and compared with its template.
fn drift_with(accepts: &str) -> threatflow::Compilation {
    let base = support::repo_root().join("tests/drift");
    let mut text = std::fs::read_to_string(base.join("model.flow")).unwrap();
    text.push_str(accepts);
    let mut compilation = support::compile_bytes(&base, "model.flow", text.into_bytes());
    // `check` leaves drift acceptances alone: they are neither applied nor stale there (an
    // expired one is still reported: that is about the model's text).
    let codes: Vec<Code> = compilation.diagnostics.iter().map(|d| d.code).collect();
    assert!(
        codes.iter().all(|c| *c == Code::AcceptExpired),
        "{:?}",
        compilation.diagnostics
    );
    compilation.findings.clear();
    let template = std::fs::read_to_string(base.join("template.yaml")).unwrap();
    check_drift(
        &mut compilation,
        &[Template::new("template.yaml", template)],
    );
    compilation
}

#[test]
fn drift_findings_follow_the_models_acceptances() {
    let compilation = drift_with(
        r#"
accept DRF-010 on orders {
  reason "The table moves to orders_key in the next release."
  ticket "SEC-7"
  until  2026-12-31
}
accept DRF-017 on files {
  reason "Versioning was turned off for the migration."
  until  2026-01-31
}
accept DRF-02* on vpc {
  reason "The handler's role is being split."
  until  2026-12-31
}
accept DRF-016 on gone {
  reason "Nothing to accept: gone has no point-in-time recovery finding."
  until  2026-12-31
}
"#,
    );
    let status = |id: &str| {
        compilation
            .findings
            .iter()
            .find(|f| f.id().to_string() == id)
            .unwrap_or_else(|| panic!("no finding {id}"))
            .status
    };
    assert_eq!(status("DRF-010@prod/orders"), Status::Accepted);
    // The fixtures' date is 2026-06-01: the versioning acceptance has expired.
    assert_eq!(status("DRF-017@prod/files"), Status::Expired);
    // A prefix on a boundary covers the handler's grants and flows inside it.
    assert_eq!(status("DRF-022@prod/vpc/handler"), Status::Accepted);
    assert_eq!(
        status("DRF-020@prod/vpc/handler->prod/url_fn"),
        Status::Accepted
    );
    assert_eq!(status("DRF-012@prod/vpc/handler"), Status::Active);
    assert_eq!(status("DRF-018@prod/files"), Status::Active);
    let stale: Vec<&str> = compilation
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::AcceptUnused)
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(stale, ["the acceptance of DRF-016 matches no finding"]);
}

#[test]
fn explain_documents_drift_checks() {
    let output = threatflow().args(["explain", "DRF-022"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.starts_with("DRF-022: Wildcard permissions"), "{text}");
    assert!(text.contains("elevation_of_privilege"), "{text}");
    let output = threatflow().args(["explain", "DRF-099"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
}
