//! Turning pest's parse errors into located, readable diagnostics.

use super::DECLARATION_KEYWORDS;
use super::grammar::Rule;
use crate::diagnostic::{Code, Diagnostic};
use crate::span::{FileId, Span};
use pest::error::{Error, ErrorVariant, InputLocation};
use std::sync::Mutex;

/// Runs `parse` with pest recording which tokens it expected where the parse failed.
///
/// Recording costs about half of the parsing time, so it is on only while a recovered region
/// is parsed again to describe its error. The switch is global in pest: the lock keeps two
/// such parses from turning it off under each other (other parses only run slower meanwhile).
pub fn with_error_detail<T>(parse: impl FnOnce() -> T) -> T {
    static DETAIL: Mutex<()> = Mutex::new(());
    let _guard = DETAIL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    pest::set_error_detail(true);
    let result = parse();
    pest::set_error_detail(false);
    result
}

/// Converts a pest error from parsing `text[offset..]` into a diagnostic.
pub fn from_pest(file: FileId, text: &str, offset: usize, error: &Error<Rule>) -> Diagnostic {
    let relative = match error.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((start, _)) => start,
    };
    let position = offset + relative;
    let found = describe_found(text, position);
    let mut expected: Vec<String> = Vec::new();
    let mut keywords = 0;
    if let ErrorVariant::ParsingError { positives, .. } = &error.variant {
        keywords = positives.iter().filter(|r| is_keyword_rule(**r)).count();
        if keywords >= 3 {
            expected.push("a declaration".to_string());
        }
        for rule in positives {
            if keywords >= 3 && is_keyword_rule(*rule) {
                continue;
            }
            if let Some(name) = rule_name(*rule) {
                expected.push(name.to_string());
            }
        }
    }
    if let Some(attempts) = error.parse_attempts()
        && attempts.max_position == relative
    {
        for token in attempts.expected_tokens() {
            // The tokens' type is not exported by pest; literal tokens display as themselves.
            let token = token.to_string();
            let is_range = token.chars().count() == 4 && token.contains("..");
            let collapsed_keyword = keywords >= 3 && DECLARATION_KEYWORDS.contains(&token.as_str());
            let noise = token.trim().is_empty()
                || matches!(token.as_str(), "//" | "_" | "BUILTIN_RULE")
                || is_range
                || collapsed_keyword;
            if !noise {
                expected.push(format!("`{token}`"));
            }
        }
    }
    // Tokens that only start a string or a number say less than "a value" does.
    expected.retain(|e| e != "`\"`" && e != "`-`");
    if expected.iter().any(|e| e == "`}`") {
        expected.retain(|e| e != "the end of the file");
    }
    expected.sort_by_key(|e| (e.starts_with('`'), e.clone()));
    expected.dedup();
    let message = if expected.is_empty() {
        format!("unexpected {found}")
    } else {
        format!("expected {}, found {found}", join_or(&expected))
    };
    let end = token_end(text, position);
    let diagnostic = Diagnostic::error(Code::SyntaxError, message)
        .with_primary(Span::new(file, position, end), "unexpected here");
    let help = if found == "`=`" {
        Some("attributes are written `key value`, without `=`".to_string())
    } else {
        keyword_suggestion(text, position)
    };
    diagnostic.with_optional_help(help)
}

fn is_keyword_rule(rule: Rule) -> bool {
    rule_name(rule).is_some_and(|name| name.starts_with('`'))
}

/// The words used for a rule in messages; `None` for rules not worth naming.
fn rule_name(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::ident => "a name",
        Rule::dotted_name => "a kind name",
        Rule::rule_id => "a rule id",
        Rule::string => "a string",
        Rule::integer => "an integer",
        Rule::date => "a date",
        Rule::rate => "a rate",
        Rule::value | Rule::value_list | Rule::default_value => "a value",
        Rule::attribute => "an attribute",
        Rule::attr_decl => "an `attr` declaration",
        Rule::term => "a type",
        Rule::block | Rule::kind_block | Rule::boundary_block | Rule::rule_block => "a `{` block",
        Rule::expr => "an expression",
        Rule::kw_model => "`model`",
        Rule::kw_use => "`use`",
        Rule::kw_role => "`role`",
        Rule::kw_capability => "`capability`",
        Rule::kw_kind => "`kind`",
        Rule::kw_attr => "`attr`",
        Rule::kw_classification => "`classification`",
        Rule::kw_data => "`data`",
        Rule::kw_boundary => "`boundary`",
        Rule::kw_flow => "`flow`",
        Rule::kw_rule => "`rule`",
        Rule::kw_accept => "`accept`",
        Rule::kw_on => "`on`",
        Rule::kw_for => "`for`",
        Rule::kw_where => "`where`",
        Rule::EOI => "the end of the file",
        _ => return None,
    })
}

/// "a", "a or b", "a, b or c"
fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// Describes the text at `position`: a word, a symbol, a line break or the end of the file.
fn describe_found(text: &str, position: usize) -> String {
    let rest = &text[position.min(text.len())..];
    match rest.chars().next() {
        None => "the end of the file".to_string(),
        Some('\n') | Some('\r') => "the end of the line".to_string(),
        Some(_) => format!("`{}`", &rest[..token_end(text, position) - position]),
    }
}

/// The end of the word or symbol starting at `position`.
fn token_end(text: &str, position: usize) -> usize {
    let rest = &text[position.min(text.len())..];
    let word = rest
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
        .map_or(rest.len(), |(i, _)| i);
    let len = if word > 0 {
        word
    } else {
        rest.chars()
            .next()
            .filter(|c| *c != '\n' && *c != '\r')
            .map_or(0, char::len_utf8)
    };
    position.min(text.len()) + len
}

/// "did you mean `model`?" when the line of the error starts (unindented) with a misspelt
/// keyword.
fn keyword_suggestion(text: &str, position: usize) -> Option<String> {
    let line_start = text[..position.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let first_word: String = text[line_start..]
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    if DECLARATION_KEYWORDS.contains(&first_word.as_str()) {
        return None;
    }
    crate::suggest::closest(&first_word, DECLARATION_KEYWORDS.iter().copied())
        .map(|keyword| format!("did you mean `{keyword}`?"))
}
