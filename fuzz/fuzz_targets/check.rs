//! The `.flow` front end and the whole check on arbitrary bytes: parse, resolve, graph, rules,
//! findings. Must never panic, whatever the input.
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
});
