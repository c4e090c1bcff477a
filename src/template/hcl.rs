//! Terraform `.tf` files (HCL, read with hcl-edit, which keeps byte spans): each `resource`
//! block becomes the plan entry `terraform show -json` would give it, so one reader
//! ([`super::terraform::read_tree`]) serves plans and source files alike. Literal values are
//! kept (strings, numbers, booleans, lists, objects, nested blocks as lists of objects,
//! `jsonencode({…})` as the JSON text it produces); any other expression's value is unknown, as
//! in a plan before apply, but the resources it refers to (`aws_kms_key.orders.arn`) are kept as
//! the configuration's references.

use super::tree::{Node, Value};
use super::yaml::{MAX_BYTES, ReadError};
use crate::source::SourceFile;
use hcl_edit::Span;
use hcl_edit::expr::{Expression, ObjectKey, Traversal, TraversalOperator};
use hcl_edit::structure::{Block, BlockLabel, Body, Structure};
use hcl_edit::visit::{Visit, visit_traversal};

/// Whether a template name is a Terraform source file.
pub fn is_terraform_source(file: &str) -> bool {
    file.ends_with(".tf")
}

/// Byte offsets to lines and columns.
struct Locator {
    file: SourceFile,
}

impl Locator {
    fn node(&self, span: Option<std::ops::Range<usize>>, value: Value) -> Node {
        let (line, column) = self.file.line_column(span.map_or(0, |s| s.start));
        Node {
            value,
            line,
            column,
        }
    }
}

/// The resources an expression refers to, as Terraform's plan names them (`aws_kms_key.orders`).
#[derive(Default)]
struct References(Vec<String>);

impl Visit for References {
    fn visit_traversal(&mut self, node: &Traversal) {
        if let Expression::Variable(root) = &node.expr
            && let Some(TraversalOperator::GetAttr(name)) =
                node.operators.first().map(|o| o.value())
        {
            let root = root.as_str();
            if !matches!(
                root,
                "var" | "local" | "module" | "data" | "each" | "count" | "path" | "self"
            ) {
                self.0.push(format!("{root}.{}", name.as_str()));
            }
        }
        visit_traversal(self, node);
    }
}

fn references_in(expression: &Expression) -> Vec<String> {
    let mut found = References::default();
    found.visit_expr(expression);
    found.0
}

fn references_in_body(body: &Body) -> Vec<String> {
    let mut found = References::default();
    found.visit_body(body);
    found.0
}

/// A literal expression as JSON, for `jsonencode`; `None` when any part is not literal.
fn json_of(expression: &Expression) -> Option<serde_json::Value> {
    use serde_json::Value as J;
    Some(match expression {
        Expression::Null(_) => J::Null,
        Expression::Bool(b) => J::Bool(*b.value()),
        Expression::Number(n) => serde_json::from_str(&n.value().to_string()).ok()?,
        Expression::String(s) => J::String(s.value().to_string()),
        Expression::Array(items) => J::Array(items.iter().map(json_of).collect::<Option<_>>()?),
        Expression::Object(object) => {
            let mut map = serde_json::Map::new();
            for (key, value) in object.iter() {
                let key = match key {
                    ObjectKey::Ident(ident) => ident.as_str().to_string(),
                    ObjectKey::Expression(Expression::String(s)) => s.value().to_string(),
                    ObjectKey::Expression(_) => return None,
                };
                map.insert(key, json_of(value.expr())?);
            }
            J::Object(map)
        }
        Expression::Parenthesis(inner) => json_of(inner.inner())?,
        // A reference or template inside a policy: its ARN, unknown until apply.
        _ => J::String("(known after apply)".to_string()),
    })
}

fn value_of(locator: &Locator, expression: &Expression) -> Node {
    let span = expression.span();
    let value = match expression {
        Expression::Null(_) => Value::Null,
        Expression::Bool(b) => Value::Bool(*b.value()),
        Expression::Number(n) => Value::Number(n.value().to_string()),
        Expression::String(s) => Value::Str(s.value().to_string()),
        Expression::Array(items) => {
            Value::Seq(items.iter().map(|e| value_of(locator, e)).collect())
        }
        Expression::Object(object) => Value::Map(
            object
                .iter()
                .filter_map(|(key, value)| {
                    let key = match key {
                        ObjectKey::Ident(ident) => ident.as_str().to_string(),
                        ObjectKey::Expression(Expression::String(s)) => s.value().to_string(),
                        ObjectKey::Expression(_) => return None,
                    };
                    Some((key, value_of(locator, value.expr())))
                })
                .collect(),
        ),
        Expression::Parenthesis(inner) => return value_of(locator, inner.inner()),
        Expression::FuncCall(call) if call.name.name.as_str() == "jsonencode" => {
            match call.args.iter().next().and_then(json_of) {
                Some(json) => Value::Str(json.to_string()),
                None => Value::Null,
            }
        }
        Expression::HeredocTemplate(heredoc) if heredoc.template.iter().all(|e| e.is_literal()) => {
            Value::Str(heredoc.template.to_string())
        }
        _ => Value::Null,
    };
    locator.node(span, value)
}

/// A block's body as a plan's `values`: attributes by name, nested blocks as lists of objects.
fn values_of(locator: &Locator, block: &Block) -> Node {
    let mut entries: Vec<(String, Node)> = Vec::new();
    for structure in block.body.iter() {
        match structure {
            Structure::Attribute(attribute) => {
                entries.push((
                    attribute.key.as_str().to_string(),
                    value_of(locator, &attribute.value),
                ));
            }
            Structure::Block(inner) => {
                let name = inner.ident.as_str().to_string();
                let value = values_of(locator, inner);
                match entries.iter_mut().find(|(k, _)| *k == name) {
                    Some((
                        _,
                        Node {
                            value: Value::Seq(items),
                            ..
                        },
                    )) => items.push(value),
                    _ => entries.push((name, locator.node(inner.span(), Value::Seq(vec![value])))),
                }
            }
        }
    }
    locator.node(block.span(), Value::Map(entries))
}

fn label(label: &BlockLabel) -> &str {
    match label {
        BlockLabel::Ident(ident) => ident.as_str(),
        BlockLabel::String(s) => s.value(),
    }
}

fn string(locator: &Locator, span: Option<std::ops::Range<usize>>, text: &str) -> Node {
    locator.node(span, Value::Str(text.to_string()))
}

fn mapping(
    locator: &Locator,
    span: Option<std::ops::Range<usize>>,
    entries: Vec<(&str, Node)>,
) -> Node {
    locator.node(
        span,
        Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        ),
    )
}

/// Reads a `.tf` file into the tree of a plan: `planned_values` and `configuration`.
pub fn read(file: &str, text: &str) -> Result<Node, ReadError> {
    if text.len() > MAX_BYTES {
        return Err(ReadError {
            message: format!(
                "the file is {} bytes; threatflow reads Terraform files of at most {MAX_BYTES} bytes",
                text.len()
            ),
            line: 1,
            column: 1,
        });
    }
    let locator = Locator {
        file: SourceFile::new(file.to_string(), text.to_string()),
    };
    super::hcl_brackets::check(&locator.file)?;
    let body = hcl_edit::parser::parse_body(text).map_err(|error| ReadError {
        message: format!("this is not valid HCL: {}", error.message()),
        line: error.location().line(),
        column: error.location().column(),
    })?;
    let mut planned = Vec::new();
    let mut configured = Vec::new();
    for block in body.blocks() {
        if block.ident.as_str() != "resource" {
            continue;
        }
        let [kind, name] = &block.labels[..] else {
            return Err(ReadError {
                message: "a `resource` block has two labels: its type and its name".to_string(),
                line: locator.node(block.span(), Value::Null).line,
                column: locator.node(block.span(), Value::Null).column,
            });
        };
        let (kind, name) = (label(kind), label(name));
        let address = format!("{kind}.{name}");
        let span = block.span();
        planned.push(mapping(
            &locator,
            span.clone(),
            vec![
                ("address", string(&locator, span.clone(), &address)),
                ("type", string(&locator, span.clone(), kind)),
                ("values", values_of(&locator, block)),
            ],
        ));
        let mut expressions = Vec::new();
        for structure in block.body.iter() {
            let (key, references) = match structure {
                Structure::Attribute(a) => (a.key.as_str(), references_in(&a.value)),
                Structure::Block(b) => (b.ident.as_str(), references_in_body(&b.body)),
            };
            let references = references
                .iter()
                .map(|r| string(&locator, span.clone(), r))
                .collect();
            expressions.push((
                key,
                mapping(
                    &locator,
                    span.clone(),
                    vec![(
                        "references",
                        locator.node(span.clone(), Value::Seq(references)),
                    )],
                ),
            ));
        }
        configured.push(mapping(
            &locator,
            span.clone(),
            vec![
                ("address", string(&locator, span.clone(), &address)),
                ("expressions", mapping(&locator, span.clone(), expressions)),
            ],
        ));
    }
    // The synthetic plan's own nodes are located at the start of the file.
    let root: Option<std::ops::Range<usize>> = None;
    let module = |resources: Vec<Node>| {
        mapping(
            &locator,
            root.clone(),
            vec![(
                "root_module",
                mapping(
                    &locator,
                    root.clone(),
                    vec![(
                        "resources",
                        locator.node(root.clone(), Value::Seq(resources)),
                    )],
                ),
            )],
        )
    };
    Ok(mapping(
        &locator,
        root.clone(),
        vec![
            ("format_version", string(&locator, root.clone(), "1.2")),
            ("planned_values", module(planned)),
            ("configuration", module(configured)),
        ],
    ))
}
