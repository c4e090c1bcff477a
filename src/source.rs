//! Source files: decoding bytes into text, and mapping byte offsets to lines and columns.
//!
//! The [`SourceMap`] owns the text of every file a compilation reads (the root model, the files
//! it uses and the embedded standard library). Decoding is strict: invalid UTF-8 and binary
//! content are reported with the location of the first bad byte. A UTF-8 byte-order mark and
//! CRLF line ends are errors too, but the text stays readable: the model is still checked, and
//! `threatflow fmt` (which writes plain UTF-8 with LF line ends) repairs the file.

use crate::diagnostic::{Code, Diagnostic};
use crate::span::{FileId, Span};
use arcstr::ArcStr;

/// One file's name and text.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The name shown in diagnostics: the path as the user gave it, or `<stdlib>/NAME.flow`.
    pub name: ArcStr,
    /// The text, without a byte-order mark.
    pub text: String,
    /// The offset of each line's first byte: 32 bits, as in spans.
    line_starts: Vec<u32>,
}

impl SourceFile {
    pub fn new(name: impl Into<ArcStr>, text: impl Into<String>) -> SourceFile {
        let text = text.into();
        let line_starts = line_starts(text.as_bytes());
        SourceFile {
            name: name.into(),
            text,
            line_starts,
        }
    }

    /// The byte offset of a 1-based line and column (in characters), clamped to the text.
    pub fn offset_of(&self, line: usize, column: usize) -> usize {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        let start = start as usize;
        let end = self
            .line_starts
            .get(line)
            .map_or(self.text.len(), |&end| end as usize);
        self.text[start..end]
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(end, |(i, _)| start + i)
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let line = self.line(offset);
        (line, self.column(line, offset))
    }

    /// The 1-based line of a byte offset.
    pub fn line(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        self.line_starts
            .partition_point(|&start| start as usize <= offset)
    }

    /// The 1-based column (in characters) of a byte offset on its 1-based `line`.
    pub fn column(&self, line: usize, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        let line_start = self.line_starts[line - 1] as usize;
        let mut column_end = offset;
        while !self.text.is_char_boundary(column_end) {
            column_end -= 1;
        }
        self.text[line_start..column_end].chars().count() + 1
    }
}

/// All files of one compilation, indexed by [`FileId`].
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId((self.files.len() - 1) as u32)
    }

    /// Sets the text of a file added before its text was decoded.
    pub fn replace_text(&mut self, id: FileId, text: String) {
        let file = &mut self.files[id.0 as usize];
        *file = SourceFile::new(ArcStr::clone(&file.name), text);
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }
}

/// The offset of each line's first byte. A large text is read on every core, a piece of at
/// least [`LINES_PIECE`] bytes each.
fn line_starts(bytes: &[u8]) -> Vec<u32> {
    use rayon::prelude::*;
    let starts_in = |range: std::ops::Range<usize>| {
        let from = range.start;
        memchr::memchr_iter(b'\n', &bytes[range]).map(move |i| (from + i) as u32 + 1)
    };
    let pieces = crate::lines::pieces(bytes, LINES_PIECE);
    let mut starts = vec![0];
    if pieces.len() == 1 {
        starts.extend(starts_in(0..bytes.len()));
        return starts;
    }
    let found: Vec<Vec<u32>> = pieces
        .into_par_iter()
        .map(|range| starts_in(range).collect())
        .collect();
    starts.reserve_exact(found.iter().map(Vec::len).sum());
    for piece in found {
        starts.extend(piece);
    }
    starts
}

/// The smallest piece of a text whose lines are found on a core of its own.
const LINES_PIECE: usize = 4 << 20;

/// The result of decoding a file's bytes.
pub struct Decoded {
    pub text: String,
    /// Problems found while decoding.
    pub diagnostics: Vec<Diagnostic>,
    /// Whether `text` is the file's text. When it is not (binary content or invalid UTF-8),
    /// `text` is empty and must not be parsed or formatted.
    pub readable: bool,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decodes a file's bytes as UTF-8 text for the file `file` (whose name is used in messages).
///
/// The text is returned without a byte-order mark. Binary content (a NUL byte) and invalid
/// UTF-8 are errors located at the first offending byte; their text is empty. A byte-order mark
/// and CRLF line ends are errors that leave the text readable.
pub fn decode(file: FileId, mut bytes: Vec<u8>) -> Decoded {
    let mut diagnostics = Vec::new();
    let bom = bytes.starts_with(BOM);
    if bom {
        bytes.drain(..BOM.len());
        diagnostics.push(
            Diagnostic::error(
                Code::ByteOrderMark,
                "the file starts with a UTF-8 byte-order mark",
            )
            .with_primary(Span::point(file, 0), "byte-order mark")
            .with_help("`threatflow fmt --write FILE` removes it"),
        );
    }
    // Spans index the text without the BOM. Undecodable text is not kept, so the errors below
    // carry their line and column explicitly (`with_location`) instead of a span into it.
    // The two searches of a large file run on two cores; the line ends count only for text.
    let (nul, crlf) = rayon::join(
        || memchr::memchr(0, &bytes),
        || memchr::memmem::find(&bytes, b"\r\n"),
    );
    if let Some(nul) = nul {
        let (line, column) = byte_line_column(&bytes, nul);
        diagnostics.push(
            Diagnostic::error(
                Code::BinaryFile,
                format!("this is a binary file, not a .flow model (NUL byte at line {line}, column {column})"),
            )
            .with_primary(Span::point(file, 0), "binary content")
            .with_location(line, column),
        );
        return Decoded {
            text: String::new(),
            diagnostics,
            readable: false,
        };
    }
    // The bytes become the text without a copy (a large model's file is a hundred megabytes).
    match String::from_utf8(bytes) {
        Ok(text) => {
            if let Some(at) = crlf {
                let crlf_lines = memchr::memmem::find_iter(text.as_bytes(), b"\r\n").count();
                diagnostics.push(
                    Diagnostic::error(
                        Code::CrlfLineEnds,
                        format!(
                            "the file has CRLF (Windows) line ends on {crlf_lines} line{}",
                            if crlf_lines == 1 { "" } else { "s" }
                        ),
                    )
                    .with_primary(Span::new(file, at, at + 2), "the first CRLF line end")
                    .with_help(
                        "`threatflow fmt --write FILE` rewrites it with LF line ends; \
                         with git, add `*.flow text eol=lf` to .gitattributes",
                    ),
                );
            }
            Decoded {
                text,
                diagnostics,
                readable: true,
            }
        }
        Err(error) => {
            let at = error.utf8_error().valid_up_to();
            let body = error.into_bytes();
            let (line, column) = byte_line_column(&body, at);
            let byte = body[at];
            diagnostics.push(
                Diagnostic::error(
                    Code::InvalidUtf8,
                    format!("the file is not valid UTF-8: byte 0x{byte:02X} at line {line}, column {column}"),
                )
                .with_primary(Span::point(file, 0), "invalid UTF-8")
                .with_location(line, column)
                .with_help("save the file as UTF-8"),
            );
            Decoded {
                text: String::new(),
                diagnostics,
                readable: false,
            }
        }
    }
}

/// Line and column of a byte offset in bytes that may not be valid UTF-8 (columns count the
/// valid characters before the offset on its line).
fn byte_line_column(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let file = SourceFile::new("a.flow", "ab\nçd\n");
        assert_eq!(file.line_column(0), (1, 1));
        assert_eq!(file.line_column(3), (2, 1));
        assert_eq!(file.line_column(5), (2, 2));
        assert_eq!(file.line_column(100), (3, 1));
        // The line and the column apart, at every offset: inside `ç` (bytes 3 and 4) the column
        // is the character's, and past the end the offset is clamped to it.
        let expected = [
            (1, 1),
            (1, 2),
            (1, 3),
            (2, 1),
            (2, 1),
            (2, 2),
            (2, 3),
            (3, 1),
            (3, 1),
        ];
        for (offset, (line, column)) in expected.into_iter().enumerate() {
            assert_eq!(file.line(offset), line, "line at {offset}");
            assert_eq!(file.column(line, offset), column, "column at {offset}");
        }
    }

    #[test]
    fn lines_of_a_large_text_start_where_those_of_a_small_one_do() {
        let line = "a line of text\n\n";
        let text = line.repeat(LINES_PIECE / line.len() * 3 + 7) + "the end";
        let starts = line_starts(text.as_bytes());
        let one_by_one: Vec<u32> = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i as u32 + 1))
            .collect();
        assert!(crate::lines::pieces(text.as_bytes(), LINES_PIECE).len() > 2);
        assert_eq!(starts, one_by_one);
        let file = SourceFile::new("big.flow", text);
        assert_eq!(file.line_column(file.text.len()), (starts.len(), 8));
    }

    #[test]
    fn decode_reports_first_invalid_byte() {
        let decoded = decode(FileId(0), b"ok\nab\xFFc".to_vec());
        assert!(decoded.text.is_empty());
        assert_eq!(decoded.diagnostics[0].code, Code::InvalidUtf8);
        assert_eq!(decoded.diagnostics[0].location, Some((2, 3)));
    }

    #[test]
    fn decode_counts_crlf_lines_and_points_at_the_first() {
        let decoded = decode(FileId(0), b"a\nb\r\nc\r\n".to_vec());
        assert!(decoded.readable);
        assert_eq!(decoded.text, "a\nb\r\nc\r\n");
        let crlf = &decoded.diagnostics[0];
        assert_eq!(crlf.code, Code::CrlfLineEnds);
        assert!(crlf.message.contains("on 2 lines"), "{}", crlf.message);
        assert_eq!(crlf.primary.as_ref().map(|p| p.span.start), Some(3));
    }

    #[test]
    fn decode_locates_the_first_nul_byte() {
        let decoded = decode(FileId(0), b"ab\ncd\0e\0".to_vec());
        assert!(!decoded.readable && decoded.text.is_empty());
        assert_eq!(decoded.diagnostics[0].code, Code::BinaryFile);
        assert_eq!(decoded.diagnostics[0].location, Some((2, 3)));
    }

    #[test]
    fn decode_strips_bom_with_warning() {
        let decoded = decode(FileId(0), b"\xEF\xBB\xBFuse aws".to_vec());
        assert_eq!(decoded.text, "use aws");
        assert_eq!(decoded.diagnostics[0].code, Code::ByteOrderMark);
    }
}
