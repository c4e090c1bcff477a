//! Warnings about a model that resolves but probably does not say what its authors meant.

use super::Resolver;
use crate::diagnostic::{Code, Diagnostic};
use crate::graph::pairs::Pairs;
use crate::load::{Origin, Unit};
use crate::model::{ElementId, Flow, Model};
use foldhash::{HashMap, HashMapExt};

/// `root_has_items`: whether the root file declares anything (told, since its flows are no
/// longer in its syntax tree).
pub(super) fn check(r: &mut Resolver, unit: &Unit, root_has_items: bool) {
    missing_header(r, unit, root_has_items);
    flows(r);
    unused_data(r, unit);
    unused_classifications(r, unit);
    empty_boundaries(r);
}

fn missing_header(r: &mut Resolver, unit: &Unit, root_has_items: bool) {
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
    let flows = &r.model.flows;
    // For each flow that repeats an earlier one (the same ends and label), the first of them.
    let mut repeats: Vec<Option<usize>> = vec![None; flows.len()];
    for pair in Pairs::of(flows).shared() {
        let mut first: HashMap<Option<&str>, usize> = HashMap::new();
        for index in pair {
            let earliest = *first.entry(flows[index].label.as_deref()).or_insert(index);
            if earliest != index {
                repeats[index] = Some(earliest);
            }
        }
    }
    // On every core, in order: a large model has a million flows, and reading each one's
    // attributes misses the cache.
    use rayon::prelude::*;
    let model = &r.model;
    let found: Vec<Diagnostic> = flows
        .par_iter()
        .zip(repeats)
        .with_min_len(4096)
        .flat_map_iter(|(flow, repeats)| flow_lints(model, flow, repeats))
        .collect();
    r.diagnostics.extend(found);
}

/// The warnings about one flow; `repeats` is the earlier flow it repeats, if any. The names
/// of its ends are read only for a warning.
fn flow_lints(model: &Model, flow: &Flow, repeats: Option<usize>) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let name = |end: ElementId| &model.element(end).name;
    if flow.source == flow.target {
        found.push(
            Diagnostic::warning(
                Code::SelfFlow,
                format!("flow from `{}` to itself", name(flow.source)),
            )
            .with_primary(flow.span, "self flow")
            .with_help("a data-flow diagram shows data crossing between elements; model internal steps as separate elements"),
        );
    }
    if flow.attrs.get("data").is_none() {
        found.push(
            Diagnostic::warning(
                Code::FlowWithoutData,
                format!(
                    "flow from `{}` to `{}` carries no data",
                    name(flow.source),
                    name(flow.target)
                ),
            )
            .with_primary(flow.span, "no `data`")
            .with_help(
                "name what it carries, e.g. `{ data Order }`: rules need it to find threats",
            ),
        );
    }
    if let Some(first) = repeats {
        found.push(
            Diagnostic::warning(Code::DuplicateFlow, "the same flow is declared twice")
                .with_primary(flow.span, "declared again here")
                .with_secondary(model.flows[first].span, "first declared here")
                .with_help("merge the two, or give them different labels"),
        );
    }
    found
}

/// Whether a span lies in a file of the standard library (whose declarations may go unused).
fn in_stdlib(unit: &Unit, span: crate::span::Span) -> bool {
    unit.files
        .iter()
        .any(|f| f.id == span.file && f.origin == Origin::Stdlib)
}

fn unused_data(r: &mut Resolver, unit: &Unit) {
    // On every core, each piece of the flows marking the data it carries.
    use rayon::prelude::*;
    let count = r.model.data.len();
    let used = r
        .model
        .flows
        .par_iter()
        .with_min_len(4096)
        .fold(
            || vec![false; count],
            |mut used, flow| {
                for data in crate::graph::flow_data(flow) {
                    used[data.index()] = true;
                }
                used
            },
        )
        .reduce(
            || vec![false; count],
            |mut used, other| {
                used.iter_mut().zip(other).for_each(|(u, o)| *u |= o);
                used
            },
        );
    let mut found = Vec::new();
    for (index, item) in r.model.data.iter().enumerate() {
        if !used[index] && !in_stdlib(unit, item.span) && !r.model.flows.is_empty() {
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
    let mut used = vec![false; r.model.classifications.len()];
    for data in &r.model.data {
        used[data.classification.index()] = true;
    }
    let mut found = Vec::new();
    for (index, class) in r.model.classifications.iter().enumerate() {
        if !used[index] && !in_stdlib(unit, class.span) && !r.model.data.is_empty() {
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
    let mut occupied = vec![false; r.model.boundaries.len()];
    for element in &r.model.elements {
        if let Some(boundary) = element.boundary {
            occupied[boundary.index()] = true;
        }
    }
    for boundary in &r.model.boundaries {
        if let Some(parent) = boundary.parent {
            occupied[parent.index()] = true;
        }
    }
    let mut found = Vec::new();
    for (index, boundary) in r.model.boundaries.iter().enumerate() {
        if !occupied[index] {
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
