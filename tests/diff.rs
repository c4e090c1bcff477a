//! Threat diffs: findings added, resolved, unchanged and changed in severity; elements and
//! flows added and removed; a model against itself; `REV:PATH` sides read from git; and
//! `--fail-on-new`.

mod support;

use std::path::Path;
use std::process::Command;
use threatflow::report::{ReportView, diff};
use threatflow::rules::severity::Severity;

fn compiled(name: &str) -> threatflow::Compilation {
    let base = support::repo_root().join("tests/diff");
    let compilation = support::compile_file(&base, &base.join(name));
    assert!(
        compilation.diagnostics.is_empty(),
        "{name}: {:?}",
        compilation.diagnostics
    );
    compilation
}

fn ids(findings: &[threatflow::findings::Finding]) -> Vec<String> {
    findings.iter().map(|f| f.id().to_string()).collect()
}

#[test]
fn a_change_adds_resolves_and_changes_findings() {
    let (before, after) = (compiled("base.flow"), compiled("head.flow"));
    let (base, head) = (ReportView::new(&before), ReportView::new(&after));
    let changes = diff::compare(&base, &head);
    let added = ids(&changes.findings_added);
    assert!(
        added.iter().any(|id| id == "SVL-001@prod/audit"),
        "{added:?}"
    );
    assert!(
        added.iter().any(|id| id == "SVL-001@prod/orders"),
        "{added:?}"
    );
    assert_eq!(ids(&changes.findings_resolved), ["SVL-040@prod/save"]);
    let changed: Vec<(&str, Severity, Severity)> = changes
        .severity_changed
        .iter()
        .map(|c| (c.id.as_str(), c.before, c.after))
        .collect();
    assert!(changed.contains(&(
        "SVL-030@prod/orders_api",
        Severity::High,
        Severity::Critical
    )));
    // Findings present on both sides with the same severity are not mentioned.
    let unchanged = "SVL-034@prod/orders_api";
    assert!(
        base.findings
            .iter()
            .any(|f| f.id().to_string() == unchanged)
    );
    assert!(!added.iter().any(|id| id == unchanged) && !changed.iter().any(|c| c.0 == unchanged));
    assert_eq!(changes.elements_added, ["prod/audit"]);
    assert_eq!(changes.flows_added, ["prod/save->prod/audit"]);
    assert!(changes.elements_removed.is_empty() && changes.flows_removed.is_empty());
    assert!(changes.adds_at_least(Severity::Critical));

    let back = diff::compare(&head, &base);
    assert_eq!(back.elements_removed, ["prod/audit"]);
    assert_eq!(back.flows_removed, ["prod/save->prod/audit"]);
    assert_eq!(ids(&back.findings_added), ["SVL-040@prod/save"]);
    assert!(
        !back.adds_at_least(Severity::High),
        "only a medium finding comes back"
    );

    for (format, text) in [
        ("text", diff::render_text(&changes)),
        ("md", diff::render_markdown(&changes)),
        ("json", diff::render_json(&changes)),
    ] {
        insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(format!("diff_{format}"), text);
        });
    }
}

#[test]
fn a_model_against_itself_has_no_changes() {
    for example in [
        "examples/orders-api/orders.flow",
        "examples/upload-pipeline/upload.flow",
        "examples/multi-account/platform.flow",
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_threatflow"))
            .args(["diff", "--fail-on-new", "info", example, example])
            .current_dir(support::repo_root())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{example}");
        assert_eq!(
            String::from_utf8_lossy(&output.stdout),
            "No changes in threats, elements or flows.\n"
        );
    }
}

fn threatflow_in(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_threatflow"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
fn fail_on_new_exits_1_when_the_change_adds_such_a_finding() {
    let dir = support::repo_root().join("tests/diff");
    let output = threatflow_in(
        &dir,
        &[
            "diff",
            "--fail-on-new",
            "critical",
            "base.flow",
            "head.flow",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let output = threatflow_in(
        &dir,
        &["diff", "--fail-on-new", "high", "head.flow", "base.flow"],
    );
    assert_eq!(output.status.code(), Some(0));
    let output = threatflow_in(
        &dir,
        &["diff", "--format", "json", "base.flow", "head.flow"],
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["elements_added"][0], "prod/audit");
}

#[test]
fn sides_can_come_from_git() {
    let git = |dir: &Path, args: &[&str]| {
        let status = Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
            .status();
        status.is_ok_and(|s| s.success())
    };
    let dir = tempfile::tempdir().unwrap();
    if !git(dir.path(), &["init", "-q"]) {
        eprintln!("skipped: git is not available");
        return;
    }
    let models = dir.path().join("models");
    std::fs::create_dir(&models).unwrap();
    let source = support::repo_root().join("tests/diff");
    // The model uses a second file, which must be read from the same revision.
    let base = std::fs::read_to_string(source.join("base.flow")).unwrap();
    let (data_line, rest) = (
        "data Order : internal\n",
        base.replace("data Order : internal\n", "use \"./data.flow\"\n"),
    );
    std::fs::write(models.join("data.flow"), data_line).unwrap();
    std::fs::write(models.join("model.flow"), &rest).unwrap();
    assert!(git(dir.path(), &["add", "."]));
    assert!(git(dir.path(), &["commit", "-q", "-m", "base"]));
    std::fs::write(models.join("data.flow"), "data Order : restricted\n").unwrap();

    let output = threatflow_in(
        dir.path(),
        &["diff", "HEAD:models/model.flow", "models/model.flow"],
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("~ critical SVL-030@prod/orders_api  high -> critical"),
        "{text}"
    );

    let output = threatflow_in(&models, &["diff", "HEAD:./model.flow", "model.flow"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let output = threatflow_in(
        dir.path(),
        &["diff", "HEAD:models/nope.flow", "models/model.flow"],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("cannot read `HEAD:models/nope.flow` from git")
    );
}
