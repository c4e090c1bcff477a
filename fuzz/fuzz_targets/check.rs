//! The `.flow` front end and the whole check on arbitrary bytes: parse, resolve, graph, rules,
//! findings, and the findings printed (their texts are filled in only then). Must never panic,
//! whatever the input. A model without errors is also reported as JSON, and the report's bytes
//! must be those serde_json's pretty printer writes for the same view, and compiled again making
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
        let expected = serde_json::to_string_pretty(&view).expect("the view serializes") + "\n";
        assert_eq!(written, expected);
        let limit = bytes.first().map_or(0, |b| usize::from(b % 4));
        let few = compile(bytes, Keep::FirstOfEachRule(limit));
        assert_eq!(as_check_prints(&few, limit), as_check_prints(&compilation, limit));
    }
});
