//! Unit tests of the parser: shapes it accepts and errors it locates.

use super::ast::*;
use super::parse;
use crate::span::FileId;

fn items(text: &str) -> Vec<Item> {
    let parsed = parse(FileId(0), text);
    assert!(
        parsed.diagnostics.is_empty(),
        "unexpected diagnostics: {:#?}",
        parsed.diagnostics
    );
    parsed.file.items
}

fn messages(text: &str) -> Vec<String> {
    parse(FileId(0), text)
        .diagnostics
        .into_iter()
        .map(|d| {
            format!(
                "{}@{}: {}",
                d.code,
                d.primary.unwrap().span.start,
                d.message
            )
        })
        .collect()
}

#[test]
fn flags_end_at_the_end_of_their_line() {
    let items = items("classification card {\n  tokenized\n  level 4\n}\n");
    let Item::Classification(class) = &items[0] else {
        panic!("not a classification")
    };
    let keys: Vec<(&str, usize)> = class
        .block
        .attributes
        .iter()
        .map(|a| (a.key.name.as_str(), a.values.len()))
        .collect();
    assert_eq!(keys, vec![("tokenized", 0), ("level", 1)]);
}

#[test]
fn several_attributes_on_one_line() {
    let items = items("flow a -> b { data Customer, Order  protocol https }");
    let Item::Flow(flow) = &items[0] else {
        panic!("not a flow")
    };
    let attrs = &flow.block.attributes;
    assert_eq!(attrs.len(), 2);
    assert_eq!(attrs[0].values.len(), 2);
    assert_eq!(attrs[1].key.name, "protocol");
}

#[test]
fn values_of_every_shape() {
    let items = items(
        "x a : k { n 3  r 100/s  d 2027-03-31  c cmk(key1)  t cloudformation \"a.yaml\"  s \"q\" }",
    );
    let Item::Element(element) = &items[0] else {
        panic!("not an element")
    };
    let kinds: Vec<String> = element
        .block
        .attributes
        .iter()
        .map(|a| match &a.values[0].kind {
            ValueKind::Int(_) => "int".to_string(),
            ValueKind::Rate { .. } => "rate".to_string(),
            ValueKind::Date(_) => "date".to_string(),
            ValueKind::Call(call) => format!("call tagged={}", call.tagged),
            ValueKind::Str(_) => "str".to_string(),
            ValueKind::Ident(_) => "ident".to_string(),
            ValueKind::Invalid(_) => "invalid".to_string(),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "int",
            "rate",
            "date",
            "call tagged=false",
            "call tagged=true",
            "str"
        ]
    );
}

#[test]
fn rule_expressions_respect_precedence() {
    let items = items(
        "rule X-1 \"t\" {\n for store s\n where not a.b(c) == d or e and f\n message \"m\"\n}",
    );
    let Item::Rule(rule) = &items[0] else {
        panic!("not a rule")
    };
    let RuleItem::Where { expr, .. } = &rule.items[1] else {
        panic!("no where")
    };
    let ExprKind::Binary { op, lhs, .. } = &expr.kind else {
        panic!("not binary")
    };
    assert_eq!(*op, BinaryOp::Or);
    assert!(matches!(lhs.kind, ExprKind::Not(_)));
}

#[test]
fn recovers_and_reports_every_broken_declaration() {
    let text = "use aws\nflow a -> { }\ndata X : internal\nboundary b {\n  x y : z { n = 3 }\n  x w\n}\nkind\n";
    let messages = messages(text);
    assert_eq!(messages.len(), 3, "{messages:#?}");
    assert!(messages[0].starts_with("TF0101@18"), "{messages:#?}");
    assert!(messages[1].starts_with("TF0101@67"), "{messages:#?}");
    assert!(messages[2].starts_with("TF0101@86"), "{messages:#?}");
}

#[test]
fn invalid_escape_date_and_rate_are_located() {
    let messages = messages("x a { s \"a\\qb\"  d 2027-02-30  r 5/week }");
    assert_eq!(messages.len(), 3, "{messages:#?}");
    assert!(messages[0].starts_with("TF0106@10"));
    assert!(messages[1].starts_with("TF0108@18"));
    assert!(messages[2].starts_with("TF0109@34"));
}
