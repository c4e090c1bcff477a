//! Reading a template's text (YAML, or JSON, which the YAML parser also reads) into a [`Node`]
//! tree, from the parser's events so that every limit is ours: nesting depth, the size an
//! alias may expand to, duplicate keys and unknown tags are located errors, never a hang, a
//! stack overflow or unbounded memory.

use super::tree::{Node, Value};
use saphyr_parser::{Event, Parser, ScalarStyle, Span};

/// The deepest nesting accepted; real templates stay far below it.
pub const MAX_DEPTH: usize = 128;
/// The most nodes a template may have once aliases are expanded (alias bombs stop here).
pub const MAX_NODES: usize = 2_000_000;
/// The largest template accepted, in bytes.
pub const MAX_BYTES: usize = 20 * 1024 * 1024;

/// A problem reading a template, at a 1-based line and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadError {
    pub message: String,
    pub line: usize,
    pub column: usize,
}

/// CloudFormation's short-form tags and the long-form key each becomes.
const SHORT_FORMS: &[(&str, &str)] = &[
    ("Ref", "Ref"),
    ("Condition", "Condition"),
    ("GetAtt", "Fn::GetAtt"),
    ("Sub", "Fn::Sub"),
    ("If", "Fn::If"),
    ("Join", "Fn::Join"),
    ("Select", "Fn::Select"),
    ("Split", "Fn::Split"),
    ("FindInMap", "Fn::FindInMap"),
    ("ImportValue", "Fn::ImportValue"),
    ("Base64", "Fn::Base64"),
    ("Cidr", "Fn::Cidr"),
    ("GetAZs", "Fn::GetAZs"),
    ("Equals", "Fn::Equals"),
    ("And", "Fn::And"),
    ("Or", "Fn::Or"),
    ("Not", "Fn::Not"),
    ("Transform", "Fn::Transform"),
    ("Length", "Fn::Length"),
    ("ToJsonString", "Fn::ToJsonString"),
    ("ValueOf", "Fn::ValueOf"),
];

fn located(span: &Span, message: impl Into<String>) -> ReadError {
    ReadError {
        message: message.into(),
        line: span.start.line(),
        column: span.start.col() + 1,
    }
}

/// A node being built: a sequence or a mapping waiting for its items.
enum Open {
    Seq {
        items: Vec<Node>,
        at: (usize, usize),
        anchor: usize,
        tag: Option<String>,
    },
    Map {
        entries: Vec<(String, Node)>,
        key: Option<(String, Span)>,
        at: (usize, usize),
        anchor: usize,
        tag: Option<String>,
    },
}

/// Reads the first document of `text`.
pub fn read(text: &str) -> Result<Node, ReadError> {
    if text.len() > MAX_BYTES {
        return Err(ReadError {
            message: format!(
                "the template is {} MB; templates larger than {} MB are not read",
                text.len() / (1024 * 1024),
                MAX_BYTES / (1024 * 1024)
            ),
            line: 1,
            column: 1,
        });
    }
    let mut stack: Vec<Open> = Vec::new();
    let mut anchors: std::collections::HashMap<usize, (Node, usize)> = Default::default();
    let mut nodes = 0usize;
    let mut root: Option<Node> = None;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| ReadError {
            message: e.info().to_string(),
            line: e.marker().line(),
            column: e.marker().col() + 1,
        })?;
        let at = (span.start.line(), span.start.col() + 1);
        let finished: Option<(Node, usize, Span)> = match event {
            Event::StreamStart | Event::DocumentStart(_) | Event::Nothing => None,
            Event::DocumentEnd | Event::StreamEnd => {
                if root.is_some() {
                    break;
                }
                None
            }
            Event::Scalar(value, style, anchor, tag) => {
                nodes += 1;
                let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix));
                let plain = matches!(style, ScalarStyle::Plain);
                let node = Node {
                    value: scalar(&value, plain),
                    line: at.0,
                    column: at.1,
                };
                Some((apply_tag(node, tag.as_deref(), &span)?, anchor, span))
            }
            Event::SequenceStart(anchor, tag) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(located(
                        &span,
                        format!("the template nests deeper than {MAX_DEPTH} levels"),
                    ));
                }
                stack.push(Open::Seq {
                    items: Vec::new(),
                    at,
                    anchor,
                    tag: tag.map(|t| format!("{}{}", t.handle, t.suffix)),
                });
                None
            }
            Event::MappingStart(anchor, tag) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(located(
                        &span,
                        format!("the template nests deeper than {MAX_DEPTH} levels"),
                    ));
                }
                stack.push(Open::Map {
                    entries: Vec::new(),
                    key: None,
                    at,
                    anchor,
                    tag: tag.map(|t| format!("{}{}", t.handle, t.suffix)),
                });
                None
            }
            Event::SequenceEnd | Event::MappingEnd => {
                nodes += 1;
                match stack.pop() {
                    Some(Open::Seq {
                        items,
                        at,
                        anchor,
                        tag,
                    }) => {
                        let node = Node {
                            value: Value::Seq(items),
                            line: at.0,
                            column: at.1,
                        };
                        Some((apply_tag(node, tag.as_deref(), &span)?, anchor, span))
                    }
                    Some(Open::Map {
                        entries,
                        at,
                        anchor,
                        tag,
                        ..
                    }) => {
                        let node = Node {
                            value: Value::Map(entries),
                            line: at.0,
                            column: at.1,
                        };
                        Some((apply_tag(node, tag.as_deref(), &span)?, anchor, span))
                    }
                    None => return Err(located(&span, "unbalanced YAML structure")),
                }
            }
            Event::Alias(id) => {
                let Some((node, size)) = anchors.get(&id) else {
                    return Err(located(&span, "an alias to an unknown anchor"));
                };
                nodes += size;
                let mut node = node.clone();
                node.line = at.0;
                node.column = at.1;
                Some((node, 0, span))
            }
        };
        if nodes > MAX_NODES {
            return Err(located(
                &span,
                format!("the template expands to more than {MAX_NODES} nodes (an alias bomb?)"),
            ));
        }
        let Some((node, anchor, span)) = finished else {
            continue;
        };
        if anchor > 0 {
            anchors.insert(anchor, (node.clone(), size_of(&node)));
        }
        match stack.last_mut() {
            None => root = Some(node),
            Some(Open::Seq { items, .. }) => items.push(node),
            Some(Open::Map { entries, key, .. }) => match key.take() {
                None => {
                    let Value::Str(name) = node.value else {
                        let name = match node.value {
                            Value::Number(n) => n,
                            Value::Bool(b) => b.to_string(),
                            Value::Null => String::new(),
                            _ => return Err(located(&span, "a mapping key must be a scalar")),
                        };
                        *key = Some((name, span));
                        continue;
                    };
                    if entries.iter().any(|(k, _)| *k == name) {
                        return Err(located(
                            &span,
                            format!("the key `{name}` appears twice in this mapping"),
                        ));
                    }
                    *key = Some((name, span));
                }
                Some((name, _)) => entries.push((name, node)),
            },
        }
    }
    root.ok_or(ReadError {
        message: "the template is empty".to_string(),
        line: 1,
        column: 1,
    })
}

/// How many nodes a subtree holds (an alias to it costs that many).
fn size_of(node: &Node) -> usize {
    let mut count = 0;
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        count += 1;
        match &n.value {
            Value::Seq(items) => stack.extend(items),
            Value::Map(entries) => stack.extend(entries.iter().map(|(_, v)| v)),
            _ => {}
        }
    }
    count
}

fn scalar(text: &str, plain: bool) -> Value {
    if !plain {
        return Value::Str(text.to_string());
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ if looks_numeric(text) => Value::Number(text.to_string()),
        _ => Value::Str(text.to_string()),
    }
}

fn looks_numeric(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    !digits.is_empty()
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == 'e' || c == 'E')
        && digits.starts_with(|c: char| c.is_ascii_digit())
}

/// Turns a CloudFormation short form into its long form; refuses tags CloudFormation lacks.
fn apply_tag(node: Node, tag: Option<&str>, span: &Span) -> Result<Node, ReadError> {
    let Some(tag) = tag else { return Ok(node) };
    let name = tag.trim_start_matches('!');
    // Standard YAML tags (!!str and friends) keep the value as it is.
    if tag.starts_with("tag:yaml.org,2002:") || tag.starts_with("!!") {
        return Ok(node);
    }
    let Some((_, long)) = SHORT_FORMS.iter().find(|(short, _)| *short == name) else {
        return Err(located(
            span,
            format!("`{tag}` is not a CloudFormation intrinsic function"),
        ));
    };
    let (line, column) = (node.line, node.column);
    let argument = match (name, node.value) {
        // `!GetAtt resource.attribute` is `["resource", "attribute"]`.
        ("GetAtt", Value::Str(text)) => {
            let (resource, attribute) = text.split_once('.').unwrap_or((&text, ""));
            Node {
                value: Value::Seq(vec![
                    Node {
                        value: Value::Str(resource.to_string()),
                        line,
                        column,
                    },
                    Node {
                        value: Value::Str(attribute.to_string()),
                        line,
                        column,
                    },
                ]),
                line,
                column,
            }
        }
        (_, value) => Node {
            value,
            line,
            column,
        },
    };
    Ok(Node {
        value: Value::Map(vec![(long.to_string(), argument)]),
        line,
        column,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_forms_become_long_forms_with_locations() {
        let node = read("A:\n  B: !Ref Table\n  C: !GetAtt Fn.Arn\n  D: !Sub '${X}'\n").unwrap();
        let b = node.at(&["A", "B"]).unwrap();
        assert_eq!(b.reference(), Some("Table"));
        assert_eq!((b.line, b.column), (2, 6));
        assert_eq!(node.at(&["A", "C"]).unwrap().reference(), Some("Fn"));
        assert_eq!(
            node.at(&["A", "D", "Fn::Sub"]).unwrap().as_str(),
            Some("${X}")
        );
    }

    #[test]
    fn json_reads_the_same() {
        let node = read("{\"A\": {\"Ref\": \"T\"}, \"N\": 3, \"F\": false}").unwrap();
        assert_eq!(node.get("A").unwrap().reference(), Some("T"));
        assert_eq!(node.get("N").unwrap().as_str(), Some("3"));
        assert_eq!(node.get("F").unwrap().as_bool(), Some(false));
    }

    #[test]
    fn bad_input_is_a_located_error() {
        let duplicate = read("A: 1\nB: 2\nA: 3\n").unwrap_err();
        assert!(duplicate.message.contains("appears twice"), "{duplicate:?}");
        assert_eq!(duplicate.line, 3);
        let unknown = read("A: !Frobnicate x\n").unwrap_err();
        assert!(unknown.message.contains("not a CloudFormation intrinsic"));
        let deep = format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000));
        // The parser's own recursion limit or ours, whichever comes first: located either way.
        let error = read(&deep).unwrap_err();
        assert_eq!(error.line, 1, "{error:?}");
        let nested_maps = "a:\n".to_string()
            + &(0..200)
                .map(|i| format!("{}k{i}:\n", " ".repeat(i + 1)))
                .collect::<String>();
        assert!(read(&nested_maps).is_err());
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let previous = (b'a' + i - 1) as char;
            let name = (b'a' + i) as char;
            bomb.push_str(&format!(
                "{name}: &{name} [*{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}]\n"
            ));
        }
        assert!(read(&bomb).unwrap_err().message.contains("alias bomb"));
        assert!(read("").unwrap_err().message.contains("empty"));
        let huge = "# padding\n".repeat(MAX_BYTES / 10 + 1);
        assert!(read(&huge).unwrap_err().message.contains("not read"));
        assert!(read("a: [1, 2\n").is_err());
    }
}
