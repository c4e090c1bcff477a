//! A lexical pre-pass over a `.tf` file before hcl-edit parses it: every bracket closes, and
//! closes the right opener.
//!
//! hcl-edit backtracks over every enclosing object when it reaches the end of the file inside
//! unclosed ones, trying each level two ways: 24 unclosed objects whose keys are expressions took
//! seconds, 33 took minutes (found by the `templates` fuzz target). Brackets that do not close
//! are reported here, with the line and column of the opener, in one pass.
//!
//! The pass knows HCL's lexical structure: `#`, `//` and `/* */` comments, quoted strings with
//! escapes and `${ }` / `%{ }` templates (which may hold strings of their own), and heredocs,
//! whose text it skips but whose templates it reads. A heredoc ends where hcl-edit ends it: at
//! the first line that starts with its delimiter (after spaces or tabs) not followed by a
//! character of an identifier, whatever else follows on that line (`EOF ) {` goes on as code);
//! the line right after the header ends it only when no later line does. A heredoc that never
//! ends is reported: hcl-edit took seconds to reject one whose first line could end it and
//! was followed by unclosed braces, since the pass, which wanted the delimiter alone on its
//! line, had skipped them as text (found by the `templates` fuzz target).

use super::yaml::ReadError;
use crate::source::SourceFile;

/// What is open at a point of the file.
#[derive(Clone, Copy)]
enum Open {
    Brace,
    Bracket,
    Paren,
    /// A quoted string.
    Str,
    /// A `${` or `%{` template inside a string or heredoc, closed by `}`.
    Template,
    /// A heredoc's text, from the line after its header; its delimiter's place in the text.
    Heredoc {
        delimiter: usize,
        len: usize,
    },
}

impl Open {
    fn describe(self) -> &'static str {
        match self {
            Open::Brace => "`{`",
            Open::Bracket => "`[`",
            Open::Paren => "`(`",
            Open::Str => "string",
            Open::Template => "`${`",
            Open::Heredoc { .. } => "heredoc",
        }
    }
}

/// Checks that the brackets of `file` balance.
pub fn check(file: &SourceFile) -> Result<(), ReadError> {
    let text = file.text.as_str();
    let bytes = text.as_bytes();
    let mut stack: Vec<(Open, usize)> = Vec::new();
    let mut at = 0;
    let error = |offset: usize, message: String| {
        let (line, column) = file.line_column(offset);
        ReadError {
            message,
            line,
            column,
        }
    };
    loop {
        if at >= bytes.len() {
            // A heredoc still open at the end: its first line ends it if it can (as hcl-edit
            // falls back to an empty heredoc), and the scan goes on after the delimiter.
            if let Some(&(Open::Heredoc { delimiter, len }, body)) = stack.last() {
                stack.pop();
                if let Some(end) = delimiter_line(text, body, &text[delimiter..delimiter + len]) {
                    at = end;
                    continue;
                }
                stack.push((Open::Heredoc { delimiter, len }, body));
            }
            break;
        }
        let byte = bytes[at];
        if let Some(&(Open::Heredoc { delimiter, len }, _)) = stack.last() {
            if let Some(step) = template_step(bytes, at, &mut stack) {
                at += step;
                continue;
            }
            if byte == b'\n'
                && let Some(end) = delimiter_line(text, at + 1, &text[delimiter..delimiter + len])
            {
                stack.pop();
                at = end;
                continue;
            }
            at += 1;
            continue;
        }
        if let Some((Open::Str, _)) = stack.last() {
            if let Some(step) = template_step(bytes, at, &mut stack) {
                at += step;
                continue;
            }
            match byte {
                b'\\' => at += 1,
                b'"' | b'\n' => {
                    // A line break ends a quoted string too (hcl-edit reports it).
                    stack.pop();
                }
                _ => {}
            }
            at += 1;
            continue;
        }
        match byte {
            b'#' => at = line_end(bytes, at),
            b'/' if bytes.get(at + 1) == Some(&b'/') => at = line_end(bytes, at),
            b'/' if bytes.get(at + 1) == Some(&b'*') => match text[at + 2..].find("*/") {
                Some(end) => at += 2 + end + 1,
                None => return Err(error(at, "this comment never ends (no `*/`)".to_string())),
            },
            b'"' => stack.push((Open::Str, at)),
            b'<' if bytes.get(at + 1) == Some(&b'<') => {
                if let Some((delimiter, len, body)) = heredoc_header(text, at) {
                    stack.push((Open::Heredoc { delimiter, len }, body));
                    at = body;
                    continue;
                }
                at += 1;
            }
            b'{' => stack.push((Open::Brace, at)),
            b'[' => stack.push((Open::Bracket, at)),
            b'(' => stack.push((Open::Paren, at)),
            b'}' | b']' | b')' => {
                let closer = byte as char;
                match stack.pop() {
                    Some((Open::Brace | Open::Template, _)) if byte == b'}' => {}
                    Some((Open::Bracket, _)) if byte == b']' => {}
                    Some((Open::Paren, _)) if byte == b')' => {}
                    Some((open, opened)) => {
                        let (line, column) = file.line_column(opened);
                        return Err(error(
                            at,
                            format!(
                                "`{closer}` does not close the {} at line {line}, column {column}",
                                open.describe()
                            ),
                        ));
                    }
                    None => return Err(error(at, format!("`{closer}` closes nothing"))),
                }
            }
            _ => {}
        }
        at += 1;
    }
    match stack.pop() {
        Some((Open::Heredoc { delimiter, len }, _)) => {
            let id = &text[delimiter..delimiter + len];
            // The `<<` (or `<<-`) before the delimiter.
            let dash = usize::from(text[..delimiter].ends_with('-'));
            Err(error(
                delimiter - 2 - dash,
                format!("this heredoc never ends (no line starts with `{id}`)"),
            ))
        }
        Some((open, opened)) => Err(error(
            opened,
            format!("this {} is never closed", open.describe()),
        )),
        None => Ok(()),
    }
}

/// In the text of a string or heredoc at `at`: how many bytes an escaped `$${` or `%%{` takes,
/// or a `${` or `%{` that opens a template (pushed on `stack`); `None` for anything else.
fn template_step(bytes: &[u8], at: usize, stack: &mut Vec<(Open, usize)>) -> Option<usize> {
    let sign = bytes[at];
    if sign != b'$' && sign != b'%' {
        return None;
    }
    match (bytes.get(at + 1), bytes.get(at + 2)) {
        (Some(&next), Some(&b'{')) if next == sign => Some(3),
        (Some(&b'{'), _) => {
            stack.push((Open::Template, at));
            Some(2)
        }
        _ => None,
    }
}

/// The offset of the line feed ending the line at `at` (or the end of the text).
fn line_end(bytes: &[u8], at: usize) -> usize {
    bytes[at..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| at + i)
}

/// The header of a heredoc starting at `at` as hcl-edit reads it (`<<ID` or `<<-ID`, the
/// identifier's characters as HCL's, then a line break): where its delimiter is, its length,
/// and where its text starts. `None` when `<<` starts no heredoc (hcl-edit then rejects it).
fn heredoc_header(text: &str, at: usize) -> Option<(usize, usize, usize)> {
    let mut start = at + 2;
    if text[start..].starts_with('-') {
        start += 1;
    }
    let mut chars = text[start..].char_indices();
    let (_, first) = chars.next()?;
    if !hcl_primitives::ident::is_id_start(first) {
        return None;
    }
    let len = chars
        .find(|&(_, c)| !hcl_primitives::ident::is_id_continue(c))
        .map_or(text.len() - start, |(i, _)| i);
    let after = &text[start + len..];
    let line_break = if after.starts_with('\n') {
        1
    } else if after.starts_with("\r\n") {
        2
    } else {
        return None;
    };
    Some((start, len, start + len + line_break))
}

/// Where the line starting at `line` ends a heredoc delimited by `id`: after the delimiter,
/// when the line starts with it (after spaces or tabs) and no identifier character follows.
fn delimiter_line(text: &str, line: usize, id: &str) -> Option<usize> {
    let rest = text.get(line..)?;
    let indent = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    let after = rest[indent..].strip_prefix(id)?;
    match after.chars().next() {
        Some(c) if hcl_primitives::ident::is_id_continue(c) => None,
        _ => Some(line + indent + id.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(text: &str) -> Option<(String, usize, usize)> {
        check(&SourceFile::new("main.tf".to_string(), text.to_string()))
            .err()
            .map(|e| (e.message, e.line, e.column))
    }

    #[test]
    fn balanced_terraform_passes() {
        let text = r#"
# a comment with { and [
// another (
/* a block comment } */
resource "aws_s3_bucket" "b" {
  bucket = "name-${var.env}-{literal"
  tags   = { Name = "x ${lookup(var.m, "k", "}")} %{ if true }y%{ endif }" }
  policy = <<-EOF
    { "Statement": [
    EOF
  list   = [1, (2 + 3), "$${not a template"]
}
"#;
        assert_eq!(error_of(text), None);
    }

    #[test]
    fn an_unclosed_bracket_is_reported_where_it_opens() {
        assert_eq!(
            error_of("a = {\n  b = [1, 2\n}\n"),
            Some((
                "`}` does not close the `[` at line 2, column 7".to_string(),
                3,
                1
            ))
        );
        assert_eq!(
            error_of("a = {\n  \"k\" * {\n"),
            Some(("this `{` is never closed".to_string(), 2, 9))
        );
        assert_eq!(
            error_of("a = 1 }\n"),
            Some(("`}` closes nothing".to_string(), 1, 7))
        );
        assert_eq!(
            error_of("a = \"x ${b\n"),
            Some(("this `${` is never closed".to_string(), 1, 8))
        );
    }

    #[test]
    fn unterminated_comments_and_heredocs_are_reported() {
        assert!(error_of("a = { /* b }\n").is_some());
        // The heredoc swallows the rest of the file, so the brace never closes.
        assert!(error_of("a = {\n b = <<EOF\n }\n").is_some());
    }

    #[test]
    fn heredocs_end_where_hcl_edit_ends_them() {
        // The delimiter after spaces or tabs, then anything but an identifier's character:
        // the rest of the line is code again.
        assert_eq!(error_of("a = <<EOF\nx {\n  EOF\n"), None);
        assert_eq!(error_of("a = <<-EOF\n\tx {\n\tEOF\n"), None);
        assert_eq!(error_of("a = [<<EOF\n{\nEOF\n]\n"), None);
        assert_eq!(error_of("a = <<EOF\r\nx\r\nEOF\r\n"), None);
        assert_eq!(
            error_of("a = <<EOF\nx\nEOF < 5 * {\n"),
            Some(("this `{` is never closed".to_string(), 3, 11))
        );
        // A longer identifier is text.
        assert_eq!(
            error_of("a = <<EOF\nEOF_2 {\nEOFé\n"),
            Some((
                "this heredoc never ends (no line starts with `EOF`)".to_string(),
                1,
                5
            ))
        );
        // The line after the header ends it only when no later line does.
        assert_eq!(error_of("a = <<EOF\nEOF {\nEOF\n"), None);
        assert_eq!(
            error_of("a = <<EOF\nEOF {\n"),
            Some(("this `{` is never closed".to_string(), 2, 5))
        );
        assert_eq!(error_of("a = <<EOF\nEOF\n"), None);
        // Its templates are read, escapes skipped; `<<` without a header is no heredoc.
        assert_eq!(error_of("a = <<EOF\n${ {b = 1} }$${ %%{\nEOF\n"), None);
        assert_eq!(
            error_of("a = <<EOF\n${ [\nEOF\n"),
            Some(("this `[` is never closed".to_string(), 2, 4))
        );
        assert!(
            error_of("a = <<-EOF\nbody\n")
                .is_some_and(|(_, line, column)| (line, column) == (1, 5))
        );
        assert_eq!(error_of("a = b << c\n"), None);
    }

    #[test]
    fn a_deep_unclosed_nesting_is_rejected_in_one_pass() {
        let text = format!("a = {{\n{}", "  \"k\" * \"name\" * {\n".repeat(100_000));
        assert!(error_of(&text).is_some());
    }
}
