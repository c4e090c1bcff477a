//! Parsing: `.flow` text to a syntax tree, its comments and syntax diagnostics.
//!
//! The lexical pre-pass ([`scan`]) runs first and guards the parsers against deep nesting and
//! broken strings. Then the hand-written [`descent`] parser reads well-formed text straight into
//! the [`ast`]; when it gives up (any error, anything unusual), pest parses with recovery at
//! declaration, member and attribute level, so one run reports every syntax error, and
//! [`lower`] turns pest's pairs into the same tree.

pub mod ast;
mod descent;
mod errors;
mod grammar;
mod lower;
pub mod scan;

use crate::diagnostic::Diagnostic;
use crate::span::FileId;
pub use scan::{Comment, MAX_NESTING};

/// The words that start a declaration (the grammar's `keyword`): an element declaration may
/// not start with one, and a misspelling of one gets a "did you mean".
const DECLARATION_KEYWORDS: [&str; 11] = [
    "model",
    "use",
    "role",
    "capability",
    "kind",
    "classification",
    "data",
    "boundary",
    "flow",
    "rule",
    "accept",
];

/// The most operators (`not`, `and`, `or`, comparisons, `.` accesses and `=>`) one expression
/// may have, everything nested in it included. Together with [`MAX_NESTING`] this bounds the
/// depth of every expression tree, so no expression can exhaust the stack of the parsers, the
/// checker or the interpreter; real rules use a few dozen.
pub const MAX_EXPRESSION_OPERATORS: usize = 256;

/// The smallest piece of a file parsed on a core of its own: smaller files are parsed at once.
const PIECE: usize = 256 * 1024;

/// How many pieces per core a large file is cut into for the lexical pre-pass, whose pieces
/// cost alike.
const SCAN_PIECES_PER_CORE: usize = 2;

/// How many pieces per core a large file is cut into for parsing: a piece can only end
/// between top-level declarations, and one declaration may be half the file, so small pieces
/// let the other cores parse the rest meanwhile.
const PARSE_PIECES_PER_CORE: usize = 16;

/// The length of the pieces `text` is cut into, `per_core` pieces for each core, at least
/// [`PIECE`].
fn piece_length(text: &str, per_core: usize) -> usize {
    text.len()
        .div_ceil(per_core * rayon::current_num_threads().max(1))
        .max(PIECE)
}

/// A parsed file.
pub struct Parsed {
    pub file: ast::File,
    pub comments: Vec<Comment>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses the text of file `file`. Never fails: problems are returned as diagnostics.
pub fn parse(file: FileId, text: &str) -> Parsed {
    let scanned = scan::scan_in_pieces(file, text, piece_length(text, SCAN_PIECES_PER_CORE));
    if scanned.diagnostics.iter().any(Diagnostic::is_error) {
        return Parsed {
            file: ast::File::default(),
            comments: scanned.comments,
            diagnostics: scanned.diagnostics,
        };
    }
    let piece = piece_length(text, PARSE_PIECES_PER_CORE);
    if let Some(ast) = descent::parse_in_pieces(file, text, &scanned.top_level_lines, piece) {
        return Parsed {
            file: ast,
            comments: scanned.comments,
            diagnostics: Vec::new(),
        };
    }
    let (ast, diagnostics) = lower::parse_file(file, text);
    Parsed {
        file: ast,
        comments: scanned.comments,
        diagnostics,
    }
}

/// Parses the expression of a `{placeholder}` whose text starts at byte `offset` of its file;
/// `None` when it is not an expression, or nests brackets deeper than [`MAX_NESTING`] (the
/// caller reports it, with the placeholder's span). The fast path reads it when it can; the
/// reference parser decides otherwise.
pub fn parse_placeholder(file: FileId, text: &str, offset: usize) -> Option<ast::Expr> {
    descent::parse_placeholder(file, text, offset)
        .or_else(|| lower::parse_placeholder(file, text, offset))
}

/// Whether `text` nests brackets deeper than [`MAX_NESTING`]: text the lexical pre-pass has not
/// seen (a placeholder) is checked with this before a parser, which recurses, reads it.
fn nests_too_deep(text: &str) -> bool {
    let mut depth: usize = 0;
    for byte in text.bytes() {
        match byte {
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return true;
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

/// The two parsers on their own, for the tests and the fuzz target that hold them together:
/// the fast path (`None` when it gives up) and the reference parser (pest, with recovery).
#[doc(hidden)]
pub mod reference {
    use super::{ast, descent, lower};
    use crate::diagnostic::Diagnostic;
    use crate::span::FileId;

    pub fn fast(file: FileId, text: &str) -> Option<ast::File> {
        descent::parse(file, text)
    }

    /// A placeholder's expression read by the fast path (`None` when it gives up).
    pub fn fast_placeholder(file: FileId, text: &str, offset: usize) -> Option<ast::Expr> {
        descent::parse_placeholder(file, text, offset)
    }

    /// A placeholder's expression read by the reference parser.
    pub fn pest_placeholder(file: FileId, text: &str, offset: usize) -> Option<ast::Expr> {
        lower::parse_placeholder(file, text, offset)
    }

    /// The fast path cutting the text into pieces of at least `piece` bytes, wherever the
    /// lexical pre-pass lets it, without parsing the whole text when a piece gives up (`None`
    /// when the pre-pass rejects the text).
    pub fn fast_in_pieces(file: FileId, text: &str, piece: usize) -> Option<Option<ast::File>> {
        let scanned = super::scan::scan(file, text);
        if scanned.diagnostics.iter().any(Diagnostic::is_error) {
            return None;
        }
        let pieces = descent::cuts(text, &scanned.top_level_lines, piece);
        Some(descent::parse_pieces(file, text, pieces))
    }

    pub fn pest(file: FileId, text: &str) -> (ast::File, Vec<Diagnostic>) {
        lower::parse_file(file, text)
    }
}

#[cfg(test)]
mod tests;
