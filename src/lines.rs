//! Cutting a text at line ends into pieces, for passes that keep no state from one line to
//! the next (or little, joined afterwards) and so can run on every core.

use std::ops::Range;

/// `bytes` cut into pieces of at least `piece` bytes (but the last), each ending just after a
/// line feed or at the end of the text, in order and covering it. Text of one piece's length or
/// less is one piece.
pub fn pieces(bytes: &[u8], piece: usize) -> Vec<Range<usize>> {
    let mut cut = Vec::with_capacity(bytes.len() / piece.max(1) + 1);
    let mut start = 0;
    while start < bytes.len() {
        let from = (start + piece.max(1)).min(bytes.len());
        let end = memchr::memchr(b'\n', &bytes[from - 1..]).map_or(bytes.len(), |at| from + at);
        cut.push(start..end);
        start = end;
    }
    if cut.is_empty() {
        cut.push(0..0);
    }
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_end_after_a_line_feed_and_cover_the_text() {
        let text = b"ab\ncdef\ng\n\nhij";
        for piece in [1, 2, 3, 5, 8, 100] {
            let cut = pieces(text, piece);
            assert_eq!(cut.first().map(|r| r.start), Some(0));
            assert_eq!(cut.last().map(|r| r.end), Some(text.len()));
            for pair in cut.windows(2) {
                assert_eq!(pair[0].end, pair[1].start, "contiguous, piece {piece}");
                assert_eq!(text[pair[0].end - 1], b'\n', "cut after a line feed");
                assert!(pair[0].len() >= piece, "at least {piece} bytes");
            }
        }
        assert_eq!(pieces(text, 1), [0..3, 3..8, 8..10, 10..11, 11..14]);
        assert_eq!(pieces(text, 4), [0..8, 8..14]);
        let whole =
            |bytes: &[u8]| pieces(bytes, 4).as_slice() == std::slice::from_ref(&(0..bytes.len()));
        assert!(whole(b"") && whole(b"abc") && whole(b"abc\n"));
    }
}
