//! The lexical pre-pass: comments, strings and bracket nesting, checked before pest runs.
//!
//! The pass is a single loop with an explicit stack, so no input can overflow the call stack
//! here. It guarantees the parser (which recurses) only sees bracket nesting up to
//! [`MAX_NESTING`], terminated strings and balanced brackets; any error it reports means the
//! file is not handed to the parser. It also collects the comments, which the formatter keeps.

use crate::diagnostic::{Code, Diagnostic};
use crate::span::{FileId, Span};

/// The deepest bracket nesting (`{`, `(`, `[`) a file may use.
pub const MAX_NESTING: usize = 64;

/// At most this many control-character diagnostics are reported for one file.
const MAX_CONTROL_REPORTS: usize = 5;

/// A `//` comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// From `//` to the end of the line, without the line break.
    pub span: Span,
    /// True when only whitespace precedes the comment on its line.
    pub own_line: bool,
}

/// What the pre-pass found.
pub struct Scan {
    pub comments: Vec<Comment>,
    /// Errors here mean the file must not be parsed.
    pub diagnostics: Vec<Diagnostic>,
    /// The offsets of the lines that start with a letter outside every bracket: where a
    /// top-level declaration may begin, so the file can be parsed in pieces.
    pub top_level_lines: Vec<u32>,
}

/// The bytes the pre-pass acts on (line ends, a comment's first `/`, quotes and brackets): it
/// steps over every other byte with one look-up.
const STOPS: [bool; 256] = {
    let mut stops = [false; 256];
    let bytes = *b"\n/\"{([})]";
    let mut i = 0;
    while i < bytes.len() {
        stops[bytes[i] as usize] = true;
        i += 1;
    }
    stops
};

/// What the pre-pass acts on, as [`Lexer`] finds it.
enum Lexeme {
    /// A line that starts with a letter (not the text's first), at this offset: where a
    /// top-level declaration may begin, if no bracket is open.
    LetterLine(usize),
    Comment(Comment),
    /// A string from `start` not closed before its line's end, `end`.
    Unterminated {
        start: usize,
        end: usize,
    },
    Open {
        opener: u8,
        at: usize,
    },
    Close {
        closer: u8,
        at: usize,
    },
}

/// The lexemes of a range of a text that starts a line, in order: it steps over strings,
/// comments and every other byte, and keeps the start of the current line (for a comment's
/// `own_line`). [`scan`] and each piece of [`scan_in_pieces`] read the same lexemes and differ
/// only in what they do with the brackets.
struct Lexer<'t> {
    file: FileId,
    text: &'t str,
    at: usize,
    end: usize,
    line_start: usize,
}

impl<'t> Lexer<'t> {
    fn new(file: FileId, text: &'t str, range: std::ops::Range<usize>) -> Lexer<'t> {
        Lexer {
            file,
            text,
            at: range.start,
            end: range.end,
            line_start: range.start,
        }
    }
}

impl Iterator for Lexer<'_> {
    type Item = Lexeme;

    fn next(&mut self) -> Option<Lexeme> {
        let bytes = self.text.as_bytes();
        while self.at < self.end {
            let i = self.at;
            let byte = bytes[i];
            self.at += 1;
            if !STOPS[byte as usize] {
                continue;
            }
            match byte {
                b'\n' => {
                    self.line_start = i + 1;
                    if bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
                        return Some(Lexeme::LetterLine(i + 1));
                    }
                }
                b'/' if bytes.get(i + 1) == Some(&b'/') => {
                    let end = comment_end(bytes, i);
                    self.at = end;
                    return Some(Lexeme::Comment(Comment {
                        span: Span::new(self.file, i, end),
                        own_line: self.text[self.line_start..i].trim().is_empty(),
                    }));
                }
                b'"' => match string_end(bytes, i) {
                    Ok(end) => self.at = end,
                    Err(end) => {
                        self.at = end;
                        return Some(Lexeme::Unterminated { start: i, end });
                    }
                },
                b'{' | b'(' | b'[' => {
                    return Some(Lexeme::Open {
                        opener: byte,
                        at: i,
                    });
                }
                b'}' | b')' | b']' => {
                    return Some(Lexeme::Close {
                        closer: byte,
                        at: i,
                    });
                }
                // A `/` that starts no comment: no multi-byte character contains one of the
                // bytes above.
                _ => {}
            }
        }
        None
    }
}

/// The bracket that `closer` closes.
fn opener_of(closer: u8) -> u8 {
    match closer {
        b'}' => b'{',
        b')' => b'(',
        _ => b'[',
    }
}

pub fn scan(file: FileId, text: &str) -> Scan {
    let mut comments = Vec::new();
    let mut diagnostics = Vec::new();
    let mut open: Vec<(u8, usize)> = Vec::new();
    let mut top_level_lines = Vec::new();
    control_characters(file, text, &mut diagnostics);
    for lexeme in Lexer::new(file, text, 0..text.len()) {
        match lexeme {
            Lexeme::LetterLine(at) => {
                if open.is_empty() {
                    top_level_lines.push(at as u32);
                }
            }
            Lexeme::Comment(comment) => comments.push(comment),
            Lexeme::Unterminated { start, end } => diagnostics.push(
                Diagnostic::error(Code::UnterminatedString, "unterminated string")
                    .with_primary(Span::new(file, start, end), "this string is never closed")
                    .with_help(
                        "close the string with `\"` on the same line; strings cannot span lines",
                    ),
            ),
            Lexeme::Open { opener, at } => {
                open.push((opener, at));
                if open.len() > MAX_NESTING {
                    diagnostics.push(
                        Diagnostic::error(
                            Code::NestingTooDeep,
                            format!("brackets are nested more than {MAX_NESTING} levels deep"),
                        )
                        .with_primary(Span::new(file, at, at + 1), format!("level {}", open.len()))
                        .with_help(
                            "flatten the model: boundaries rarely need more than a few levels",
                        ),
                    );
                    return Scan {
                        comments,
                        diagnostics,
                        top_level_lines,
                    };
                }
            }
            Lexeme::Close { closer, at } => match open.pop() {
                Some((opener, _)) if opener == opener_of(closer) => {}
                Some((opener, opened)) => {
                    diagnostics.push(
                        Diagnostic::error(
                            Code::UnmatchedClose,
                            format!("`{}` does not close `{}`", closer as char, opener as char),
                        )
                        .with_primary(Span::new(file, at, at + 1), "unexpected closing bracket")
                        .with_secondary(
                            Span::new(file, opened, opened + 1),
                            "the innermost open bracket",
                        ),
                    );
                }
                None => {
                    diagnostics.push(
                        Diagnostic::error(
                            Code::UnmatchedClose,
                            format!("`{}` closes nothing", closer as char),
                        )
                        .with_primary(Span::new(file, at, at + 1), "no bracket is open here"),
                    );
                }
            },
        }
    }
    if let Some(&(opener, at)) = open.last() {
        let closer = match opener {
            b'{' => '}',
            b'(' => ')',
            _ => ']',
        };
        diagnostics.push(
            Diagnostic::error(
                Code::UnclosedBrace,
                format!("`{}` is never closed", opener as char),
            )
            .with_primary(Span::new(file, at, at + 1), "opened here")
            .with_secondary(
                Span::point(file, text.len()),
                format!("expected `{closer}` before the end of the file"),
            ),
        );
    }
    Scan {
        comments,
        diagnostics,
        top_level_lines,
    }
}

/// [`scan`] on every core: the text is cut at line ends ([`crate::lines::pieces`], pieces of at
/// least `piece` bytes), since strings and comments end with their line, and only the bracket
/// nesting carries from one piece to the next. Each piece is scanned with its own bracket
/// stack and the pieces are joined in order. Any problem (a diagnostic, a mismatched or
/// unclosed bracket, nesting too deep) sends the whole text through [`scan`], so that problems
/// are reported exactly as it reports them: this is only the way well-formed text is scanned.
pub fn scan_in_pieces(file: FileId, text: &str, piece: usize) -> Scan {
    use rayon::prelude::*;
    let bytes = text.as_bytes();
    let cut = crate::lines::pieces(bytes, piece);
    if cut.len() < 2 {
        return scan(file, text);
    }
    let scanned: Vec<Option<Piece>> = cut
        .into_par_iter()
        .map(|range| scan_piece(file, text, range))
        .collect();
    let mut joined = Scan {
        comments: Vec::new(),
        diagnostics: Vec::new(),
        top_level_lines: Vec::new(),
    };
    let mut open: Vec<u8> = Vec::new();
    for piece in scanned {
        let Some(piece) = piece else {
            return scan(file, text);
        };
        let below = open.len() as i64;
        if below + piece.deepest > MAX_NESTING as i64 {
            return scan(file, text);
        }
        joined.comments.extend(piece.comments);
        joined.top_level_lines.extend(
            piece
                .lines
                .iter()
                .filter(|(_, depth)| below + depth == 0)
                .map(|(at, _)| *at),
        );
        for closes in piece.closes_below {
            if open.pop() != Some(closes) {
                return scan(file, text);
            }
        }
        open.extend(piece.still_open);
    }
    if !open.is_empty() {
        return scan(file, text);
    }
    joined
}

/// What scanning one piece found, with its brackets counted from the piece's start.
struct Piece {
    comments: Vec<Comment>,
    /// The lines that start with a letter, each with the nesting depth there less the depth
    /// at the piece's start: a line is top-level when the two add up to nothing. Only lines at
    /// a depth of zero or less are kept.
    lines: Vec<(u32, i64)>,
    /// The openers of the brackets closed here that were opened before the piece, in order.
    closes_below: Vec<u8>,
    /// The brackets opened here and still open at its end, outermost first.
    still_open: Vec<u8>,
    /// The deepest nesting here, less the depth at the piece's start.
    deepest: i64,
}

/// Scans the piece `range` of `text` (which starts a line) as [`scan`] would; `None` when it
/// finds anything [`scan`] would report.
fn scan_piece(file: FileId, text: &str, range: std::ops::Range<usize>) -> Option<Piece> {
    let mut found = Vec::new();
    control_characters(file, &text[range.clone()], &mut found);
    if !found.is_empty() {
        return None;
    }
    let mut piece = Piece {
        comments: Vec::new(),
        lines: Vec::new(),
        closes_below: Vec::new(),
        still_open: Vec::new(),
        deepest: 0,
    };
    let depth = |piece: &Piece| piece.still_open.len() as i64 - piece.closes_below.len() as i64;
    for lexeme in Lexer::new(file, text, range) {
        match lexeme {
            Lexeme::LetterLine(at) => {
                if depth(&piece) <= 0 {
                    piece.lines.push((at as u32, depth(&piece)));
                }
            }
            Lexeme::Comment(comment) => piece.comments.push(comment),
            Lexeme::Unterminated { .. } => return None,
            Lexeme::Open { opener, .. } => {
                piece.still_open.push(opener);
                piece.deepest = piece.deepest.max(depth(&piece));
            }
            Lexeme::Close { closer, .. } => match piece.still_open.pop() {
                Some(open) if open == opener_of(closer) => {}
                Some(_) => return None,
                None => piece.closes_below.push(opener_of(closer)),
            },
        }
    }
    Some(piece)
}

/// Reports control characters other than tab and line breaks, anywhere (strings included).
fn control_characters(file: FileId, text: &str, diagnostics: &mut Vec<Diagnostic>) {
    // Byte-wise: C0 controls and DEL are single bytes, C1 controls (U+0080 to U+009F) are
    // 0xC2 followed by 0x80 to 0x9F; no other character's encoding contains those sequences.
    let bytes = text.as_bytes();
    // A quick look first: most files have no such byte. Each 64-byte block is checked whole,
    // without stopping at the first suspect byte and without a branch per byte (`&` and `|`,
    // not `&&` and `||`), so that the compiler vectorises the check: 2.3 times as fast.
    let suspect = |b: u8| {
        ((b < 0x20) & (b != b'\t') & (b != b'\r') & (b != b'\n')) | (b == 0x7f) | (b == 0xc2)
    };
    let block_suspect = |block: &[u8]| block.iter().fold(false, |any, &b| any | suspect(b));
    let mut blocks = bytes.chunks_exact(64);
    if !blocks.any(block_suspect) && !block_suspect(blocks.remainder()) {
        return;
    }
    let found = bytes.iter().enumerate().filter_map(|(i, &b)| {
        let control = (b < 0x20 && !matches!(b, b'\t' | b'\r' | b'\n'))
            || b == 0x7f
            || (b == 0xc2 && bytes.get(i + 1).is_some_and(|n| (0x80..0xa0).contains(n)));
        control.then(|| {
            (
                i,
                text[i..].chars().next().expect("a character starts here"),
            )
        })
    });
    for (i, c) in found.take(MAX_CONTROL_REPORTS) {
        diagnostics.push(
            Diagnostic::error(
                Code::ControlCharacter,
                format!("control character U+{:04X} in the source", c as u32),
            )
            .with_primary(Span::new(file, i, i + c.len_utf8()), "not allowed here")
            .with_help("remove it; only tabs and line breaks may appear besides printable text"),
        );
    }
}

/// The offset after the whitespace and `//` comments from `at` (the grammar's implicit
/// `WHITESPACE | COMMENT`), no further than `to`. Both parsers skip trivia with it.
pub(super) fn trivia_end(bytes: &[u8], mut at: usize, to: usize) -> usize {
    while at < to {
        match bytes[at] {
            b' ' | b'\t' | b'\n' | b'\r' => at += 1,
            b'/' if bytes.get(at + 1) == Some(&b'/') => at = comment_end(bytes, at).min(to),
            _ => break,
        }
    }
    at
}

/// Where the comment starting at `from` ends: at the first line feed or carriage return (the
/// grammar's `NEWLINE`), or the end of the text. A comment must end exactly where the parsers
/// end it, or brackets after a lone carriage return would escape the nesting check.
fn comment_end(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .map_or(bytes.len(), |p| from + p)
}

/// The offset just after the closing quote of the string opening at `start`, or `Err` with the
/// end of its line when the string is not closed on that line.
fn string_end(bytes: &[u8], start: usize) -> Result<usize, usize> {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => return Ok(i + 1),
            b'\\' if bytes.get(i + 1).is_some_and(|&b| b != b'\n' && b != b'\r') => i += 2,
            b'\n' | b'\r' => return Err(i),
            _ => i += 1,
        }
    }
    Err(bytes.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str) -> Vec<Code> {
        scan(FileId(0), text)
            .diagnostics
            .iter()
            .map(|d| d.code)
            .collect()
    }

    #[test]
    fn deep_nesting_stops_at_the_limit() {
        let text = "{".repeat(200_000);
        assert_eq!(codes(&text), vec![Code::NestingTooDeep]);
    }

    #[test]
    fn brackets_inside_strings_and_comments_do_not_count() {
        assert!(codes("a \"{(\" // }}}\nb { }").is_empty());
    }

    #[test]
    fn unclosed_and_unmatched_brackets() {
        assert_eq!(codes("a {"), vec![Code::UnclosedBrace]);
        assert_eq!(codes("a }"), vec![Code::UnmatchedClose]);
        assert_eq!(codes("a ( }"), vec![Code::UnmatchedClose]);
    }

    #[test]
    fn comments_know_whether_they_own_their_line() {
        let scan = scan(FileId(0), "// a\nx // b\r\n");
        assert_eq!(scan.comments.len(), 2);
        assert!(scan.comments[0].own_line);
        assert!(!scan.comments[1].own_line);
        assert_eq!(scan.comments[1].span.end, 11);
    }

    #[test]
    fn a_comment_ends_at_a_lone_carriage_return() {
        // The text after the carriage return is code to the parsers, so its brackets count.
        let text = format!("// x\r{}", "{".repeat(200));
        assert_eq!(codes(&text)[0], Code::NestingTooDeep);
        assert_eq!(scan(FileId(0), "// a\rb").comments[0].span.end, 4);
    }

    #[test]
    fn top_level_lines_are_those_outside_brackets_that_start_with_a_letter() {
        let text = "use aws\nboundary b {\n  actor a\nflow x\n}\nflow a -> b\n// c\n  data d\ndata \"{\"\nactor z";
        let starts: Vec<&str> = scan(FileId(0), text)
            .top_level_lines
            .iter()
            .map(|&at| text[at as usize..].lines().next().unwrap())
            .collect();
        assert_eq!(
            starts,
            ["boundary b {", "flow a -> b", "data \"{\"", "actor z"]
        );
    }

    /// `scan_in_pieces` with every piece length up to the text's, against `scan`.
    fn scans_alike_in_pieces(text: &str) {
        let whole = scan(FileId(0), text);
        for piece in 1..=text.len() + 1 {
            let cut = scan_in_pieces(FileId(0), text, piece);
            let at = format!("piece {piece} of {text:?}");
            assert_eq!(cut.top_level_lines, whole.top_level_lines, "{at}");
            assert_eq!(cut.comments, whole.comments, "{at}");
            assert_eq!(cut.diagnostics, whole.diagnostics, "{at}");
        }
    }

    #[test]
    fn scanning_in_pieces_finds_what_scanning_at_once_does() {
        let model = "use aws\n// top\nboundary b : zone {\n  actor a // x\n  boundary c {\n\
                     service s \"{[(\"\n  }\nflow x\n}\nflow a -> s \"}\" {\n  data d\n}\n\
                     actor z\n\n  data \"é\" // é {\ndata q\n";
        scans_alike_in_pieces(model);
        for broken in [
            "a {\nb }\n}\nc\n",
            "a {\nb )\nc\n",
            "a\nb {\nc\n",
            "a \"b\nc\n",
            "a\n\u{7}\nb\n",
            "x {\n}\n} y\nz\n",
        ] {
            scans_alike_in_pieces(broken);
        }
        let deep = format!("a {}{}b\n", "{\n".repeat(70), "}\n".repeat(70));
        scans_alike_in_pieces(&deep);
        let at_limit = format!(
            "a {}{}b\n",
            "{\n".repeat(MAX_NESTING),
            "}\n".repeat(MAX_NESTING)
        );
        let scanned = scan(FileId(0), &at_limit);
        assert!(scanned.diagnostics.is_empty());
        assert_eq!(scanned.top_level_lines.len(), 1);
        scans_alike_in_pieces(&at_limit);
    }

    #[test]
    fn control_characters_are_found_in_every_block_and_after_the_last() {
        // Positions in the first block, on a block's edge, in a later block and in the bytes
        // after the last whole block of 64.
        // No byte of it is suspect, so only the character put in below can be found.
        let line = "actor a // tabs\tare fine\r\n";
        let text: String = line.repeat(10) + "data a\n";
        assert!(codes(&text).is_empty(), "no control character in {text:?}");
        assert!(
            codes("actor a // \u{a7}\n").is_empty(),
            "U+00A7 is no control"
        );
        let letters: Vec<usize> = text.match_indices('a').map(|(i, _)| i).collect();
        let after_blocks = text.len() / 64 * 64;
        let last = *letters.last().expect("letters");
        assert!(
            last >= after_blocks,
            "the last is after the last whole block"
        );
        let near_edge = letters
            .iter()
            .find(|&&i| i >= 60)
            .copied()
            .expect("letters");
        for ascii in [letters[0], near_edge, letters[letters.len() / 2], last] {
            for control in ['\u{1}', '\u{7f}', '\u{85}'] {
                // Replaces an ASCII letter, so the text stays valid UTF-8.
                let mut with = text.clone();
                with.replace_range(ascii..ascii + 1, &control.to_string());
                let scan = scan(FileId(0), &with);
                let found = scan
                    .diagnostics
                    .iter()
                    .find(|d| d.code == Code::ControlCharacter);
                let span = found.and_then(|d| d.primary.as_ref()).map(|p| p.span.start);
                assert_eq!(span, Some(ascii as u32), "{control:?} at {ascii}");
            }
        }
    }

    #[test]
    fn unterminated_string_ends_at_line_end() {
        let scan = scan(FileId(0), "a \"abc\nb");
        assert_eq!(scan.diagnostics[0].code, Code::UnterminatedString);
        assert_eq!(scan.diagnostics[0].primary.as_ref().unwrap().span.end, 6);
    }
}
