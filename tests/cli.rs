//! The real binary, run as a user would: exit codes, output and bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn threatflow(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_threatflow"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("the binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A temporary directory holding one file `name` with `bytes`.
fn with_file(name: &str, bytes: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(dir.path().join(name), bytes).expect("the file is written");
    dir
}

const VALID: &str = "model \"M\" {\n  owner \"t\"\n}\n\ndata Order : internal\nactor customer\nprocess shop\n\nflow customer -> shop {\n  data Order\n}\n";

/// Checks `bytes` as `model.flow`; returns the exit code and the JSON diagnostics.
fn check_json(bytes: &[u8]) -> (i32, Vec<serde_json::Value>) {
    let dir = with_file("model.flow", bytes);
    let output = threatflow(&["check", "--format", "json", "model.flow"], dir.path());
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    assert!(json["findings"].is_array());
    let diagnostics = json["diagnostics"].as_array().expect("diagnostics").clone();
    (output.status.code().expect("an exit code"), diagnostics)
}

fn codes(diagnostics: &[serde_json::Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_example_checks_clean() {
    let examples = [
        "examples/orders-api/orders.flow",
        "examples/upload-pipeline/upload.flow",
        "examples/multi-account/platform.flow",
    ];
    for example in examples {
        let output = threatflow(&["check", "--color", "never", example], &repo());
        assert_eq!(
            output.status.code(),
            Some(0),
            "{example}: {}",
            stderr(&output)
        );
        assert!(
            stdout(&output).contains("0 errors, 0 warnings"),
            "{}",
            stderr(&output)
        );
    }
}

#[test]
fn errors_exit_2_with_located_text() {
    let output = threatflow(
        &[
            "check",
            "--color",
            "never",
            "tests/fixtures/err/TF0302-unknown-element.flow",
        ],
        &repo(),
    );
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert!(
        text.contains("[TF0302] Error: there is no element `ordres`"),
        "{text}"
    );
    assert!(
        text.contains("tests/fixtures/err/TF0302-unknown-element.flow:5:18"),
        "{text}"
    );
    assert!(text.contains("did you mean `orders`?"), "{text}");
    assert!(!text.contains('\u{1b}'), "no colour was asked for");
}

#[test]
fn json_diagnostics_have_code_severity_file_line_column_message() {
    let (code, diagnostics) = check_json(b"model \"M\" { owner \"t\" }\nactor a\nflow a -> b\n");
    assert_eq!(code, 2);
    let d = &diagnostics[0];
    assert_eq!(d["code"], "TF0302");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["file"], "model.flow");
    assert_eq!(d["line"], 3);
    assert_eq!(d["column"], 11);
    assert_eq!(d["message"], "there is no element `b`");
}

#[test]
fn warnings_alone_exit_0() {
    let (code, diagnostics) = check_json(b"actor a\n");
    assert_eq!(code, 0);
    assert_eq!(codes(&diagnostics), ["TF0701"]);
    assert_eq!(diagnostics[0]["severity"], "warning");
}

#[test]
fn colour_is_used_only_when_asked() {
    let dir = with_file("model.flow", b"flow a -> b\n");
    let always = threatflow(&["check", "--color", "always", "model.flow"], dir.path());
    assert!(stderr(&always).contains('\u{1b}'));
    let auto = threatflow(&["check", "model.flow"], dir.path());
    assert!(
        !stderr(&auto).contains('\u{1b}'),
        "stderr is not a terminal here"
    );
}

#[test]
fn several_files_are_checked_in_one_run() {
    let dir = with_file("good.flow", VALID.as_bytes());
    std::fs::write(dir.path().join("bad.flow"), "flow x -> y\n").unwrap();
    let output = threatflow(
        &["check", "--color", "never", "good.flow", "bad.flow"],
        dir.path(),
    );
    assert_eq!(output.status.code(), Some(2));
    let text = stdout(&output);
    assert!(text.contains("good.flow: 0 errors, 0 warnings"), "{text}");
    assert!(text.contains("bad.flow: 2 errors"), "{text}");
}

#[test]
fn missing_file_and_directory() {
    let dir = tempfile::tempdir().unwrap();
    let output = threatflow(&["check", "--format", "json", "nope.flow"], dir.path());
    assert_eq!(output.status.code(), Some(2));
    assert!(stdout(&output).contains("cannot read `nope.flow`: no such file"));
    assert!(stdout(&output).contains("TF0005"));

    std::fs::create_dir(dir.path().join("models")).unwrap();
    let output = threatflow(&["check", "--color", "never", "models"], dir.path());
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert!(
        text.contains("[TF0005]") && text.contains("it is a directory"),
        "{text}"
    );
    assert!(text.contains("models:1:1"), "{text}");
}

#[test]
fn bad_bytes_get_located_diagnostics() {
    let (code, d) = check_json(b"");
    assert_eq!((code, codes(&d)), (2, vec!["TF0003".to_string()]));

    let (code, d) = check_json(b"\x7fELF\x00\x01\x02\x03\xff\xfe");
    assert_eq!((code, codes(&d)), (2, vec!["TF0002".to_string()]));
    assert_eq!(
        (d[0]["line"].as_u64(), d[0]["column"].as_u64()),
        (Some(1), Some(5))
    );

    let (code, d) = check_json(b"model \"M\" {\n  owner \"\xc3\x28\"\n}\n");
    assert_eq!((code, codes(&d)), (2, vec!["TF0001".to_string()]));
    assert_eq!(
        (d[0]["line"].as_u64(), d[0]["column"].as_u64()),
        (Some(2), Some(10))
    );

    let (code, d) = check_json(b"data Order : internal \"never closed\n");
    assert_eq!(code, 2);
    assert_eq!(codes(&d), ["TF0102"]);
}

#[test]
fn bom_and_crlf_are_errors_and_the_rest_is_still_checked() {
    let mut bytes = b"\xef\xbb\xbf".to_vec();
    bytes.extend(VALID.replace('\n', "\r\n").bytes());
    let (code, d) = check_json(&bytes);
    assert_eq!(code, 2);
    assert_eq!(codes(&d), ["TF0004", "TF0007"]);
    let crlf = &d[1];
    assert_eq!(
        (crlf["line"].as_u64(), crlf["column"].as_u64()),
        (
            Some(1),
            Some(1 + VALID.lines().next().unwrap().chars().count() as u64)
        )
    );

    let broken = "actor a\r\nactor a\r\n";
    let (code, d) = check_json(broken.as_bytes());
    assert_eq!(code, 2);
    assert_eq!(codes(&d), ["TF0007", "TF0301"], "the model is checked too");
}

#[test]
fn deep_nesting_is_refused_without_overflowing() {
    let braces = "{".repeat(200_000);
    let (code, d) = check_json(format!("model \"M\" {braces}").as_bytes());
    assert_eq!((code, codes(&d)), (2, vec!["TF0103".to_string()]));

    let mut nested = String::new();
    for i in 0..5_000 {
        nested.push_str(&format!("boundary b{i} {{\n"));
    }
    nested.push_str(&"}\n".repeat(5_000));
    let (code, d) = check_json(nested.as_bytes());
    assert_eq!((code, codes(&d)), (2, vec!["TF0103".to_string()]));
}

#[test]
fn every_syntax_error_of_a_file_is_reported() {
    let broken: String = (0..2_000)
        .map(|i| format!("boundary b{i} {{ x = }}\n"))
        .collect();
    let (code, d) = check_json(broken.as_bytes());
    assert_eq!(code, 2);
    assert_eq!(d.len(), 2_000);
    assert!(d.iter().all(|d| d["code"] == "TF0101"));
    assert_eq!(d[1_999]["line"], 2_000);
}

#[test]
fn use_cycles_across_files_are_reported() {
    let dir = with_file("a.flow", b"use \"./b.flow\"\ndata A : internal\n");
    std::fs::write(
        dir.path().join("b.flow"),
        b"use \"./a.flow\"\ndata B : internal\n",
    )
    .unwrap();
    let output = threatflow(&["check", "--format", "json", "a.flow"], dir.path());
    assert_eq!(output.status.code(), Some(2));
    let text = stdout(&output);
    assert!(
        text.contains("TF0203") && text.contains("a.flow → b.flow → a.flow"),
        "{text}"
    );
}

#[test]
fn fmt_prints_checks_and_writes() {
    let messy = "model \"M\" { owner \"t\" } // header\nactor   customer\n";
    let tidy = "model \"M\" {\n  owner \"t\"\n} // header\nactor customer\n";
    let dir = with_file("model.flow", messy.as_bytes());
    let path = dir.path().join("model.flow");

    let printed = threatflow(&["fmt", "model.flow"], dir.path());
    assert_eq!(printed.status.code(), Some(0));
    assert_eq!(stdout(&printed), tidy);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        messy,
        "printing changes nothing"
    );

    let check = threatflow(&["fmt", "--check", "model.flow"], dir.path());
    assert_eq!(check.status.code(), Some(1));
    assert!(stderr(&check).contains("model.flow: not formatted"));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        messy,
        "--check changes nothing"
    );

    let write = threatflow(&["fmt", "--write", "model.flow"], dir.path());
    assert_eq!(write.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), tidy);

    let check = threatflow(&["fmt", "--check", "model.flow"], dir.path());
    assert_eq!(check.status.code(), Some(0));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
}

#[test]
fn fmt_refuses_files_with_syntax_errors() {
    let broken = "model \"M\" { owner = \"t\" }\nactor customer\n";
    let dir = with_file("model.flow", broken.as_bytes());
    let output = threatflow(
        &["fmt", "--write", "--color", "never", "model.flow"],
        dir.path(),
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("[TF0101]"), "{}", stderr(&output));
    assert!(stdout(&output).is_empty());
    let after = std::fs::read_to_string(dir.path().join("model.flow")).unwrap();
    assert_eq!(after, broken, "the file is left as it was");
}

#[test]
fn fmt_removes_a_bom_and_crlf() {
    let mut bytes = b"\xef\xbb\xbf".to_vec();
    bytes.extend(b"actor a\r\n");
    let dir = with_file("model.flow", &bytes);
    let output = threatflow(&["fmt", "model.flow"], dir.path());
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output), "actor a\n");

    let output = threatflow(&["fmt", "--check", "model.flow"], dir.path());
    assert_eq!(
        output.status.code(),
        Some(1),
        "a file with CRLF is not formatted"
    );
    let output = threatflow(&["fmt", "--write", "model.flow"], dir.path());
    assert_eq!(output.status.code(), Some(0));
    let after = std::fs::read(dir.path().join("model.flow")).unwrap();
    assert_eq!(after, b"actor a\n");
    let output = threatflow(&["check", "model.flow"], dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(!stderr(&output).contains("TF0004") && !stderr(&output).contains("TF0007"));
}

#[test]
fn usage_errors_exit_2() {
    let output = threatflow(&["check"], &repo());
    assert_eq!(output.status.code(), Some(2));
    let output = threatflow(&["frobnicate"], &repo());
    assert_eq!(output.status.code(), Some(2));
}

/// A model with one high finding (a privileged actor without MFA) and one info finding.
const RISKY: &str = "model \"M\" {\n  owner \"t\"\n}\n\nuse serverless\nuse stride\n\nactor admin {\n  privileged on\n}\n";

#[test]
fn check_prints_findings_and_fails_on_the_chosen_severity() {
    let dir = with_file("model.flow", RISKY.as_bytes());
    let output = threatflow(&["check", "--color", "never", "model.flow"], dir.path());
    assert_eq!(
        output.status.code(),
        Some(0),
        "no --fail-on: findings alone do not fail"
    );
    let text = stdout(&output);
    assert!(text.contains("── high (1) ──"), "{text}");
    assert!(
        text.contains("[SVL-042] high: Privileged actor without MFA"),
        "{text}"
    );
    assert!(text.contains("SVL-042@admin"), "{text}");
    assert!(
        text.contains("model.flow: 0 errors, 0 warnings; 2 findings (1 high, 1 info)"),
        "{text}"
    );

    for (level, code) in [("critical", 0), ("high", 1), ("low", 1)] {
        let output = threatflow(&["check", "--fail-on", level, "model.flow"], dir.path());
        assert_eq!(output.status.code(), Some(code), "--fail-on {level}");
    }
    let output = threatflow(
        &[
            "check",
            "--fail-on",
            "low",
            "--disable",
            "SVL-042,STR-005",
            "model.flow",
        ],
        dir.path(),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
}

/// Twelve privileged actors: twelve SVL-042 findings (high) and twelve STR-005 (info).
fn many_admins() -> String {
    let mut text = "model \"M\" {\n  owner \"t\"\n}\n\nuse serverless\nuse stride\n\n".to_string();
    for i in 0..12 {
        text.push_str(&format!("actor admin{i:02} {{\n  privileged on\n}}\n"));
    }
    text
}

#[test]
fn check_prints_a_few_findings_of_each_rule_and_counts_the_rest() {
    let dir = with_file("model.flow", many_admins().as_bytes());
    let output = threatflow(&["check", "--color", "never", "model.flow"], dir.path());
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    // The heading counts all twelve; ten are printed in full, in order, and two counted.
    assert!(text.contains("── high (12) ──"), "{text}");
    assert_eq!(text.matches("[SVL-042] high:").count(), 10, "{text}");
    assert!(text.contains("SVL-042@admin09"), "{text}");
    assert!(!text.contains("SVL-042@admin10"), "{text}");
    assert!(
        text.contains("… 2 more SVL-042 findings (Privileged actor without MFA)\n"),
        "{text}"
    );
    let info = text.find("── info (12) ──").expect("the info group");
    let high_more = text.find("… 2 more SVL-042").unwrap();
    assert!(
        high_more < info,
        "each group's count follows the group: {text}"
    );
    assert!(
        text.contains(
            "note: 4 findings counted, not printed (at most 10 of each rule and severity in full)"
        ),
        "{text}"
    );
    assert!(
        text.ends_with("model.flow: 0 errors, 0 warnings; 24 findings (12 high, 12 info)\n"),
        "{text}"
    );

    let one = stdout(&threatflow(
        &[
            "check",
            "--color",
            "never",
            "--max-per-rule",
            "1",
            "model.flow",
        ],
        dir.path(),
    ));
    assert_eq!(one.matches("[SVL-042] high:").count(), 1, "{one}");
    assert!(one.contains("… 11 more SVL-042 findings"), "{one}");

    let all = stdout(&threatflow(
        &["check", "--color", "never", "--all", "model.flow"],
        dir.path(),
    ));
    assert_eq!(all.matches("[SVL-042] high:").count(), 12, "{all}");
    assert!(
        !all.contains("more SVL-042") && !all.contains("note:"),
        "{all}"
    );

    // JSON lists every finding whatever the limit.
    let json = threatflow(
        &[
            "check",
            "--format",
            "json",
            "--max-per-rule",
            "1",
            "model.flow",
        ],
        dir.path(),
    );
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(json["findings"].as_array().unwrap().len(), 24);

    // Findings counted but not printed still count against `--fail-on`.
    for (level, code) in [("high", 1), ("critical", 0)] {
        let none_printed = threatflow(
            &[
                "check",
                "--max-per-rule",
                "0",
                "--fail-on",
                level,
                "model.flow",
            ],
            dir.path(),
        );
        assert_eq!(none_printed.status.code(), Some(code), "--fail-on {level}");
        let text = stdout(&none_printed);
        assert!(!text.contains("[SVL-042] high:"), "{text}");
        assert!(text.contains("… 12 more SVL-042 findings"), "{text}");
        assert!(
            text.ends_with("model.flow: 0 errors, 0 warnings; 24 findings (12 high, 12 info)\n"),
            "{text}"
        );
    }

    let both = threatflow(
        &["check", "--all", "--max-per-rule", "3", "model.flow"],
        dir.path(),
    );
    assert_eq!(both.status.code(), Some(2), "the two options conflict");
    assert!(
        stderr(&both).contains("cannot be used with"),
        "{}",
        stderr(&both)
    );
}

#[test]
fn errors_win_over_findings() {
    let broken = format!("{RISKY}flow admin -> nowhere\n");
    let dir = with_file("model.flow", broken.as_bytes());
    let output = threatflow(&["check", "--fail-on", "info", "model.flow"], dir.path());
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn json_findings_have_every_field() {
    let dir = with_file("model.flow", RISKY.as_bytes());
    let output = threatflow(&["check", "--format", "json", "model.flow"], dir.path());
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let findings = json["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 2);
    let first = &findings[0];
    assert_eq!(first["id"], "SVL-042@admin");
    assert_eq!(first["rule"], "SVL-042");
    assert_eq!(first["severity"], "high");
    assert_eq!(first["status"], "active");
    assert_eq!(first["element"], "admin");
    assert_eq!(first["stride"][0], "spoofing");
    assert_eq!(first["location"]["file"], "model.flow");
    assert_eq!(first["location"]["line"], 8);
    assert_eq!(first["location"]["column"], 7);
    assert!(
        first["message"]
            .as_str()
            .unwrap()
            .starts_with("admin administers")
    );
    assert!(first["fix"].as_str().unwrap().contains("MFA"));
    assert_eq!(first["refs"][0], "CWE-308");
}

#[test]
fn rules_lists_the_catalogue() {
    let output = threatflow(&["rules", "--format", "json"], &repo());
    assert_eq!(output.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let rules = json["rules"].as_array().expect("rules");
    assert!(rules.len() >= 60);
    let first = rules
        .iter()
        .find(|r| r["id"] == "SVL-001")
        .expect("SVL-001");
    assert_eq!(first["source"], "<stdlib>/serverless.flow");
    assert_eq!(first["stride"][0], "information_disclosure");
    assert!(
        first["title"]
            .as_str()
            .unwrap()
            .contains("customer-managed key")
    );

    let output = threatflow(&["rules"], &repo());
    assert!(stdout(&output).contains("SVL-001"));

    let output = threatflow(
        &["rules", "--model", "examples/orders-api/orders.flow"],
        &repo(),
    );
    assert!(
        stdout(&output).contains("ORD-001"),
        "a model's own rules are listed"
    );
}

#[test]
fn explain_prints_a_rules_documentation() {
    let output = threatflow(&["explain", "SVL-002"], &repo());
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    for part in ["SVL-002:", "What", "Why", "Example", "Fix", "stride"] {
        assert!(text.contains(part), "{part} missing from {text}");
    }
    let output = threatflow(&["explain", "SVL-0002"], &repo());
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("did you mean `SVL-002`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn report_writes_each_format_to_a_file_or_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let model = repo().join("examples/orders-api/orders.flow");
    for (format, starts) in [
        ("md", "# Threat model: Orders"),
        ("html", "<!DOCTYPE html>"),
        ("json", "{"),
        ("sarif", "{"),
    ] {
        let out = dir.path().join(format!("report.{format}"));
        let output = threatflow(
            &[
                "report",
                "--format",
                format,
                "-o",
                out.to_str().unwrap(),
                model.to_str().unwrap(),
            ],
            dir.path(),
        );
        assert_eq!(
            output.status.code(),
            Some(0),
            "{format}: {}",
            stderr(&output)
        );
        let written = std::fs::read_to_string(&out).unwrap();
        assert!(written.starts_with(starts), "{format}");
        let printed = threatflow(
            &["report", "--format", format, model.to_str().unwrap()],
            dir.path(),
        );
        assert_eq!(stdout(&printed), written, "{format}: stdout and file agree");
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_model_with_errors_gets_no_report_and_no_file() {
    let dir = with_file("model.flow", b"flow a -> b\n");
    std::fs::write(dir.path().join("old.md"), "keep me").unwrap();
    let output = threatflow(&["report", "-o", "old.md", "model.flow"], dir.path());
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("not rendered"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("old.md")).unwrap(),
        "keep me"
    );
    let output = threatflow(&["diagram", "-o", "new.svg", "model.flow"], dir.path());
    assert_eq!(output.status.code(), Some(2));
    assert!(!dir.path().join("new.svg").exists());
}

#[test]
fn an_unwritable_output_is_an_error_without_a_partial_file() {
    let dir = tempfile::tempdir().unwrap();
    let model = repo().join("examples/orders-api/orders.flow");
    let output = threatflow(
        &[
            "report",
            "-o",
            "missing/dir/report.md",
            model.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("cannot write"),
        "{}",
        stderr(&output)
    );
    assert!(!dir.path().join("missing").exists());
}

#[cfg(unix)]
#[test]
fn an_output_that_is_a_pipe_is_written_to_not_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("out.fifo");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|status| status.success()) {
        eprintln!("skipped: `mkfifo` is not available to make a named pipe");
        return;
    }
    let model = repo().join("examples/orders-api/orders.flow");
    let child = Command::new(env!("CARGO_BIN_EXE_threatflow"))
        .args(["report", "--format", "json", "-o", "out.fifo"])
        .arg(&model)
        .current_dir(dir.path())
        .spawn()
        .expect("the binary runs");
    // Opening the pipe for reading waits for a writer; the reader is a thread so that a binary
    // that replaced the pipe instead of opening it fails the test rather than hanging it.
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
    assert!(
        kind.is_fifo(),
        "the pipe is still a pipe, not a regular file"
    );
    let report: serde_json::Value = serde_json::from_str(&reader.join().unwrap()).unwrap();
    assert_eq!(report["model"]["name"], "Orders");
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 1, "no temporary file is left behind");
}

#[cfg(unix)]
#[test]
fn writing_through_a_symbolic_link_replaces_the_file_it_names() {
    let dir = with_file("real.flow", b"actor   customer\n");
    std::os::unix::fs::symlink("real.flow", dir.path().join("link.flow")).unwrap();
    std::fs::write(dir.path().join("old.md"), "old").unwrap();
    std::os::unix::fs::symlink("old.md", dir.path().join("report.md")).unwrap();

    let write = threatflow(&["fmt", "--write", "link.flow"], dir.path());
    assert_eq!(write.status.code(), Some(0), "{}", stderr(&write));
    let link = dir.path().join("link.flow");
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("real.flow")).unwrap(),
        "actor customer\n"
    );

    let model = repo().join("examples/orders-api/orders.flow");
    let report = threatflow(
        &["report", "-o", "report.md", model.to_str().unwrap()],
        dir.path(),
    );
    assert_eq!(report.status.code(), Some(0), "{}", stderr(&report));
    let link = dir.path().join("report.md");
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let written = std::fs::read_to_string(dir.path().join("old.md")).unwrap();
    assert!(written.contains("Orders"), "{written}");
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 4, "no temporary file is left behind");

    // A link to nothing yet is replaced by the file.
    std::os::unix::fs::symlink("missing.md", dir.path().join("dangling.md")).unwrap();
    let model = model.to_str().unwrap();
    let report = threatflow(&["report", "-o", "dangling.md", model], dir.path());
    assert_eq!(report.status.code(), Some(0), "{}", stderr(&report));
    let written = std::fs::read_to_string(dir.path().join("dangling.md")).unwrap();
    assert!(written.contains("Orders"), "{written}");
}

#[test]
fn no_output_replaces_an_input_of_its_run() {
    let dir = tempfile::tempdir().unwrap();
    let copy = |from: &str, to: &str| {
        let to = dir.path().join(to);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(repo().join(from), to).unwrap();
    };
    copy("examples/orders-api/orders.flow", "orders.flow");
    copy(
        "examples/orders-api/shared/classes.flow",
        "shared/classes.flow",
    );
    copy("tests/drift/model.flow", "drift/model.flow");
    copy("tests/drift/template.yaml", "drift/template.yaml");
    let before = |name: &str| std::fs::read(dir.path().join(name)).unwrap();
    let runs: [(&[&str], &str); 5] = [
        (
            &["report", "orders.flow", "-o", "orders.flow"],
            "orders.flow",
        ),
        // The file the model uses, named by another path.
        (
            &[
                "report",
                "orders.flow",
                "--format",
                "json",
                "-o",
                "./shared/../shared/classes.flow",
            ],
            "shared/classes.flow",
        ),
        (
            &["diagram", "orders.flow", "-o", "./orders.flow"],
            "orders.flow",
        ),
        (
            &[
                "drift",
                "drift/model.flow",
                "--template",
                "drift/template.yaml",
                "-o",
                "drift/template.yaml",
            ],
            "drift/template.yaml",
        ),
        (
            &[
                "import",
                "drift/template.yaml",
                "-o",
                "drift/template.yaml",
                "--force",
            ],
            "drift/template.yaml",
        ),
    ];
    for (args, input) in runs {
        let kept = before(input);
        let output = threatflow(args, dir.path());
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains("an input of this run"),
            "{args:?}: {}",
            stderr(&output)
        );
        assert_eq!(before(input), kept, "{args:?} left `{input}` as it was");
    }
    // Another file is written as usual.
    let output = threatflow(&["report", "orders.flow", "-o", "report.md"], dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn templates_can_be_replaced() {
    let dir = with_file(
        "report.md.tera",
        b"Custom: {{ model.name | md }} has {{ summary.open }} open\n",
    );
    let model = repo().join("examples/orders-api/orders.flow");
    let output = threatflow(
        &["report", "--templates", ".", model.to_str().unwrap()],
        dir.path(),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "Custom: Orders has 7 open\n");

    std::fs::write(dir.path().join("report.md.tera"), "{{ unclosed").unwrap();
    let output = threatflow(
        &[
            "report",
            "--templates",
            ".",
            "-o",
            "out.md",
            model.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("cannot render the report"),
        "{}",
        stderr(&output)
    );
    assert!(!dir.path().join("out.md").exists());
}

#[test]
fn diagrams_draw_one_boundary_and_can_leave_marks_off() {
    let model = repo().join("examples/orders-api/orders.flow");
    let model = model.to_str().unwrap();
    let all = threatflow(&["diagram", "--format", "dot", model], &repo());
    assert_eq!(all.status.code(), Some(0));
    assert!(stdout(&all).contains("subgraph cluster_"));
    assert!(stdout(&all).contains("⚠ low"));

    let plain = threatflow(
        &["diagram", "--format", "dot", "--no-findings", model],
        &repo(),
    );
    assert!(!stdout(&plain).contains('⚠'));

    let vpc = threatflow(
        &[
            "diagram",
            "--format",
            "mermaid",
            "--boundary",
            "app_vpc",
            model,
        ],
        &repo(),
    );
    assert_eq!(vpc.status.code(), Some(0), "{}", stderr(&vpc));
    let text = stdout(&vpc);
    assert!(
        text.contains("create_order") && !text.contains("Customer accounts"),
        "{text}"
    );

    let missing = threatflow(&["diagram", "--boundary", "app_vcp", model], &repo());
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("did you mean `app_vpc`"),
        "{}",
        stderr(&missing)
    );

    let svg = threatflow(&["diagram", model], &repo());
    assert!(stdout(&svg).starts_with("<svg"));
}
