//! The report's view of a compiled model: everything a report or diagram shows, with names
//! instead of indices, in declaration order. The JSON report is this structure serialized
//! (`docs/report-schema.json` describes it); the templates of the other formats render it.

use crate::Compilation;
use crate::findings::{self, Finding, Location, Status};
use crate::graph::Graph;
use crate::model::*;
use crate::rules::severity::Severity;
use serde::Serialize;
use std::sync::Arc;

/// The version of the JSON report's schema; raised when a field changes meaning or goes away.
pub const SCHEMA_VERSION: u32 = 1;

/// Borrows the compilation's findings (a large model's are not copied).
#[derive(Clone, Debug, Serialize)]
pub struct ReportView<'c> {
    pub schema_version: u32,
    pub model: ModelInfo,
    pub summary: Summary,
    pub elements: Vec<ElementView>,
    pub flows: Vec<FlowView>,
    pub boundaries: Vec<BoundaryView>,
    pub data: Vec<DataView>,
    pub findings: &'c [Finding],
}

#[derive(Clone, Debug, Serialize)]
pub struct ModelInfo {
    pub name: String,
    pub owner: Option<String>,
    pub summary: Option<String>,
    pub file: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Count {
    pub name: String,
    pub count: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    /// Findings that count: active and expired.
    pub open: usize,
    pub accepted: usize,
    pub expired: usize,
    /// Open findings per severity, highest first, every severity listed.
    pub by_severity: Vec<Count>,
    /// Open findings per STRIDE category, in STRIDE order, every category listed.
    pub by_stride: Vec<Count>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ElementView {
    /// The element's name: unique in the model, so it is also its id.
    pub id: String,
    pub name: String,
    /// Its boundaries and name, as in finding ids: `prod/app/create_order`.
    pub path: String,
    pub label: String,
    pub kind: String,
    pub role: String,
    /// Its boundaries, outermost first.
    pub boundary_path: Vec<String>,
    pub location: Location,
    /// The highest severity of its own open findings.
    pub highest_severity: Option<Severity>,
    /// Its own findings (not those of its flows), in report order.
    pub findings: Vec<FindingRef>,
    pub data: Vec<String>,
    pub provider_operates: Vec<String>,
    pub customer_owns: Vec<String>,
}

/// A finding named from an element's section.
#[derive(Clone, Debug, Serialize)]
pub struct FindingRef {
    pub id: Arc<str>,
    pub rule: Arc<str>,
    pub title: Arc<str>,
    pub severity: Severity,
    pub status: Status,
}

#[derive(Clone, Debug, Serialize)]
pub struct FlowView {
    /// `source->target` paths, as in finding ids.
    pub id: String,
    pub source: String,
    pub target: String,
    pub label: Option<String>,
    pub data: Vec<String>,
    pub protocol: Option<String>,
    pub via: Option<String>,
    pub ops: Vec<String>,
    pub authn: Option<String>,
    pub crosses_boundary: bool,
    pub location: Location,
}

#[derive(Clone, Debug, Serialize)]
pub struct BoundaryView {
    pub id: String,
    pub label: String,
    pub kind: String,
    pub parent: Option<String>,
    /// Its enclosing boundaries, outermost first, then itself.
    pub path: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct DataReach {
    pub element: String,
    pub flows: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct DataView {
    pub id: String,
    pub classification: String,
    pub level: i64,
    /// The elements the data reaches, and over which flows.
    pub reaches: Vec<DataReach>,
}

pub const STRIDE: [&str; 6] = [
    "spoofing",
    "tampering",
    "repudiation",
    "information_disclosure",
    "denial_of_service",
    "elevation_of_privilege",
];

impl<'c> ReportView<'c> {
    /// The view of a compilation without errors.
    pub fn new(compilation: &'c Compilation) -> ReportView<'c> {
        let model = &compilation.model;
        let sources = &compilation.unit.sources;
        let graph = Graph::build(model);
        let element_paths = findings::element_paths(&graph);
        let flow_ids = findings::flow_paths(&graph, &element_paths);
        let data_name = |d: &DataId| model.data[d.index()].name.clone();
        let boundary_names = |chain: &[BoundaryId]| -> Vec<String> {
            chain
                .iter()
                .rev()
                .map(|b| model.boundary(*b).name.clone())
                .collect()
        };
        let open = |f: &&Finding| f.status != Status::Accepted;
        let mut highest: Vec<Option<Severity>> = vec![None; model.elements.len()];
        let mut own: Vec<Vec<FindingRef>> = vec![Vec::new(); model.elements.len()];
        for finding in &compilation.findings {
            if let crate::rules::Item::Element(e) = finding.item {
                if finding.status != Status::Accepted {
                    let slot = &mut highest[e.index()];
                    *slot = (*slot).max(Some(finding.severity));
                }
                own[e.index()].push(FindingRef {
                    id: finding.id.clone(),
                    rule: finding.rule.clone(),
                    title: finding.title.clone(),
                    severity: finding.severity,
                    status: finding.status,
                });
            }
        }
        let elements = model
            .elements
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let kind = model.kind(e.kind);
                let highest_severity = highest[i];
                ElementView {
                    id: e.name.clone(),
                    name: e.name.clone(),
                    path: element_paths[i].clone(),
                    findings: std::mem::take(&mut own[i]),
                    label: e.label.clone().unwrap_or_else(|| e.name.clone()),
                    kind: kind.name.clone(),
                    role: model.role(e.role).name.clone(),
                    boundary_path: boundary_names(&graph.chains[i]),
                    location: Location::of(sources, e.span),
                    highest_severity,
                    data: graph.data[i].iter().map(data_name).collect(),
                    provider_operates: kind.provider_operates.clone(),
                    customer_owns: kind.customer_owns.clone(),
                }
            })
            .collect();
        let flows = model
            .flows
            .iter()
            .enumerate()
            .map(|(i, f)| FlowView {
                id: flow_ids[i].clone(),
                source: model.element(f.source).name.clone(),
                target: model.element(f.target).name.clone(),
                label: f.label.clone(),
                data: graph.flow_data(i).iter().map(data_name).collect(),
                protocol: f.attrs.word("protocol").map(str::to_string),
                via: f.attrs.word("via").map(str::to_string),
                ops: f.attrs.words("ops"),
                authn: f.attrs.word("authn").map(str::to_string),
                crosses_boundary: !graph.crossings[i].0.is_empty()
                    || !graph.crossings[i].1.is_empty(),
                location: Location::of(sources, f.span),
            })
            .collect();
        let boundaries = model
            .boundaries
            .iter()
            .map(|b| {
                let mut path = Vec::new();
                let mut at = Some(b);
                while let Some(boundary) = at {
                    path.push(boundary.name.clone());
                    at = boundary.parent.map(|p| model.boundary(p));
                }
                path.reverse();
                BoundaryView {
                    id: b.name.clone(),
                    label: b.label.clone().unwrap_or_else(|| b.name.clone()),
                    kind: model.kind(b.kind).name.clone(),
                    parent: b.parent.map(|p| model.boundary(p).name.clone()),
                    path,
                }
            })
            .collect();
        // Which flows carry each data item to or from each element, in one pass over the flows.
        let mut reach: Vec<std::collections::BTreeMap<ElementId, Vec<usize>>> =
            vec![Default::default(); model.data.len()];
        for (fi, flow) in model.flows.iter().enumerate() {
            for d in graph.flow_data(fi) {
                for end in [flow.source, flow.target] {
                    reach[d.index()].entry(end).or_default().push(fi);
                }
            }
        }
        let data = model
            .data
            .iter()
            .enumerate()
            .map(|(i, d)| DataView {
                id: d.name.clone(),
                classification: model.classifications[d.classification.index()].name.clone(),
                level: crate::graph::level(model, DataId(i as u32)),
                reaches: reach[i]
                    .iter()
                    .map(|(element, flows)| DataReach {
                        element: model.element(*element).name.clone(),
                        flows: flows.iter().map(|fi| flow_ids[*fi].clone()).collect(),
                    })
                    .collect(),
            })
            .collect();
        let open_findings: Vec<&Finding> = compilation.findings.iter().filter(open).collect();
        let summary = Summary {
            open: open_findings.len(),
            accepted: compilation.findings.len() - open_findings.len(),
            expired: compilation
                .findings
                .iter()
                .filter(|f| f.status == Status::Expired)
                .count(),
            by_severity: Severity::ALL
                .iter()
                .map(|s| Count {
                    name: s.as_str().to_string(),
                    count: open_findings.iter().filter(|f| f.severity == *s).count(),
                })
                .collect(),
            by_stride: STRIDE
                .iter()
                .map(|c| Count {
                    name: c.to_string(),
                    count: open_findings
                        .iter()
                        .filter(|f| f.stride.iter().any(|s| s == c))
                        .count(),
                })
                .collect(),
        };
        let header = model.header.as_ref();
        ReportView {
            schema_version: SCHEMA_VERSION,
            model: ModelInfo {
                name: header.map_or_else(|| "Untitled model".to_string(), |h| h.name.clone()),
                owner: header.and_then(|h| h.attrs.word("owner").map(str::to_string)),
                summary: header.and_then(|h| h.attrs.word("summary").map(str::to_string)),
                file: sources.get(compilation.unit.root).name.to_string(),
            },
            summary,
            elements,
            flows,
            boundaries,
            data,
            findings: &compilation.findings,
        }
    }
}
