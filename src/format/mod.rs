//! `fmt`: the one canonical layout of a `.flow` file.
//!
//! Formatting works on one file's syntax tree and comments; it never resolves names, so any
//! file that parses can be formatted. A file with syntax errors is refused, because the parts
//! that did not parse are not in the tree and would be lost. The result is checked before it
//! is returned: it must parse, keep every comment and format to itself.

mod layout;
mod printer;

use crate::diagnostic::Diagnostic;
use crate::span::FileId;
use crate::syntax;
use std::borrow::Cow;

/// Why a file was not formatted.
#[derive(Debug)]
pub enum FormatError {
    /// The file has syntax errors; they are returned for the user.
    Syntax(Vec<Diagnostic>),
    /// The formatter produced text that fails its own checks (a bug; nothing is written).
    Internal(String),
}

/// Formats the text of one file (`file` is its id, for diagnostics). CRLF line ends are
/// repaired: the text is formatted with the carriage returns before each line feed dropped, so
/// none is left anywhere, in text kept as written (a commented `where` clause) too.
pub fn format(file: FileId, text: &str) -> Result<String, FormatError> {
    let text = line_feeds_only(text);
    let formatted = format_once(file, &text)?;
    let again = format_once(file, &formatted)
        .map_err(|_| FormatError::Internal("the formatted text does not parse".to_string()))?;
    if again != formatted {
        return Err(FormatError::Internal(
            "formatting is not stable on this file".to_string(),
        ));
    }
    Ok(formatted)
}

/// `text` without the carriage returns that come before a line feed (however many there are);
/// a carriage return followed by anything else stays.
fn line_feeds_only(text: &str) -> Cow<'_, str> {
    if !text.contains("\r\n") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        match line.strip_suffix('\n') {
            Some(line) => {
                out.push_str(line.trim_end_matches('\r'));
                out.push('\n');
            }
            None => out.push_str(line),
        }
    }
    Cow::Owned(out)
}

fn format_once(file: FileId, text: &str) -> Result<String, FormatError> {
    let parsed = syntax::parse(file, text);
    let errors: Vec<Diagnostic> = parsed
        .diagnostics
        .into_iter()
        .filter(Diagnostic::is_error)
        .collect();
    if !errors.is_empty() {
        return Err(FormatError::Syntax(errors));
    }
    let mut printer = printer::Printer::new(text, &parsed.comments);
    layout::items(&mut printer, &parsed.file.items);
    let out = printer.finish();
    let kept = syntax::scan::scan(file, &out).comments.len();
    if kept != parsed.comments.len() {
        return Err(FormatError::Internal(format!(
            "the formatter kept {kept} of {} comments",
            parsed.comments.len()
        )));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::line_feeds_only;

    #[test]
    fn only_carriage_returns_before_a_line_feed_go() {
        assert_eq!(line_feeds_only("a\r\r\nb\rc\r\n\rd\r"), "a\nb\rc\n\rd\r");
        assert!(matches!(
            line_feeds_only("a\nb\r"),
            std::borrow::Cow::Borrowed("a\nb\r")
        ));
    }
}
