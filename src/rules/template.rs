//! Message and fix templates: text with `{expression}` placeholders, checked like a `where`
//! clause and filled in for each finding. `{{` and `}}` stand for literal braces.

use super::check::Checker;
use super::eval::Evaluator;
use super::ir::Expr;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::SourceMap;
use crate::span::Span;

/// A checked template.
#[derive(Clone, Debug)]
pub struct Template {
    pieces: Vec<Piece>,
}

#[derive(Clone, Debug)]
enum Piece {
    Text(String),
    Value(Expr),
}

impl Template {
    /// Checks `text`, written in the attribute at `span` (used to locate placeholders).
    pub fn check(
        checker: &mut Checker,
        sources: &SourceMap,
        text: &str,
        span: Span,
    ) -> Option<Template> {
        let source = &sources.get(span.file).text;
        let written = source
            .get(span.start as usize..span.end as usize)
            .unwrap_or("");
        let mut pieces = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        let mut ok = true;
        while let Some(open) = rest.find(['{', '}']) {
            literal.push_str(&rest[..open]);
            let brace = rest.as_bytes()[open];
            let after = &rest[open + 1..];
            if after.as_bytes().first() == Some(&brace) {
                literal.push(brace as char);
                rest = &after[1..];
                continue;
            }
            if brace == b'}' {
                checker
                    .diagnostics
                    .push(placeholder_error(span, "a `}` without its `{`"));
                return None;
            }
            let Some(close) = after.find('}') else {
                checker
                    .diagnostics
                    .push(placeholder_error(span, "a `{` without its `}`"));
                return None;
            };
            let inner = &after[..close];
            // Where the placeholder's text is in the file, when the string holds it verbatim.
            let needle = format!("{{{inner}}}");
            let located = written.find(&needle).map(|at| span.start as usize + at + 1);
            let inner_span = located.map_or(span, |start| {
                Span::new(span.file, start, start + inner.len())
            });
            // Strings are not depth-checked by the lexical pre-pass: the placeholder parsers
            // check the nesting themselves and refuse what is too deep.
            let parsed =
                crate::syntax::parse_placeholder(span.file, inner, inner_span.start as usize);
            match parsed {
                Some(expr) => match checker.value(&expr) {
                    Some(checked) => {
                        if !literal.is_empty() {
                            pieces.push(Piece::Text(std::mem::take(&mut literal)));
                        }
                        pieces.push(Piece::Value(checked));
                    }
                    None => ok = false,
                },
                None => {
                    checker.diagnostics.push(
                        Diagnostic::error(Code::RulePlaceholder, format!("`{{{}}}` is not an expression", shortened(inner)))
                            .with_primary(inner_span, "not an expression")
                            .with_help("a placeholder holds an expression such as `{s}`, `{s.data}` or `{f.source.kind}`; write `{{` for a literal brace"),
                    );
                    ok = false;
                }
            }
            rest = &after[close + 1..];
        }
        literal.push_str(rest);
        if !literal.is_empty() {
            pieces.push(Piece::Text(literal));
        }
        ok.then_some(Template { pieces })
    }

    /// Appends the text for the finding whose subject `evaluator` holds to `out`.
    pub fn write_into<'a>(&'a self, evaluator: &mut Evaluator<'a, '_>, out: &mut String) {
        for piece in &self.pieces {
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Value(expr) => evaluator.eval(expr).display_into(evaluator.graph, out),
            }
        }
    }
}

/// `text`, cut to a length a message can show.
fn shortened(text: &str) -> String {
    const LIMIT: usize = 40;
    match text.char_indices().nth(LIMIT) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

fn placeholder_error(span: Span, what: &str) -> Diagnostic {
    Diagnostic::error(Code::RulePlaceholder, format!("the text has {what}"))
        .with_primary(span, "unbalanced braces")
        .with_help("write `{{` and `}}` for literal braces")
}
