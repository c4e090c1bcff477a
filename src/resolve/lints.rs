//! Warnings about a model that resolves but probably does not say what its authors meant.

use super::Resolver;
use crate::diagnostic::{Code, Diagnostic};
use crate::load::{Origin, Unit};
use crate::model::*;
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

pub(super) fn check(r: &mut Resolver, unit: &Unit) {
    missing_header(r, unit);
    flows(r);
    unused_data(r, unit);
    unused_classifications(r, unit);
    empty_boundaries(r);
}

fn missing_header(r: &mut Resolver, unit: &Unit) {
    let root_has_items = unit
        .files
        .iter()
        .any(|f| f.origin == Origin::Root && !f.ast.items.is_empty());
    if r.model.header.is_none() && root_has_items {
        let span = crate::span::Span::point(unit.root, 0);
        r.report(
            Diagnostic::warning(Code::MissingModelHeader, "the model has no `model` header")
                .with_primary(span, "no header in this file")
                .with_help("start the file with `model \"Name\" { owner \"team\" }`; files meant to be used by others can ignore this"),
        );
    }
}

fn flows(r: &mut Resolver) {
    let mut seen: HashMap<(ElementId, ElementId, Option<&str>), crate::span::Span> =
        HashMap::with_capacity(r.model.flows.len());
    let mut found = Vec::new();
    for flow in &r.model.flows {
        let source = &r.model.element(flow.source).name;
        if flow.source == flow.target {
            found.push(
                Diagnostic::warning(Code::SelfFlow, format!("flow from `{source}` to itself"))
                    .with_primary(flow.span, "self flow")
                    .with_help("a data-flow diagram shows data crossing between elements; model internal steps as separate elements"),
            );
        }
        if flow.attrs.get("data").is_none() {
            found.push(
                Diagnostic::warning(
                    Code::FlowWithoutData,
                    format!(
                        "flow from `{source}` to `{}` carries no data",
                        r.model.element(flow.target).name
                    ),
                )
                .with_primary(flow.span, "no `data`")
                .with_help(
                    "name what it carries, e.g. `{ data Order }`: rules need it to find threats",
                ),
            );
        }
        let key = (flow.source, flow.target, flow.label.as_deref());
        if let Some(first) = seen.get(&key) {
            found.push(
                Diagnostic::warning(Code::DuplicateFlow, "the same flow is declared twice")
                    .with_primary(flow.span, "declared again here")
                    .with_secondary(*first, "first declared here")
                    .with_help("merge the two, or give them different labels"),
            );
        } else {
            seen.insert(key, flow.span);
        }
    }
    r.diagnostics.extend(found);
}

/// Whether a span lies in a file of the standard library (whose declarations may go unused).
fn in_stdlib(unit: &Unit, span: crate::span::Span) -> bool {
    unit.files
        .iter()
        .any(|f| f.id == span.file && f.origin == Origin::Stdlib)
}

fn unused_data(r: &mut Resolver, unit: &Unit) {
    let mut used = HashSet::new();
    for flow in &r.model.flows {
        if let Some(AttrValue::List(items)) = flow.attrs.get("data") {
            used.extend(items.iter().filter_map(|v| match v {
                AttrValue::Data(id) => Some(*id),
                _ => None,
            }));
        }
    }
    let mut found = Vec::new();
    for (index, item) in r.model.data.iter().enumerate() {
        if !used.contains(&DataId(index as u32))
            && !in_stdlib(unit, item.span)
            && !r.model.flows.is_empty()
        {
            found.push(
                Diagnostic::warning(Code::UnusedData, format!("no flow carries `{}`", item.name))
                    .with_primary(item.span, "never used")
                    .with_help("add it to the `data` of the flows that carry it, or remove it"),
            );
        }
    }
    r.diagnostics.extend(found);
}

fn unused_classifications(r: &mut Resolver, unit: &Unit) {
    let used: HashSet<ClassificationId> = r.model.data.iter().map(|d| d.classification).collect();
    let mut found = Vec::new();
    for (index, class) in r.model.classifications.iter().enumerate() {
        if !used.contains(&ClassificationId(index as u32))
            && !in_stdlib(unit, class.span)
            && !r.model.data.is_empty()
        {
            found.push(
                Diagnostic::warning(
                    Code::UnusedClassification,
                    format!("no data item is classified `{}`", class.name),
                )
                .with_primary(class.span, "never used"),
            );
        }
    }
    r.diagnostics.extend(found);
}

fn empty_boundaries(r: &mut Resolver) {
    let mut occupied = HashSet::new();
    for element in &r.model.elements {
        occupied.extend(element.boundary);
    }
    for boundary in &r.model.boundaries {
        occupied.extend(boundary.parent);
    }
    let mut found = Vec::new();
    for (index, boundary) in r.model.boundaries.iter().enumerate() {
        if !occupied.contains(&BoundaryId(index as u32)) {
            found.push(
                Diagnostic::warning(
                    Code::EmptyBoundary,
                    format!("boundary `{}` contains nothing", boundary.name),
                )
                .with_primary(boundary.span, "empty")
                .with_help("place the elements it protects inside it, or remove it"),
            );
        }
    }
    r.diagnostics.extend(found);
}
