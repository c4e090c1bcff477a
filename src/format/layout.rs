//! The canonical layout of each construct: two-space indentation, one attribute per line with
//! the values of a block aligned, blocks without content written without braces.

use super::printer::Printer;
use crate::span::Span;
use crate::syntax::ast::*;

pub fn items(p: &mut Printer, items: &[Item]) {
    for item in items {
        match item {
            Item::Model(d) => {
                let header = format!("model {}", quote(&d.name.value));
                block(p, &header, d.span, &d.block, true);
            }
            Item::Use(d) => {
                let target = match &d.target {
                    UseTarget::Module(m) => m.name.to_string(),
                    UseTarget::Path(path) => quote(&path.value),
                };
                p.line(
                    &format!("use {target}"),
                    d.span.start as usize,
                    d.span.end as usize,
                );
            }
            Item::Role(d) => {
                let header = with_string(format!("role {}", d.name.name), &d.doc);
                block(p, &header, d.span, &d.block, false);
            }
            Item::Capability(d) => {
                let header = with_string(format!("capability {}", d.name.name), &d.doc);
                block(p, &header, d.span, &d.block, false);
            }
            Item::Kind(d) => kind(p, d),
            Item::Classification(d) => {
                let header = with_string(format!("classification {}", d.name.name), &d.doc);
                block(p, &header, d.span, &d.block, false);
            }
            Item::Data(d) => {
                let header = with_string(
                    format!("data {} : {}", d.name.name, d.classification.name),
                    &d.doc,
                );
                block(p, &header, d.span, &d.block, false);
            }
            Item::Boundary(d) => boundary(p, d),
            Item::Element(d) => element(p, d),
            Item::Flow(d) => flow(p, d),
            Item::Rule(d) => rule(p, d),
            Item::Accept(d) => {
                let header = format!("accept {} on {}", d.rule.name, d.target.name);
                block(p, &header, d.span, &d.block, true);
            }
        }
    }
}

fn with_string(header: String, string: &Option<Str>) -> String {
    match string {
        Some(s) => format!("{header} {}", quote(&s.value)),
        None => header,
    }
}

/// A header and its block of attributes; `keep_braces` for declarations whose block the
/// grammar requires.
fn block(p: &mut Printer, header: &str, decl: Span, block: &Block, keep_braces: bool) {
    let (start, decl_end) = (decl.start as usize, decl.end as usize);
    let Some(span) = block.span else {
        p.line(header, start, decl_end);
        return;
    };
    let (open, end) = (span.start as usize, span.end as usize);
    if block.attributes.is_empty() && !p.has_comment_within(open, end) {
        if keep_braces {
            p.line(&format!("{header} {{}}"), start, end);
        } else {
            p.line(header, start, end);
        }
        return;
    }
    p.open(header, start, open);
    attributes(p, &block.attributes);
    p.close(end);
}

/// Attributes one per line, values aligned on the longest key.
fn attributes(p: &mut Printer, attributes: &[Attribute]) {
    let width = key_width(attributes.iter());
    for attribute in attributes {
        attribute_line(p, attribute, width);
    }
}

fn key_width<'a>(attributes: impl Iterator<Item = &'a Attribute>) -> usize {
    attributes
        .filter(|a| !a.values.is_empty())
        .map(|a| a.key.name.chars().count())
        .max()
        .unwrap_or(0)
}

/// Lines longer than this are wrapped after a comma, when they have several values.
const MAX_WIDTH: usize = 100;

fn attribute_line(p: &mut Printer, attribute: &Attribute, width: usize) {
    let mut line = attribute.key.name.clone();
    if !attribute.values.is_empty() {
        let pad = width.saturating_sub(attribute.key.name.chars().count()) + 1;
        line.push_str(&" ".repeat(pad));
        let column = p.indent_width() + line.chars().count();
        line.push_str(&wrapped(&attribute.values, column));
    }
    let (start, end) = (attribute.span.start as usize, attribute.span.end as usize);
    p.line(&line, start, end);
}

/// Values separated by commas, continued on lines aligned at `column` past [`MAX_WIDTH`].
fn wrapped(items: &[Value], column: usize) -> String {
    let mut out = String::new();
    let mut current = column;
    for (i, item) in items.iter().enumerate() {
        let text = value(item);
        let last = i + 1 == items.len();
        let needed = text.chars().count() + usize::from(!last);
        if i > 0 {
            if current + 1 + needed > MAX_WIDTH {
                out.push('\n');
                out.push_str(&" ".repeat(column));
                current = column;
            } else {
                out.push(' ');
                current += 1;
            }
        }
        out.push_str(&text);
        if !last {
            out.push(',');
        }
        current += needed;
    }
    out
}

fn values(values: &[Value]) -> String {
    values.iter().map(value).collect::<Vec<_>>().join(", ")
}

pub fn value(value: &Value) -> String {
    match &value.kind {
        ValueKind::Ident(name) => name.to_string(),
        ValueKind::Str(text) => quote(text),
        ValueKind::Int(n) => n.to_string(),
        ValueKind::Rate { count, unit } => format!("{count}/{}", unit.as_str()),
        ValueKind::Date(date) => date.to_string(),
        ValueKind::Invalid(text) => text.clone(),
        ValueKind::Call(call) => {
            if call.tagged {
                format!("{} {}", call.name.name, values(&call.args))
            } else {
                format!("{}({})", call.name.name, values(&call.args))
            }
        }
    }
}

fn kind(p: &mut Printer, d: &KindDecl) {
    let header = with_string(format!("kind {} : {}", d.name.name, d.role.name), &d.doc);
    let start = d.span.start as usize;
    let Some(span) = d.block_span else {
        p.line(&header, start, d.span.end as usize);
        return;
    };
    let (open, end) = (span.start as usize, span.end as usize);
    if d.order.is_empty() && !p.has_comment_within(open, end) {
        p.line(&header, start, end);
        return;
    }
    p.open(&header, start, open);
    let width = key_width(d.properties.iter());
    for member in &d.order {
        match member {
            KindMember::Property(i) => attribute_line(p, &d.properties[*i], width),
            KindMember::Attr(i) => {
                let attr = &d.attrs[*i];
                let mut line = format!("attr {} : {}", attr.name.name, term(&attr.ty));
                if let Some(default) = &attr.default {
                    line.push_str(&format!(" = {}", value(default)));
                }
                if let Some(doc) = &attr.doc {
                    line.push_str(&format!(" {}", quote(&doc.value)));
                }
                p.line(&line, attr.span.start as usize, attr.span.end as usize);
            }
        }
    }
    p.close(end);
}

fn term(t: &Term) -> String {
    if t.args.is_empty() {
        t.name.name.to_string()
    } else {
        let args: Vec<String> = t.args.iter().map(term).collect();
        format!("{}({})", t.name.name, args.join(", "))
    }
}

fn boundary(p: &mut Printer, d: &BoundaryDecl) {
    let mut header = format!("boundary {}", d.name.name);
    if let Some(kind) = &d.kind {
        header.push_str(&format!(" : {}", kind.name));
    }
    let header = with_string(header, &d.label);
    let start = d.span.start as usize;
    let Some(span) = d.block_span else {
        p.line(&header, start, d.span.end as usize);
        return;
    };
    let (open, end) = (span.start as usize, span.end as usize);
    if d.members.is_empty() && !p.has_comment_within(open, end) {
        p.line(&header, start, end);
        return;
    }
    p.open(&header, start, open);
    let width = key_width(d.members.iter().filter_map(|m| match m {
        Member::Attribute(a) => Some(&**a),
        _ => None,
    }));
    for member in &d.members {
        match member {
            Member::Boundary(inner) => boundary(p, inner),
            Member::Element(inner) => element(p, inner),
            Member::Flow(inner) => flow(p, inner),
            Member::Attribute(attribute) => attribute_line(p, attribute, width),
        }
    }
    p.close(end);
}

fn element(p: &mut Printer, d: &ElementDecl) {
    let mut header = format!("{} {}", d.keyword.name, d.name.name);
    if let Some(kind) = &d.kind {
        header.push_str(&format!(" : {}", kind.name));
    }
    let header = with_string(header, &d.label);
    block(p, &header, d.span, &d.block, false);
}

fn flow(p: &mut Printer, d: &FlowDecl) {
    let header = with_string(
        format!("flow {} -> {}", d.source.name, d.target.name),
        &d.label,
    );
    block(p, &header, d.span, &d.block, false);
}

fn rule(p: &mut Printer, d: &RuleDecl) {
    let header = format!("rule {} {}", d.id.name, quote(&d.title.value));
    let (open, end) = (d.block_span.start as usize, d.block_span.end as usize);
    p.open(&header, d.span.start as usize, open);
    let width = key_width(d.items.iter().filter_map(|item| match item {
        RuleItem::Attribute(a) => Some(a),
        _ => None,
    }));
    for item in &d.items {
        let (start, end) = (item.span().start as usize, item.span().end as usize);
        match item {
            RuleItem::For { role, var, .. } => {
                p.line(&format!("for {} {}", role.name, var.name), start, end);
            }
            RuleItem::Where { expr, .. } => {
                // An expression with comments inside is kept as written, so no comment moves.
                let text = if p.has_comment_within(start, end) {
                    p.leading(start);
                    p.skip_comments_before(end);
                    p.source(expr.span.start as usize, expr.span.end as usize)
                        .to_string()
                } else {
                    expr.to_string()
                };
                p.line(&format!("where {text}"), start, end);
            }
            RuleItem::Attribute(attribute) => attribute_line(p, attribute, width),
        }
    }
    p.close(end);
}
