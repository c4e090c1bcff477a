//! Escaping user-written text for each output format. Every name, label and message that
//! reaches a report or diagram goes through the function of its format, so no model can break
//! or inject into an output (`<script>`, quotes, `|`, backticks, newlines, `]]>`).

/// Characters XML 1.0 cannot hold at all: controls other than tab, line feed and return.
fn xml_forbidden(c: char) -> bool {
    (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

/// Text for XML and HTML content and attribute values.
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if xml_forbidden(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// A double-quoted Graphviz DOT string (without the quotes); line breaks become `\n`.
pub fn dot(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A double-quoted Mermaid label (without the quotes): characters Mermaid's parser or its
/// HTML labels treat specially become `#code;` entities; line breaks become spaces.
pub fn mermaid(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '#' => out.push_str("#35;"),
            '|' => out.push_str("#124;"),
            '`' => out.push_str("#96;"),
            ';' => out.push_str("#59;"),
            '[' => out.push_str("#91;"),
            ']' => out.push_str("#93;"),
            '{' => out.push_str("#123;"),
            '}' => out.push_str("#125;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Inline Markdown text (table cells included): no markup, no HTML, one line.
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '|' => out.push_str("\\|"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// An identifier safe in every format: letters, digits and `_`, from any text.
pub fn ident(text: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out.insert(0, 'x');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = "<script>alert(\"x\")</script> | `tick` ]]> a\nb; #1 [x] {y} & 'q' \\";

    #[test]
    fn xml_leaves_no_markup() {
        let out = xml(HOSTILE);
        assert!(!out.contains('<') && !out.contains('>') && !out.contains('"'));
        assert!(!out.contains("]]>"));
        assert_eq!(xml("a\u{1}b"), "a\u{FFFD}b");
    }

    #[test]
    fn dot_strings_cannot_end_early() {
        let out = dot(HOSTILE);
        assert!(!out.contains('\n'));
        // Every quote is escaped: removing the escaped ones leaves none.
        assert!(!out.replace("\\\\", "").replace("\\\"", "").contains('"'));
    }

    #[test]
    fn mermaid_labels_hold_no_syntax() {
        let out = mermaid(HOSTILE);
        // Drop the entities the escaping wrote; what is left must hold no syntax.
        let mut bare = String::new();
        let mut rest = out.as_str();
        while let Some(at) = rest.find('#') {
            bare.push_str(&rest[..at]);
            let end = rest[at..].find(';').expect("an entity ends with ;");
            assert!(
                rest[at + 1..at + end]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric())
            );
            rest = &rest[at + end + 1..];
        }
        bare.push_str(rest);
        for c in ['"', '<', '>', '|', '`', ';', '[', ']', '{', '}', '#', '\n'] {
            assert!(!bare.contains(c), "{c:?} in {bare}");
        }
    }

    #[test]
    fn markdown_is_one_inert_line() {
        let out = markdown(HOSTILE);
        assert!(!out.contains('\n') && !out.contains('<'));
        assert!(!out.replace("\\|", "").contains('|'));
        assert!(!out.replace("\\`", "").contains('`'));
    }

    #[test]
    fn identifiers_are_plain() {
        assert_eq!(ident("a-b c"), "a_b_c");
        assert_eq!(ident("1x"), "x1x");
    }
}
