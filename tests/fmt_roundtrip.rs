//! `fmt` over every example and fixture: formatting is stable (formatting twice equals
//! formatting once), keeps every comment, and the formatted model resolves to the same model
//! with the same diagnostics (apart from the encoding errors formatting repairs: a byte-order
//! mark and CRLF line ends).

mod support;

use std::path::Path;
use threatflow::diagnostic::Code;
use threatflow::format::{FormatError, format};
use threatflow::span::FileId;

fn meaning(base: &Path, name: &str, bytes: Vec<u8>) -> (serde_json::Value, Vec<(String, String)>) {
    let compilation = support::compile_bytes(base, name, bytes);
    let model = serde_json::to_value(&compilation.model).expect("the model serializes");
    let repaired_by_fmt = [Code::ByteOrderMark, Code::CrlfLineEnds];
    let diagnostics = compilation
        .diagnostics
        .iter()
        .filter(|d| !repaired_by_fmt.contains(&d.code))
        .map(|d| (d.code.id().to_string(), d.message.clone()))
        .collect();
    (model, diagnostics)
}

#[test]
fn formatting_is_stable_and_keeps_the_meaning() {
    let files = support::flow_files_under(&["examples", "tests/fixtures", "tests/rules", "stdlib"]);
    let mut formatted_count = 0;
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let Ok(text) = std::str::from_utf8(&bytes) else {
            continue;
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let formatted = match format(FileId(0), text) {
            Ok(formatted) => formatted,
            Err(FormatError::Syntax(_)) => continue,
            Err(FormatError::Internal(reason)) => panic!("{}: {reason}", path.display()),
        };
        formatted_count += 1;
        let again = format(FileId(0), &formatted).expect("formatted text formats");
        assert_eq!(
            again,
            formatted,
            "{}: formatting twice differs",
            path.display()
        );

        let base = path.parent().unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let before = meaning(base, &name, bytes.clone());
        let after = meaning(base, &name, formatted.clone().into_bytes());
        assert_eq!(
            before.0,
            after.0,
            "{}: the formatted model differs",
            path.display()
        );
        assert_eq!(
            before.1,
            after.1,
            "{}: the diagnostics differ",
            path.display()
        );
    }
    assert!(
        formatted_count >= 50,
        "only {formatted_count} files formatted"
    );
}

#[test]
fn examples_and_stdlib_are_formatted() {
    for path in support::flow_files_under(&["examples", "stdlib"]) {
        let text = std::fs::read_to_string(&path).unwrap();
        let formatted = format(FileId(0), &text).unwrap();
        assert_eq!(formatted, text, "{} is not formatted", path.display());
    }
}

#[test]
fn comments_survive_in_place() {
    let text = "// head\nmodel \"M\" { // brace\n  owner \"t\" // trailing\n}\n\n// tail\n";
    let formatted = format(FileId(0), text).unwrap();
    assert_eq!(
        formatted,
        "// head\nmodel \"M\" { // brace\n  owner \"t\" // trailing\n}\n\n// tail\n"
    );
}

#[test]
fn syntax_errors_are_refused() {
    let result = format(FileId(0), "model \"M\" { owner = \"t\" }\n");
    assert!(matches!(result, Err(FormatError::Syntax(d)) if !d.is_empty()));
}

#[test]
fn canonical_layout() {
    let text = "flow a->b \"x\" { data A, B  protocol https }\nactor  a {}\nboundary z { }\n";
    let formatted = format(FileId(0), text).unwrap();
    assert_eq!(
        formatted,
        "flow a -> b \"x\" {\n  data     A, B\n  protocol https\n}\nactor a\nboundary z\n"
    );
}

/// Formats `text`, which has CRLF line ends, and checks that the result has none, formats to
/// itself and means what `repaired` (the text with LF line ends) means; the formatted text and
/// that meaning.
fn formats_as_repaired(
    text: &str,
    repaired: &str,
) -> (String, (serde_json::Value, Vec<(String, String)>)) {
    let formatted = format(FileId(0), text).unwrap();
    assert!(!formatted.contains('\r'), "{formatted:?}");
    assert_eq!(format(FileId(0), &formatted).unwrap(), formatted);
    let base = support::repo_root();
    let before = meaning(&base, "crlf.flow", repaired.as_bytes().to_vec());
    let after = meaning(&base, "crlf.flow", formatted.clone().into_bytes());
    assert_eq!(before, after);
    (formatted, after)
}

/// Found by the `fmt` fuzz target (twice): a CRLF line end is an error that stops the later stages (so
/// a headerless file gets no TF0701 warning); the formatted file, with LF line ends, means what
/// the repaired text means — the same model, and the warning the repair lets through.
#[test]
fn formatting_a_crlf_file_means_what_its_repaired_text_means() {
    let text = "// a header-less file\nclassification card \"Card data\" {\n  level 4\n  logs  forbidden\n}\ndata Card : card\n\r\nprocess api\r\r\r\n";
    // fmt drops every carriage return before a line feed, however many there are.
    let repaired = text.replace("\r\r\r\n", "\n").replace("\r\n", "\n");
    let (_, (_, diagnostics)) = formats_as_repaired(text, &repaired);
    assert!(
        diagnostics.iter().any(|(code, _)| code == "TF0701"),
        "{diagnostics:?}"
    );
}

/// Found by fuzzing: a `where` clause with a comment inside is kept as written, and its CRLF
/// line end (after the comment) was kept too, so the formatted file still had the CRLF error.
#[test]
fn a_crlf_line_end_inside_a_commented_where_clause_is_repaired() {
    let text = "model \"M\" { owner \"t\" }\nactor a\nrule X-1 \"x\" {\n  for actor x\n  \
                where x.exposed or // a note\r\n    x.exposd\r\r\n  severity low\n  \
                stride spoofing\n  message \"m\"\n}\n";
    let repaired = text.replace("\r\r\n", "\n").replace("\r\n", "\n");
    let (formatted, (_, diagnostics)) = formats_as_repaired(text, &repaired);
    assert!(formatted.contains("// a note\n"), "{formatted:?}");
    // The formatted file's rule is checked (a CRLF error stops before), and its misspelt
    // attribute reported.
    assert!(
        diagnostics.iter().any(|(code, _)| code == "TF0805"),
        "{diagnostics:?}"
    );
}
