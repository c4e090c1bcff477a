//! The fast path of printing a finding without colour: the common shape — a label within one
//! line of plain ASCII text — written directly, character for character what ariadne writes
//! for it (trailing spaces aside, which the caller trims anyway).
//!
//! ariadne stays the reference: anything else (a label over several lines, tabs or wide
//! characters on the line, text with line breaks, colour) is left to it. A test renders every
//! finding of the bundled models both ways and compares.

use super::{Finding, Texts};
use crate::source::SourceMap;
use std::fmt::Write as _;

/// Which files this path may print from: those whose only line break is the line feed, so
/// that its line numbers are ariadne's (which also breaks lines at a carriage return, a
/// vertical tab, a form feed, NEL and the Unicode line and paragraph separators).
pub struct PlainRenderer {
    simple: Vec<bool>,
}

/// Whether `text` holds a line break other than the line feed: a carriage return, a vertical
/// tab, a form feed, NEL (U+0085) or a Unicode line or paragraph separator (U+2028, U+2029).
/// Found with byte searches (the last three start with the bytes 0xC2 and 0xE2, rare in source
/// text), not by decoding every character, a piece of a large text on each core.
fn has_other_line_breaks(text: &str) -> bool {
    breaks_searched_in_pieces(text, SEARCH_PIECE)
}

/// [`has_other_line_breaks`], searching pieces of `piece` bytes (at least one) on every core.
fn breaks_searched_in_pieces(text: &str, piece: usize) -> bool {
    use rayon::prelude::*;
    let bytes = text.as_bytes();
    let piece = piece.max(1);
    // Each piece's searches start in the piece and read past its end where a character does.
    let breaks_from = |start: usize| {
        let searched = &bytes[start..(start + piece).min(bytes.len())];
        memchr::memchr3(b'\r', 0x0b, 0x0c, searched).is_some()
            || memchr::memchr2_iter(0xc2, 0xe2, searched).any(|at| {
                matches!(
                    bytes[start + at..],
                    [0xc2, 0x85, ..] | [0xe2, 0x80, 0xa8 | 0xa9, ..]
                )
            })
    };
    (0..bytes.len())
        .into_par_iter()
        .step_by(piece)
        .any(breaks_from)
}

/// How many bytes of a text one core searches at a time.
const SEARCH_PIECE: usize = 1 << 22;

impl PlainRenderer {
    pub fn new(sources: &SourceMap) -> PlainRenderer {
        PlainRenderer {
            simple: sources
                .files()
                .map(|(_, file)| !has_other_line_breaks(&file.text))
                .collect(),
        }
    }

    /// The finding as ariadne would print it without colour, or `None` when it is not the
    /// simple shape this path knows.
    pub fn render(&self, finding: &Finding, sources: &SourceMap, texts: &Texts) -> Option<String> {
        let mut out = String::new();
        self.render_into(finding, sources, texts, &mut out)
            .then_some(out)
    }

    /// Appends the finding to `out` as [`PlainRenderer::render`] renders it, each line without
    /// its trailing spaces, as `check` prints it; false (and nothing appended) when it is not
    /// the simple shape this path knows.
    pub fn render_into(
        &self,
        finding: &Finding,
        sources: &SourceMap,
        texts: &Texts,
        out: &mut String,
    ) -> bool {
        if !self
            .simple
            .get(finding.span.file.0 as usize)
            .copied()
            .unwrap_or(false)
        {
            return false;
        }
        let begin = out.len();
        if render(finding, sources, texts, out).is_none() {
            out.truncate(begin);
            return false;
        }
        true
    }
}

/// Ends the line that began at `start`: its trailing spaces go, a line feed follows.
fn end_line(out: &mut String, start: usize) {
    let kept = start + out[start..].trim_end().len();
    out.truncate(kept);
    out.push('\n');
}

/// Appends the finding; `None` when it is not the simple shape, with part of it appended (the
/// caller takes that back).
fn render(finding: &Finding, sources: &SourceMap, texts: &Texts, out: &mut String) -> Option<()> {
    let file = sources.get(finding.span.file);
    let (start, end) = (finding.span.start as usize, finding.span.end as usize);
    let text = file.text.as_str();
    if start >= end || end > text.len() {
        return None;
    }
    let line_start = memchr::memrchr(b'\n', &text.as_bytes()[..start]).map_or(0, |i| i + 1);
    let line_end =
        memchr::memchr(b'\n', &text.as_bytes()[start..]).map_or(text.len(), |i| start + i);
    let line = &text[line_start..line_end];
    let plain = |s: &str| memchr::memchr2(b'\n', b'\r', s.as_bytes()).is_none();
    if end > line_end
        || !line.bytes().all(|b| (b' '..=b'~').contains(&b))
        || !plain(&finding.rule.title)
        || !finding.note().is_none_or(plain)
    {
        return None;
    }
    let (line_number, _) = file.line_column(start);
    let width = line_number.checked_ilog10().unwrap_or(0) as usize + 1;
    let (first, last) = (start - line_start, end - line_start);
    let anchor = (first + last) / 2;
    let arrow_len = last + 2;

    out.reserve(256 + line.len() * 3);
    let margin = |out: &mut String| out.extend(std::iter::repeat_n(' ', width + 2));
    let mut at = out.len();
    let _ = write!(
        out,
        "[{}] {}: {}",
        finding.rule.id,
        finding.severity.as_str(),
        finding.rule.title
    );
    end_line(out, at);
    margin(out);
    let _ = writeln!(out, "╭─[ {}:{}:{} ]", file.name, line_number, first + 1);
    margin(out);
    out.push_str("│\n");
    at = out.len();
    let _ = write!(out, " {line_number:>width$} │ {line}");
    end_line(out, at);
    // The underline, with the label's attachment in the middle.
    margin(out);
    out.push_str("│ ");
    out.extend(std::iter::repeat_n(' ', first));
    for column in first..last {
        out.push(if column == anchor { '┬' } else { '─' });
    }
    out.push('\n');
    // The arrow from the attachment to the message.
    at = out.len();
    margin(out);
    out.push_str("│ ");
    out.extend(std::iter::repeat_n(' ', anchor));
    out.push('╰');
    out.extend(std::iter::repeat_n('─', arrow_len - anchor - 1));
    out.push(' ');
    let message = out.len();
    texts.message_into(finding, out);
    if message == out.len() || !plain(&out[message..]) {
        return None;
    }
    end_line(out, at);
    let help = out.len();
    margin(out);
    out.push_str("│\n");
    at = out.len();
    margin(out);
    out.push_str("│ Help: ");
    let fix = out.len();
    if texts.fix_into(finding, out) {
        if fix == out.len() || !plain(&out[fix..]) {
            return None;
        }
        end_line(out, at);
    } else {
        out.truncate(help);
    }
    margin(out);
    out.push_str("│\n");
    at = out.len();
    margin(out);
    let _ = write!(out, "│ Note: {} · ", finding.id());
    for (i, category) in finding.rule.stride.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(category);
    }
    if let Some(extra) = finding.note() {
        let _ = write!(out, " · {extra}");
    }
    end_line(out, at);
    out.extend(std::iter::repeat_n('─', width + 2));
    out.push_str("╯\n");
    Some(())
}

#[cfg(test)]
mod tests {
    use super::{breaks_searched_in_pieces, has_other_line_breaks};

    #[test]
    fn every_line_break_but_the_line_feed_is_found() {
        let plain = "flow a -> b { data \"café\" } // € … naïve\n\tend\n";
        assert!(!has_other_line_breaks(plain));
        for brk in ['\r', '\u{b}', '\u{c}', '\u{85}', '\u{2028}', '\u{2029}'] {
            let text = format!("{plain}x{brk}y");
            assert!(has_other_line_breaks(&text), "{brk:?}");
            // The same as the character search it replaces.
            let breaks = ['\r', '\u{b}', '\u{c}', '\u{85}', '\u{2028}', '\u{2029}'];
            assert_eq!(has_other_line_breaks(&text), text.contains(breaks));
        }
        // Neighbours of the separators that are no line break.
        for other in ['\u{84}', '\u{a0}', '\u{2027}', '\u{202a}', '\u{2030}'] {
            assert!(!has_other_line_breaks(&format!("a{other}b")), "{other:?}");
        }
    }

    #[test]
    fn a_line_break_is_found_in_any_piece_and_across_the_end_of_one() {
        let plain = "ab\ncd é\n";
        for brk in ['\r', '\u{85}', '\u{2028}'] {
            for at in 0..=plain.len() {
                if !plain.is_char_boundary(at) {
                    continue;
                }
                let text = format!("{}{brk}{}", &plain[..at], &plain[at..]);
                for piece in 0..=text.len() + 1 {
                    assert!(breaks_searched_in_pieces(&text, piece), "{text:?} {piece}");
                }
            }
        }
        for piece in 0..=plain.len() + 1 {
            assert!(!breaks_searched_in_pieces(plain, piece));
            assert!(!breaks_searched_in_pieces("", piece));
        }
    }
}
