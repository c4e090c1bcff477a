//! A sweep over the real templates in `../shared/corpus` (skipped with a message when it is
//! absent): every template is read or rejected with a located error, never a panic, and the
//! figures are printed (`cargo test --test corpus -- --nocapture`).

mod support;

use std::path::{Path, PathBuf};
use threatflow::template::cloudformation;

fn templates(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            templates(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e == "yaml" || e == "yml" || e == "json" || e == "template")
        {
            out.push(path);
        }
    }
}

#[test]
fn every_corpus_template_is_read_or_rejected_with_a_location() {
    let corpus = support::repo_root().join("../shared/corpus");
    if !corpus.exists() {
        eprintln!(
            "skipped: ../shared/corpus is not here (a fresh clone); tests/drift covers the readers"
        );
        return;
    }
    let mut files = Vec::new();
    templates(&corpus.join("cfn-templates"), &mut files);
    templates(&corpus.join("sam-translator/input"), &mut files);
    templates(&corpus.join("sam-translator/output"), &mut files);
    files.sort();
    assert!(
        files.len() > 1000,
        "the corpus has {} templates",
        files.len()
    );
    // The translator's `error_*` outputs are error reports, not templates: they must be rejected.
    let (mut read, mut rejected, mut resources, mut error_cases, mut read_real) = (0, 0, 0, 0, 0);
    let mut reasons: std::collections::BTreeMap<String, usize> = Default::default();
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let Ok(text) = String::from_utf8(bytes) else {
            rejected += 1;
            *reasons.entry("not UTF-8".into()).or_default() += 1;
            continue;
        };
        let name = path.to_string_lossy().into_owned();
        let error_case = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("error_"));
        error_cases += usize::from(error_case);
        match std::panic::catch_unwind(|| cloudformation::read(&name, &text)) {
            Ok(Ok(deployment)) => {
                read += 1;
                read_real += usize::from(!error_case);
                resources += deployment.resources.len();
            }
            Ok(Err(error)) => {
                rejected += 1;
                assert!(error.line >= 1 && error.column >= 1, "{name}: {error:?}");
                if !error_case {
                    let reason: String = error.message.chars().take(90).collect();
                    *reasons.entry(reason).or_default() += 1;
                }
            }
            Err(_) => panic!("{name}: the reader panicked"),
        }
    }
    println!(
        "corpus: {} templates, {read} read ({resources} resources), {rejected} rejected",
        files.len()
    );
    for (reason, count) in &reasons {
        println!("  {count:>4}  {reason}");
    }
    let real = files.len() - error_cases;
    println!("  ({error_cases} are the translator's error_* cases)");
    println!("  {read_real} of the {real} templates that are not error cases read");
    assert!(
        read_real * 100 >= real * 97,
        "at least 97% of real templates read: {read_real} of {real}"
    );
}
