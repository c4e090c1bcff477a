//! The JSON report's writer against serde_json: for any JSON document (and any text, as one
//! string), it writes the bytes serde_json's pretty printer writes at any depth into a document,
//! and in compact form those of serde_json's compact writer.
#![no_main]

use libfuzzer_sys::fuzz_target;
use threatflow::report::pretty;

/// serde_json's pretty layout of `value`, as if it started `depth` levels into a document.
fn serde_json_at(value: &serde_json::Value, depth: usize) -> String {
    let text = serde_json::to_string_pretty(value).expect("a JSON value serializes");
    let indent = "  ".repeat(depth);
    text.replace('\n', &format!("\n{indent}"))
}

fn ours_at(value: &serde_json::Value, depth: usize) -> String {
    let mut out = Vec::new();
    pretty::to_vec_at(&mut out, depth, value).expect("a JSON value serializes");
    String::from_utf8(out).expect("the writer writes UTF-8")
}

fn ours_compact(value: &serde_json::Value) -> String {
    let mut out = Vec::new();
    pretty::to_vec_compact(&mut out, value).expect("a JSON value serializes");
    String::from_utf8(out).expect("the writer writes UTF-8")
}

fuzz_target!(|bytes: &[u8]| {
    let depth = bytes.first().map_or(0, |b| usize::from(b % 40));
    let text = String::from_utf8_lossy(bytes);
    let as_string = serde_json::Value::String(text.to_string());
    assert_eq!(ours_at(&as_string, depth), serde_json_at(&as_string, depth));
    assert_eq!(ours_compact(&as_string), serde_json::to_string(&as_string).unwrap());
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes) {
        assert_eq!(ours_at(&value, depth), serde_json_at(&value, depth));
        assert_eq!(ours_compact(&value), serde_json::to_string(&value).unwrap());
    }
});
