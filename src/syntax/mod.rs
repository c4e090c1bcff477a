//! Parsing: `.flow` text to a syntax tree, its comments and syntax diagnostics.
//!
//! The lexical pre-pass ([`scan`]) runs first and guards the parser against deep nesting and
//! broken strings; pest then parses with recovery at declaration, member and attribute level,
//! so one run reports every syntax error; [`lower`] turns pest's pairs into the [`ast`].

pub mod ast;
mod errors;
mod grammar;
mod lower;
pub mod scan;

use crate::diagnostic::Diagnostic;
use crate::span::FileId;
pub use lower::parse_placeholder;
pub use scan::{Comment, MAX_NESTING};

/// A parsed file.
pub struct Parsed {
    pub file: ast::File,
    pub comments: Vec<Comment>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses the text of file `file`. Never fails: problems are returned as diagnostics.
pub fn parse(file: FileId, text: &str) -> Parsed {
    let scanned = scan::scan(file, text);
    if scanned.diagnostics.iter().any(Diagnostic::is_error) {
        return Parsed {
            file: ast::File::default(),
            comments: scanned.comments,
            diagnostics: scanned.diagnostics,
        };
    }
    let (ast, diagnostics) = lower::parse_file(file, text);
    Parsed {
        file: ast,
        comments: scanned.comments,
        diagnostics,
    }
}

#[cfg(test)]
mod tests;
