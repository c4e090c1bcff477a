//! `fmt` round trip: formatting formatted text changes nothing, and formatting keeps the model
//! (the same elements, flows, boundaries and attributes) and its diagnostics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use threatflow::compile::Options;
use threatflow::format::format;
use threatflow::load::{LoadedFile, NoFiles};
use threatflow::span::FileId;

fn meaning(text: &str) -> (serde_json::Value, Vec<String>) {
    let root = LoadedFile {
        key: "fuzz.flow".into(),
        name: "fuzz.flow".into(),
        bytes: text.as_bytes().to_vec(),
    };
    let today = time::Date::from_calendar_date(2026, time::Month::June, 1).unwrap();
    let compilation = threatflow::compile(root, &mut NoFiles, Options::new(today));
    let model = serde_json::to_value(&compilation.model).expect("the model serializes");
    let codes = compilation
        .diagnostics
        .iter()
        .map(|d| d.code.id().to_string())
        .collect();
    (model, codes)
}

fuzz_target!(|text: &str| {
    let Ok(formatted) = format(FileId(0), text) else {
        return;
    };
    let again = format(FileId(0), &formatted).expect("formatted text formats");
    assert_eq!(again, formatted, "formatting is not idempotent");
    // A byte-order mark and CRLF line ends are errors that stop the later stages; `fmt` repairs
    // them, so the formatted text means what the repaired text means.
    // (Every carriage return before a line feed goes, however many there are.)
    let mut repaired = text.trim_start_matches('\u{feff}').to_string();
    while repaired.contains("\r\n") {
        repaired = repaired.replace("\r\n", "\n");
    }
    assert_eq!(meaning(&repaired), meaning(&formatted), "formatting changed the model");
});
