//! The fast parser against the reference (pest) parser on arbitrary text: whenever the fast
//! one returns a tree, whole or cut into pieces wherever it may cut, pest reports nothing and
//! builds the same tree, spans included. The same text read as a message's `{placeholder}`:
//! whenever the fast parser reads an expression, pest reads the same one. The lexical
//! pre-pass finds the same whether the text is scanned at once or in pieces.
#![no_main]

use libfuzzer_sys::fuzz_target;
use threatflow::span::FileId;
use threatflow::syntax::reference;
use threatflow::syntax::scan::{scan, scan_in_pieces};

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    if let Some(fast) = reference::fast_placeholder(FileId(0), text, 7) {
        let pest = reference::pest_placeholder(FileId(0), text, 7);
        assert!(pest.as_ref() == Some(&fast), "the placeholders differ");
    }
    let scanned = scan(FileId(0), text);
    for piece in [1, 16] {
        let cut = scan_in_pieces(FileId(0), text, piece);
        assert!(cut.top_level_lines == scanned.top_level_lines, "the top-level lines differ");
        assert!(cut.comments == scanned.comments, "the comments differ");
        assert!(cut.diagnostics == scanned.diagnostics, "the diagnostics differ");
    }
    if scanned.diagnostics.iter().any(|d| d.is_error()) {
        return;
    }
    let whole = reference::fast(FileId(0), text);
    let pieces = reference::fast_in_pieces(FileId(0), text, 1).flatten();
    if whole.is_some() || pieces.is_some() {
        let (tree, diagnostics) = reference::pest(FileId(0), text);
        assert!(diagnostics.is_empty(), "accepted text pest reports");
        for fast in [whole, pieces].into_iter().flatten() {
            assert!(fast == tree, "the trees differ");
        }
    }
});
