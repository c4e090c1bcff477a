//! No input makes the compiler or the formatter panic: the examples mutated in many small ways,
//! and declarations that bend the language's own vocabulary.

mod support;

use support::mutate::{Lcg, mutate};

use threatflow::format::format;
use threatflow::span::FileId;

#[test]
fn mutated_examples_never_panic() {
    let root = support::repo_root();
    let examples = [
        "examples/orders-api/orders.flow",
        "examples/upload-pipeline/upload.flow",
        "examples/multi-account/platform.flow",
        "tests/fixtures/ok/every-value-shape.flow",
        "tests/fixtures/ok/custom-kind.flow",
    ];
    // More cases for a longer local run: ROBUSTNESS_CASES=2000 cargo test --release --test robustness
    let cases: usize = std::env::var("ROBUSTNESS_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    let mut rng = Lcg(0x5eed);
    for example in examples {
        let text = std::fs::read_to_string(root.join(example)).unwrap();
        for _ in 0..cases {
            let mutated = mutate(&text, &mut rng);
            let base = root.join(example).parent().unwrap().to_path_buf();
            let compilation =
                support::compile_bytes(&base, "mutated.flow", mutated.clone().into_bytes());
            for diagnostic in &compilation.diagnostics {
                assert!(!diagnostic.message.is_empty());
            }
            if let Ok(formatted) = format(FileId(0), &mutated) {
                assert_eq!(format(FileId(0), &formatted).unwrap(), formatted);
            }
        }
    }
}

#[test]
fn declarations_that_bend_the_vocabulary_are_diagnosed() {
    let cases = [
        ("role gizmo\ngizmo g\n", "TF0305"),
        ("role gizmo\nkind gizmo : boundary\ngizmo g\n", "TF0409"),
        ("role gizmo\nkind gizmo : process\ngizmo g\n", "TF0408"),
        ("kind k : flow\nprocess p : k\n", "TF0409"),
        ("boundary b : flow\n", "TF0409"),
        (
            "rule R-1 \"t\" { for boundary b  where b.x  stride spoofing  severity low  message \"m\" }\n",
            "TF0309",
        ),
    ];
    for (text, code) in cases {
        let text = format!("model \"M\" {{ owner \"t\" }}\n{text}");
        let compilation = support::compile_bytes(
            &support::repo_root(),
            "case.flow",
            text.clone().into_bytes(),
        );
        let codes: Vec<&str> = compilation
            .diagnostics
            .iter()
            .map(|d| d.code.id())
            .collect();
        if code.is_empty() {
            assert!(!compilation.has_errors(), "{text}: {codes:?}");
        } else {
            assert!(
                codes.contains(&code),
                "{text}: expected {code}, got {codes:?}"
            );
        }
    }
}

#[test]
fn deeply_nested_placeholders_are_refused_without_overflowing() {
    let deep = format!("{}p{}", "(".repeat(100_000), ")".repeat(100_000));
    let text = format!(
        "model \"M\" {{ owner \"t\" }}\nrule ORD-001 \"x\" {{\n  for process p\n  where p.exposed\n  stride spoofing\n  severity low\n  message \"{{{deep}}}\"\n}}\n"
    );
    let compilation = support::compile_bytes(&support::repo_root(), "deep.flow", text.into_bytes());
    let codes: Vec<&str> = compilation
        .diagnostics
        .iter()
        .map(|d| d.code.id())
        .collect();
    assert_eq!(codes, ["TF0808"]);
    assert!(compilation.diagnostics[0].message.chars().count() < 80);
}

#[test]
fn mutated_templates_never_panic() {
    let root = support::repo_root().join("tests/drift");
    let templates = [
        "template.yaml",
        "template.json",
        "sam.yaml",
        "connectors.yaml",
        "sam-auth.yaml",
        "plan.json",
        "main.tf",
    ];
    let cases: usize = std::env::var("ROBUSTNESS_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    let mut rng = Lcg(0x7e3a);
    let (mut read, mut rejected) = (0, 0);
    for template in templates {
        let text = std::fs::read_to_string(root.join(template)).unwrap();
        for _ in 0..cases {
            let mutated = mutate(&text, &mut rng);
            match threatflow::template::read(template, &mutated) {
                Ok(deployment) => {
                    read += 1;
                    let _ = threatflow::import::import(&[deployment]);
                }
                Err(error) => {
                    rejected += 1;
                    assert!(!error.message.is_empty());
                    assert!(error.line >= 1 && error.column >= 1, "{error:?}");
                }
            }
        }
    }
    // The mutations exercise both outcomes.
    assert!(read > 0 && rejected > 0, "read {read}, rejected {rejected}");
}

#[test]
fn a_recovered_line_with_braces_in_its_comment_is_read_in_one_pass() {
    // Found by the `check` fuzz target: recovery took each `{` of a comment either as the start
    // of a balanced group or as a plain character, so 40 of them cost 2^40 attempts. Recovery
    // now skips comments whole; 5,000 braces are read in one pass.
    let text = format!(
        "model \"m\" {{ owner \"t\" }}\nboundary b {{\n  junk = x // {}\n  actor a\n}}\n",
        "{".repeat(5_000)
    );
    let compilation =
        support::compile_bytes(&support::repo_root(), "braces.flow", text.into_bytes());
    let syntax: Vec<_> = compilation
        .diagnostics
        .iter()
        .filter(|d| d.code == threatflow::diagnostic::Code::SyntaxError)
        .collect();
    assert_eq!(syntax.len(), 1, "{:?}", compilation.diagnostics);
    assert!(
        syntax[0].message.contains("found `=`"),
        "{}",
        syntax[0].message
    );
}

#[test]
fn unclosed_objects_in_a_terraform_file_are_reported_in_one_pass() {
    // Found by the `templates` fuzz target: hcl-edit backtracked over every enclosing object at
    // the end of a file that left them open, each level two ways — 33 levels took minutes. The
    // reader now checks that brackets close before parsing; 100,000 levels are reported at once.
    let text = format!(
        "locals {{\n  nab = {{\n{}",
        "  \"Aointiim{be{sule\" * \"name\" * {\n".repeat(100_000)
    );
    let error = threatflow::template::read("main.tf", &text).unwrap_err();
    assert_eq!(error.message, "this `{` is never closed");
    assert_eq!((error.line, error.column), (100_002, 33));
    // What the fuzz target found, as it found it.
    let found = "   nab = {\n  \"AWSTval@es\": {\n            \"nam-\"*   \"name\"* {\n  \"Aointiim{be{sule{{{{{{&e\"*   \"nam{{{{eeeeeeeeeeedeeeeeeame\"* {\n  \"Aointiim{be{sule{{{{{{&e\"*   \"name\"* {\n  \"Aointiim{be{sule{{{{am-\"*   \"name\"* {\n  \"Aointiimule{{{{{{&e\"*   \"name\"* {\n".repeat(6);
    assert!(threatflow::template::read("main.tf", &found).is_err());
}

#[test]
fn a_heredoc_ended_by_a_line_that_goes_on_is_read_as_hcl_edit_reads_it() {
    // Found by the `templates` fuzz target (24 s under it, 10 s in a release build): heredocs
    // `<<am` whose ending lines go on as code (`am<0.55*{{{<<am`), opening braces that never
    // close. The pre-pass wanted the delimiter alone on its line, skipped the braces as the
    // heredoc's text and let hcl-edit backtrack over them; it now ends heredocs as hcl-edit does.
    let path = support::repo_root().join("tests/drift/fuzz-slow-heredoc.tf");
    let text = std::fs::read_to_string(path).expect("the fixture");
    let error = threatflow::template::read("main.tf", &text).unwrap_err();
    assert_eq!(error.message, "this `{` is never closed");
    assert_eq!((error.line, error.column), (165, 11));
}
