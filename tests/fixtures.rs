//! Snapshot tests over `tests/fixtures/`: every file in `ok/` checks clean, every file in
//! `err/` reports the diagnostic code its name starts with, and the no-colour rendering of its
//! diagnostics is the reviewed snapshot.

mod support;

use std::path::Path;
use threatflow::diagnostic::{Code, ColorChoice, render_text};

fn rendered(path: &Path) -> (Vec<Code>, String) {
    let base = support::repo_root().join("tests/fixtures");
    let compilation = support::compile_file(&base, path);
    let text = render_text(
        &compilation.diagnostics,
        &compilation.unit.sources,
        ColorChoice::Never,
    );
    let codes = compilation.diagnostics.iter().map(|d| d.code).collect();
    (codes, text)
}

#[test]
fn ok_fixtures_check_clean() {
    let files = support::flow_files(&support::repo_root().join("tests/fixtures/ok"));
    assert!(files.len() >= 5);
    for path in files {
        let (_, text) = rendered(&path);
        assert_eq!(text, "", "{} should check clean", path.display());
    }
}

#[test]
fn err_fixtures_report_their_code() {
    insta::glob!("fixtures/err/*.flow", |path| {
        let (codes, text) = rendered(path);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let expected = &name[..6];
        assert!(
            codes.iter().any(|c| c.id() == expected),
            "{name} should report {expected}, got {codes:?}"
        );
        let source = String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned();
        insta::with_settings!({ omit_expression => true, prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(format!("----- SOURCE\n{source}\n----- OUTPUT\n{text}"));
        });
    });
}

#[test]
fn every_code_has_an_error_fixture() {
    let dir = support::repo_root().join("tests/fixtures/err");
    let names: Vec<String> = support::flow_files(&dir)
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    // An unreadable root file cannot be a fixture; the CLI tests cover it. Template errors come
    // from `drift`, whose fixtures are in tests/drift.rs. A 256 MiB file and a 65-file `use`
    // chain are made by tests/limits.rs.
    let exempt = [
        Code::UnreadableFile,
        Code::TemplateUnreadable,
        Code::FileTooLarge,
        Code::UseTooDeep,
    ];
    let missing: Vec<&str> = Code::ALL
        .iter()
        .filter(|code| !exempt.contains(code))
        .filter(|code| !names.iter().any(|n| n.starts_with(code.id())))
        .map(|code| code.id())
        .collect();
    assert!(
        missing.is_empty(),
        "codes without an error fixture: {missing:?}"
    );
    assert!(names.len() >= 40, "only {} error fixtures", names.len());
}
