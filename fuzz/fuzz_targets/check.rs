//! The `.flow` front end and the whole check on arbitrary bytes: parse, resolve, graph, rules,
//! findings, and the findings printed (their texts are filled in only then). Must never panic,
//! whatever the input. A model without errors is also reported as JSON, and the report's bytes
//! must be those serde_json's pretty printer writes for the same view.
#![no_main]

use libfuzzer_sys::fuzz_target;
use threatflow::compile::Options;
use threatflow::load::{LoadedFile, NoFiles};

fuzz_target!(|bytes: &[u8]| {
    let root = LoadedFile {
        key: "fuzz.flow".into(),
        name: "fuzz.flow".into(),
        bytes: bytes.to_vec(),
    };
    let today = time::Date::from_calendar_date(2026, time::Month::June, 1).unwrap();
    let compilation = threatflow::compile(root, &mut NoFiles, Options::new(today));
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
    }
});
