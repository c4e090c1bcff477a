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

/// Why a file was not formatted.
#[derive(Debug)]
pub enum FormatError {
    /// The file has syntax errors; they are returned for the user.
    Syntax(Vec<Diagnostic>),
    /// The formatter produced text that fails its own checks (a bug; nothing is written).
    Internal(String),
}

/// Formats the text of one file (`file` is its id, for diagnostics).
pub fn format(file: FileId, text: &str) -> Result<String, FormatError> {
    let formatted = format_once(file, text)?;
    let again = format_once(file, &formatted)
        .map_err(|_| FormatError::Internal("the formatted text does not parse".to_string()))?;
    if again != formatted {
        return Err(FormatError::Internal(
            "formatting is not stable on this file".to_string(),
        ));
    }
    Ok(formatted)
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
