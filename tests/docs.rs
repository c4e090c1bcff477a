//! The documentation stays true: every diagnostic code is documented, and every source module
//! starts with a `//!` header saying what it is for.

mod support;

use std::path::{Path, PathBuf};
use threatflow::diagnostic::Code;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_code_is_documented_with_its_title() {
    let docs = std::fs::read_to_string(repo().join("docs/diagnostics.md")).unwrap();
    for code in Code::ALL {
        let heading = format!("## {}: {}", code.id(), code.title());
        assert!(
            docs.contains(&heading),
            "docs/diagnostics.md lacks `{heading}`"
        );
    }
    let headings = docs.lines().filter(|l| l.starts_with("## TF")).count();
    assert_eq!(
        headings,
        Code::ALL.len(),
        "a documented code does not exist"
    );
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_module_has_a_header() {
    let mut files = Vec::new();
    rust_files(&repo().join("src"), &mut files);
    rust_files(&repo().join("tests"), &mut files);
    assert!(files.len() > 20);
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            text.starts_with("//!"),
            "{} has no //! header",
            file.display()
        );
    }
}

#[test]
fn the_language_guide_covers_every_declaration() {
    let guide = std::fs::read_to_string(repo().join("docs/language.md")).unwrap();
    for keyword in [
        "model",
        "use",
        "classification",
        "data",
        "boundary",
        "flow",
        "kind",
        "role",
        "capability",
        "rule",
        "accept",
        "attr",
    ] {
        let shown = guide
            .lines()
            .any(|line| line.trim_start().starts_with(&format!("{keyword} ")));
        assert!(shown, "docs/language.md shows no `{keyword}` declaration");
    }
}

#[test]
fn every_example_in_the_language_guide_parses() {
    let guide = std::fs::read_to_string(repo().join("docs/language.md")).unwrap();
    let mut blocks = 0;
    let mut rest = guide.as_str();
    while let Some(start) = rest.find("```flow\n") {
        let body = &rest[start + 8..];
        let end = body.find("```").expect("a closed code block");
        let parsed = threatflow::syntax::parse(threatflow::span::FileId(0), &body[..end]);
        assert!(
            parsed.diagnostics.is_empty(),
            "an example does not parse:\n{}\n{:#?}",
            &body[..end],
            parsed.diagnostics
        );
        blocks += 1;
        rest = &body[end + 3..];
    }
    assert!(blocks >= 10, "only {blocks} examples");
}

#[test]
fn the_readme_example_checks_clean() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let start = readme.find("```flow\n").expect("the README shows a model") + 8;
    let end = start + readme[start..].find("```").unwrap();
    let compilation = support::compile_bytes(
        &repo(),
        "README.flow",
        readme.as_bytes()[start..end].to_vec(),
    );
    let problems: Vec<&str> = compilation
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(compilation.model.flows.len(), 3);
}

/// The rule ids `docs/coverage.md` names.
fn coverage_rule_ids(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut ids = Vec::new();
    for i in 0..bytes.len().saturating_sub(6) {
        let word = &bytes[i..i + 7];
        let boundary = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        if boundary
            && word[..3].iter().all(u8::is_ascii_uppercase)
            && word[3] == b'-'
            && word[4..].iter().all(u8::is_ascii_digit)
        {
            ids.push(String::from_utf8_lossy(word).into_owned());
        }
    }
    ids
}

#[test]
fn the_coverage_map_names_real_rules() {
    let coverage = std::fs::read_to_string(repo().join("docs/coverage.md")).unwrap();
    let root = threatflow::load::LoadedFile {
        key: "<catalogue>".into(),
        name: "<catalogue>".into(),
        bytes: threatflow::stdlib::everything().into_bytes(),
    };
    let catalogue = threatflow::compile(
        root,
        &mut threatflow::load::NoFiles,
        threatflow::compile::Options::new(support::fixed_today()),
    );
    let known: Vec<&str> = catalogue.rules.iter().map(|r| r.id.as_str()).collect();
    let named = coverage_rule_ids(&coverage);
    assert!(named.len() > 100);
    for id in named {
        assert!(
            known.contains(&id.as_str()),
            "coverage.md names `{id}`, which is no rule"
        );
    }
}

#[test]
fn the_coverage_map_lists_every_reference_rule() {
    let reference = repo().join("../shared/reference");
    if !reference.exists() {
        eprintln!(
            "skipped: ../shared/reference is not here (a fresh clone); the rule ids above are still checked"
        );
        return;
    }
    let coverage = std::fs::read_to_string(repo().join("docs/coverage.md")).unwrap();
    for (file, what) in [
        ("threagile_rules.txt", "Threagile rule"),
        ("mstmt_sdl_core_threat_types.txt", "TMT threat type"),
    ] {
        let text = std::fs::read_to_string(reference.join(file)).unwrap();
        for line in text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        {
            let id = line.split('|').next().unwrap().trim();
            let listed = coverage.lines().filter(|l| l.starts_with("| ")).any(|l| {
                l[2..]
                    .split(" |")
                    .next()
                    .unwrap()
                    .split(", ")
                    .any(|c| c == id)
            });
            assert!(listed, "docs/coverage.md does not map the {what} `{id}`");
        }
    }
}
