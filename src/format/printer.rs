//! A line writer that keeps comments: before each line it writes the comments that come
//! before that line's node in the source, and after it the comment that shared its line.
//! Blank lines between nodes are kept (at most one).

use crate::syntax::Comment;

pub struct Printer<'a> {
    text: &'a str,
    comments: &'a [Comment],
    next_comment: usize,
    out: String,
    indent: usize,
    /// Source offset of the end of what was printed last, for blank-line detection.
    last_end: Option<usize>,
}

impl<'a> Printer<'a> {
    pub fn new(text: &'a str, comments: &'a [Comment]) -> Printer<'a> {
        Printer {
            text,
            comments,
            next_comment: 0,
            out: String::with_capacity(text.len() + text.len() / 8),
            indent: 0,
            last_end: None,
        }
    }

    /// The width of the current indentation.
    pub fn indent_width(&self) -> usize {
        self.indent * 2
    }

    /// The source text `start..end`.
    pub fn source(&self, start: usize, end: usize) -> &'a str {
        &self.text[start..end]
    }

    /// Whether any comment starts inside `start..end`.
    pub fn has_comment_within(&self, start: usize, end: usize) -> bool {
        self.comments[self.next_comment..]
            .iter()
            .any(|c| (c.span.start as usize) >= start && (c.span.start as usize) < end)
    }

    /// Writes one line for a node spanning `start..end` in the source.
    pub fn line(&mut self, content: &str, start: usize, end: usize) {
        self.leading(start);
        self.blank_line_before(start);
        self.write_indented(content);
        self.trailing(end);
        self.out.push('\n');
        self.last_end = Some(end);
    }

    /// Writes `header {` for a block whose `{` is at `brace`, and indents what follows.
    pub fn open(&mut self, header: &str, start: usize, brace: usize) {
        self.leading(start);
        self.blank_line_before(start);
        self.write_indented(&format!("{header} {{"));
        self.trailing(brace + 1);
        self.out.push('\n');
        self.last_end = Some(brace + 1);
        self.indent += 1;
        // No blank line right after an opening brace.
        self.last_end = None;
    }

    /// Writes the comments left inside a block, then `}` (the block ends at `end`).
    pub fn close(&mut self, end: usize) {
        let closing = end.saturating_sub(1);
        self.leading(closing);
        self.indent -= 1;
        self.write_indented("}");
        self.trailing(end);
        self.out.push('\n');
        self.last_end = Some(end);
    }

    /// Writes the comments that remain at the end of the file.
    pub fn finish(mut self) -> String {
        self.leading(usize::MAX);
        self.out
    }

    fn write_indented(&mut self, content: &str) {
        for _ in 0..self.indent {
            self.out.push_str("  ");
        }
        self.out.push_str(content);
    }

    /// Writes, each on its own line, the comments that start before `position`.
    pub fn leading(&mut self, position: usize) {
        while let Some(comment) = self.comments.get(self.next_comment) {
            let start = comment.span.start as usize;
            if start >= position {
                break;
            }
            self.blank_line_before(start);
            let text = self.text[comment.span.range()].trim_end().to_string();
            self.write_indented(&text);
            self.out.push('\n');
            self.next_comment += 1;
            self.last_end = Some(comment.span.end as usize);
        }
    }

    /// Drops the pending comments that start before `position` (they are part of text
    /// written verbatim).
    pub fn skip_comments_before(&mut self, position: usize) {
        while self
            .comments
            .get(self.next_comment)
            .is_some_and(|c| (c.span.start as usize) < position)
        {
            self.next_comment += 1;
        }
    }

    /// Appends the comment that follows `end` on the same source line, with only blanks
    /// between.
    fn trailing(&mut self, end: usize) {
        if let Some(comment) = self.comments.get(self.next_comment) {
            let start = comment.span.start as usize;
            // Only blanks may separate a node from its trailing comment: a comment after a
            // closing brace on the same line belongs to the brace, not to the last attribute.
            let same_line = start >= end
                && self.text[end..start].trim().is_empty()
                && !self.text[end..start].contains('\n');
            if same_line {
                let text = self.text[comment.span.range()].trim_end();
                self.out.push(' ');
                self.out.push_str(text);
                self.next_comment += 1;
            }
        }
    }

    /// Keeps one blank line where the source had at least one between the last output and
    /// `start`.
    fn blank_line_before(&mut self, start: usize) {
        if let Some(last) = self.last_end
            && last <= start
        {
            let gap = &self.text[last..start];
            if gap.matches('\n').count() >= 2 && !self.out.ends_with("\n\n") {
                self.out.push('\n');
            }
        }
    }
}
