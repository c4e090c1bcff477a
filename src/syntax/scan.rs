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

pub fn scan(file: FileId, text: &str) -> Scan {
    let bytes = text.as_bytes();
    let mut comments = Vec::new();
    let mut diagnostics = Vec::new();
    let mut open: Vec<(u8, usize)> = Vec::new();
    let mut top_level_lines = Vec::new();
    let mut line_start = 0;
    control_characters(file, text, &mut diagnostics);
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        if !STOPS[byte as usize] {
            i += 1;
            continue;
        }
        match byte {
            b'\n' => {
                line_start = i + 1;
                if open.is_empty() && bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
                    top_level_lines.push(line_start as u32);
                }
                i += 1;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let end = comment_end(bytes, i);
                let own_line = text[line_start..i].trim().is_empty();
                comments.push(Comment {
                    span: Span::new(file, i, end),
                    own_line,
                });
                i = end;
            }
            b'"' => match string_end(bytes, i) {
                Ok(end) => i = end,
                Err(end) => {
                    diagnostics.push(
                        Diagnostic::error(Code::UnterminatedString, "unterminated string")
                            .with_primary(Span::new(file, i, end), "this string is never closed")
                            .with_help("close the string with `\"` on the same line; strings cannot span lines"),
                    );
                    i = end;
                }
            },
            b'{' | b'(' | b'[' => {
                open.push((byte, i));
                if open.len() > MAX_NESTING {
                    diagnostics.push(
                        Diagnostic::error(
                            Code::NestingTooDeep,
                            format!("brackets are nested more than {MAX_NESTING} levels deep"),
                        )
                        .with_primary(Span::new(file, i, i + 1), format!("level {}", open.len()))
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
                i += 1;
            }
            b'}' | b')' | b']' => {
                let expected_open = match byte {
                    b'}' => b'{',
                    b')' => b'(',
                    _ => b'[',
                };
                match open.pop() {
                    Some((opener, _)) if opener == expected_open => {}
                    Some((opener, at)) => {
                        diagnostics.push(
                            Diagnostic::error(
                                Code::UnmatchedClose,
                                format!("`{}` does not close `{}`", byte as char, opener as char),
                            )
                            .with_primary(Span::new(file, i, i + 1), "unexpected closing bracket")
                            .with_secondary(
                                Span::new(file, at, at + 1),
                                "the innermost open bracket",
                            ),
                        );
                    }
                    None => {
                        diagnostics.push(
                            Diagnostic::error(
                                Code::UnmatchedClose,
                                format!("`{}` closes nothing", byte as char),
                            )
                            .with_primary(Span::new(file, i, i + 1), "no bracket is open here"),
                        );
                    }
                }
                i += 1;
            }
            // Any other byte: no multi-byte character contains one of the bytes above.
            _ => i += 1,
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

/// Reports control characters other than tab and line breaks, anywhere (strings included).
fn control_characters(file: FileId, text: &str, diagnostics: &mut Vec<Diagnostic>) {
    // Byte-wise: C0 controls and DEL are single bytes, C1 controls (U+0080 to U+009F) are
    // 0xC2 followed by 0x80 to 0x9F; no other character's encoding contains those sequences.
    let bytes = text.as_bytes();
    // A quick look first (a loop the compiler vectorises): most files have no such byte.
    let suspect =
        |b: u8| (b < 0x20 && !matches!(b, b'\t' | b'\r' | b'\n')) || b == 0x7f || b == 0xc2;
    if !bytes.iter().any(|&b| suspect(b)) {
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

    #[test]
    fn unterminated_string_ends_at_line_end() {
        let scan = scan(FileId(0), "a \"abc\nb");
        assert_eq!(scan.diagnostics[0].code, Code::UnterminatedString);
        assert_eq!(scan.diagnostics[0].primary.as_ref().unwrap().span.end, 6);
    }
}
