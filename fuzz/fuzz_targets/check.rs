//! The `.flow` front end and the whole check on arbitrary bytes: parse, resolve, graph, rules,
//! findings, and the findings printed (their texts are filled in only then). Must never panic,
//! whatever the input. A model without errors is also reported as JSON, and the report must be
//! JSON with one item of a list on each line, every element, flow and finding listed and every
//! finding's rule in its `rules`; and compiled again making
//! only the first findings of each rule (as `check`'s text does), it must print, count and
//! warn exactly as the compilation that made every finding.
#![no_main]

use libfuzzer_sys::fuzz_target;
use threatflow::Compilation;
use threatflow::compile::Options;
use threatflow::diagnostic::ColorChoice;
use threatflow::findings::{Keep, summary, write_findings_limited};
use threatflow::load::{LoadedFile, NoFiles};

fn compile(bytes: &[u8], keep: Keep) -> Compilation {
    let root = LoadedFile {
        key: "fuzz.flow".into(),
        name: "fuzz.flow".into(),
        bytes: bytes.to_vec(),
    };
    let today = time::Date::from_calendar_date(2026, time::Month::June, 1).unwrap();
    let options = Options {
        keep,
        ..Options::new(today)
    };
    threatflow::compile(root, &mut NoFiles, options)
}

/// What `check` prints with at most `limit` findings of each rule, its summary and warnings.
fn as_check_prints(compilation: &Compilation, limit: usize) -> (String, usize, String, Vec<String>) {
    let mut out = Vec::new();
    let not_printed = write_findings_limited(
        &mut out,
        &compilation.findings,
        &compilation.left_out,
        &compilation.unit.sources,
        &compilation.texts(),
        ColorChoice::Never,
        Some(limit),
    )
    .expect("writing to memory succeeds");
    let diagnostics = compilation
        .diagnostics
        .iter()
        .map(|d| d.message.clone())
        .collect();
    (
        String::from_utf8(out).expect("UTF-8"),
        not_printed,
        summary(&compilation.findings, &compilation.left_out),
        diagnostics,
    )
}

fuzz_target!(|bytes: &[u8]| {
    let compilation = compile(bytes, Keep::All);
    for diagnostic in &compilation.diagnostics {
        assert!(!diagnostic.message.is_empty());
    }
    let texts = compilation.texts();
    let printed = threatflow::findings::render_findings(
        &compilation.findings,
        &compilation.unit.sources,
        &texts,
        threatflow::diagnostic::ColorChoice::Never,
    );
    assert_eq!(printed.is_empty(), compilation.findings.is_empty());
    if !compilation.has_errors() {
        let view = threatflow::report::ReportView::new(&compilation);
        let written = threatflow::report::json::render(&view);
        check_report(&written, &view);
        let limit = bytes.first().map_or(0, |b| usize::from(b % 4));
        let few = compile(bytes, Keep::FirstOfEachRule(limit));
        assert_eq!(as_check_prints(&few, limit), as_check_prints(&compilation, limit));
    }
});

/// The JSON report of `view`, as `docs/report-schema.json` lays it out: one whole item of a list
/// on each line four spaces in, every item of the view listed, every finding's rule in `rules`.
fn check_report(written: &str, view: &threatflow::report::ReportView) {
    use serde_json::Value;
    let report: Value = serde_json::from_str(written).expect("the report is JSON");
    let lists = ["rules", "kinds", "elements", "flows", "boundaries", "data", "findings"];
    let items: usize = lists
        .iter()
        .map(|key| report[key].as_array().expect("a list").len())
        .sum();
    let lines = written.lines().filter(|line| line.starts_with("    "));
    let mut count = 0;
    for line in lines {
        let item = line.trim_start().trim_end_matches(',');
        serde_json::from_str::<Value>(item).expect("a line holds one whole item");
        count += 1;
    }
    assert_eq!(count, items);
    assert_eq!(report["elements"].as_array().unwrap().len(), view.elements.len());
    assert_eq!(report["flows"].as_array().unwrap().len(), view.flows.len());
    assert_eq!(report["findings"].as_array().unwrap().len(), view.findings.len());
    let rules: std::collections::BTreeSet<&str> = report["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|rule| rule["id"].as_str().expect("a rule id"))
        .collect();
    for finding in view.findings {
        assert!(rules.contains(finding.rule.id.as_str()));
    }
}
