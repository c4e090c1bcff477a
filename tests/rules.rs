//! The rule library: every standard-library rule is documented and has a fixture that must
//! trigger it (`tests/rules/ID.fires.flow`, whose findings of that rule are a reviewed
//! snapshot) and one that must not (`ID.quiet.flow`). Both fixtures check without diagnostics.

mod support;

use std::collections::BTreeSet;
use std::path::Path;
use threatflow::diagnostic::ColorChoice;
use threatflow::findings::render_findings;
use threatflow::load::{LoadedFile, NoFiles};
use threatflow::{Compilation, compile::Options, stdlib};

fn catalogue() -> Compilation {
    let root = LoadedFile {
        key: "<catalogue>".into(),
        name: "<catalogue>".into(),
        bytes: stdlib::everything().into_bytes(),
    };
    threatflow::compile(root, &mut NoFiles, Options::new(support::fixed_today()))
}

fn rule_of(path: &Path) -> String {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    name.split('.').next().unwrap().to_string()
}

fn compile_fixture(path: &Path) -> Compilation {
    let compilation = support::compile_file(&support::repo_root().join("tests/rules"), path);
    assert!(
        compilation.diagnostics.is_empty(),
        "{} has diagnostics: {:?}",
        path.display(),
        compilation
            .diagnostics
            .iter()
            .map(|d| format!("{} {}", d.code.id(), d.message))
            .collect::<Vec<_>>()
    );
    compilation
}

#[test]
fn the_libraries_have_enough_rules() {
    let compilation = catalogue();
    assert!(!compilation.has_errors());
    let from = |file: &str| {
        compilation
            .rules
            .iter()
            .filter(|r| r.file == format!("<stdlib>/{file}.flow"))
            .count()
    };
    assert!(from("stride") >= 30, "stride has {}", from("stride"));
    assert!(
        from("serverless") >= 30,
        "serverless has {}",
        from("serverless")
    );
    let categories: BTreeSet<&str> = compilation
        .rules
        .iter()
        .flat_map(|r| r.stride.iter().map(String::as_str))
        .collect();
    assert_eq!(categories.len(), 6, "every STRIDE category is covered");
}

#[test]
fn every_rule_is_documented_and_has_both_fixtures() {
    let compilation = catalogue();
    let dir = support::repo_root().join("tests/rules");
    let mut ids = BTreeSet::new();
    for rule in &compilation.rules {
        ids.insert(rule.id.clone());
        for (part, text) in [
            ("what", &rule.what),
            ("why", &rule.why),
            ("example", &rule.example),
            ("fix", &rule.fix_text),
        ] {
            assert!(
                text.as_ref().is_some_and(|t| !t.trim().is_empty()),
                "{} has no `{part}`",
                rule.id
            );
        }
        for kind in ["fires", "quiet"] {
            let path = dir.join(format!("{}.{kind}.flow", rule.id));
            assert!(path.exists(), "{} is missing", path.display());
        }
    }
    for path in support::flow_files(&dir) {
        assert!(
            ids.contains(&rule_of(&path)),
            "{} belongs to no rule",
            path.display()
        );
    }
}

#[test]
fn fires_fixtures_trigger_their_rule() {
    insta::glob!("rules/*.fires.flow", |path| {
        let rule = rule_of(path);
        let compilation = compile_fixture(path);
        let findings: Vec<_> = compilation
            .findings
            .iter()
            .filter(|f| f.rule.id == *rule)
            .cloned()
            .collect();
        assert!(!findings.is_empty(), "{rule} did not fire");
        let text = render_findings(
            &findings,
            &compilation.unit.sources,
            &compilation.texts(),
            ColorChoice::Never,
        );
        insta::with_settings!({ omit_expression => true, prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(text);
        });
    });
}

#[test]
fn quiet_fixtures_do_not_trigger_their_rule() {
    let files = support::flow_files(&support::repo_root().join("tests/rules"));
    let quiet: Vec<_> = files
        .iter()
        .filter(|p| p.to_string_lossy().ends_with(".quiet.flow"))
        .collect();
    assert!(quiet.len() >= 60);
    for path in quiet {
        let rule = rule_of(path);
        let compilation = compile_fixture(path);
        let fired: Vec<String> = compilation
            .findings
            .iter()
            .filter(|f| f.rule.id == *rule)
            .map(|f| f.id().to_string())
            .collect();
        assert!(
            fired.is_empty(),
            "{rule} fired on the quiet fixture: {fired:?}"
        );
    }
}
