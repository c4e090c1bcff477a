//! The report's view of a compiled model: everything a report or diagram shows, with names
//! instead of indices, in declaration order. The templates of the Markdown and HTML reports render
//! it serialized as it is; the JSON report ([`json`](super::json), `docs/report-schema.json`) holds
//! its rules' and kinds' facts once instead of with every finding and element.

use crate::Compilation;
use crate::findings::{self, Finding, FindingId, Location, Status, Texts};
use crate::graph::{FlowIndex, Graph};
use crate::model::*;
use crate::rules::severity::Severity;
use arcstr::ArcStr;
use serde::Serialize;

/// The version of the JSON report's schema; raised when a field changes meaning or goes away.
pub const SCHEMA_VERSION: u32 = 2;

/// Borrows the compilation's names and findings (a large model's are not copied). Serialized,
/// its findings are shown with their texts.
#[derive(Clone, Debug)]
pub struct ReportView<'c> {
    pub schema_version: u32,
    pub model: ModelInfo,
    pub summary: Summary,
    pub elements: Vec<ElementView<'c>>,
    pub flows: Vec<FlowView<'c>>,
    pub boundaries: Vec<BoundaryView<'c>>,
    pub data: Vec<DataView<'c>>,
    pub findings: &'c [Finding],
    /// What fills in the findings' messages and fixes.
    pub texts: Texts<'c>,
}

impl Serialize for ReportView<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = serializer.serialize_struct("ReportView", 8)?;
        out.serialize_field("schema_version", &self.schema_version)?;
        out.serialize_field("model", &self.model)?;
        out.serialize_field("summary", &self.summary)?;
        out.serialize_field("elements", &self.elements)?;
        out.serialize_field("flows", &self.flows)?;
        out.serialize_field("boundaries", &self.boundaries)?;
        out.serialize_field("data", &self.data)?;
        out.serialize_field("findings", &findings::shown(self.findings, &self.texts))?;
        out.end()
    }
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
pub struct ElementView<'c> {
    /// The element's name: unique in the model, so it is also its id.
    pub id: &'c str,
    pub name: &'c str,
    /// Its boundaries and name, as in finding ids: `prod/app/create_order`.
    pub path: ArcStr,
    pub label: &'c str,
    pub kind: &'c str,
    pub role: &'c str,
    /// Its boundaries, outermost first.
    pub boundary_path: Vec<&'c str>,
    pub location: Location,
    /// The highest severity of its own open findings.
    pub highest_severity: Option<Severity>,
    /// Its own findings (not those of its flows), in report order.
    pub findings: Vec<FindingRef<'c>>,
    pub data: Vec<&'c str>,
    pub provider_operates: &'c [String],
    pub customer_owns: &'c [String],
}

/// A finding named from an element's section.
#[derive(Clone, Debug, Serialize)]
pub struct FindingRef<'c> {
    pub id: FindingId<'c>,
    pub rule: &'c str,
    pub title: &'c str,
    pub severity: Severity,
    pub status: Status,
}

#[derive(Clone, Debug, Serialize)]
pub struct FlowView<'c> {
    /// `source->target` paths, as in finding ids.
    pub id: ArcStr,
    pub source: &'c str,
    pub target: &'c str,
    pub label: Option<&'c str>,
    pub data: Vec<&'c str>,
    pub protocol: Option<&'c str>,
    pub via: Option<&'c str>,
    pub ops: Vec<String>,
    pub authn: Option<&'c str>,
    pub crosses_boundary: bool,
    pub location: Location,
}

#[derive(Clone, Debug, Serialize)]
pub struct BoundaryView<'c> {
    pub id: &'c str,
    pub label: &'c str,
    pub kind: &'c str,
    pub parent: Option<&'c str>,
    /// Its enclosing boundaries, outermost first, then itself.
    pub path: Vec<&'c str>,
}

#[derive(Clone, Debug, Serialize)]
pub struct DataReach<'c> {
    pub element: &'c str,
    pub flows: Vec<ArcStr>,
}

#[derive(Clone, Debug, Serialize)]
pub struct DataView<'c> {
    pub id: &'c str,
    pub classification: &'c str,
    pub level: i64,
    /// The elements the data reaches, and over which flows.
    pub reaches: Vec<DataReach<'c>>,
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
        let graph = Graph::over_or_build(model, compilation.facts.as_ref());
        let element_paths = findings::element_paths(&graph);
        let flow_ids = findings::flow_paths(&graph, &element_paths);
        let data_name = |d: &DataId| model.data[d.index()].name.as_str();
        let boundary_names = |chain: &[BoundaryId]| -> Vec<&'c str> {
            chain
                .iter()
                .rev()
                .map(|b| model.boundary(*b).name.as_str())
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
                    id: finding.id(),
                    rule: &finding.rule.id,
                    title: &finding.rule.title,
                    severity: finding.severity,
                    status: finding.status,
                });
            }
        }
        let elements = model
            .elements
            .iter()
            .zip(element_paths)
            .enumerate()
            .map(|(i, (e, path))| {
                let kind = model.kind(e.kind);
                let highest_severity = highest[i];
                ElementView {
                    id: &e.name,
                    name: &e.name,
                    path,
                    findings: std::mem::take(&mut own[i]),
                    label: e.label.as_deref().unwrap_or(&e.name),
                    kind: &kind.name,
                    role: &model.role(e.role).name,
                    boundary_path: boundary_names(&graph.chains[i]),
                    location: Location::of(sources, e.span),
                    highest_severity,
                    data: graph.data[i].iter().map(data_name).collect(),
                    provider_operates: &kind.provider_operates,
                    customer_owns: &kind.customer_owns,
                }
            })
            .collect();
        let flows = model
            .flows
            .iter()
            .enumerate()
            .map(|(i, f)| FlowView {
                id: ArcStr::clone(&flow_ids[i]),
                source: &model.element(f.source).name,
                target: &model.element(f.target).name,
                label: f.label.as_deref(),
                data: graph
                    .flow_data(i as FlowIndex)
                    .map(|d| data_name(&d))
                    .collect(),
                protocol: f.attrs.word("protocol"),
                via: f.attrs.word("via"),
                ops: f.attrs.words("ops"),
                authn: f.attrs.word("authn"),
                crosses_boundary: graph.crosses(i as FlowIndex),
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
                    path.push(boundary.name.as_str());
                    at = boundary.parent.map(|p| model.boundary(p));
                }
                path.reverse();
                BoundaryView {
                    id: &b.name,
                    label: b.label.as_deref().unwrap_or(&b.name),
                    kind: &model.kind(b.kind).name,
                    parent: b.parent.map(|p| model.boundary(p).name.as_str()),
                    path,
                }
            })
            .collect();
        // Which flows carry each data item to or from each element, in one pass over the flows.
        let mut reach: Vec<std::collections::BTreeMap<ElementId, Vec<usize>>> =
            vec![Default::default(); model.data.len()];
        for (fi, flow) in model.flows.iter().enumerate() {
            for d in graph.flow_data(fi as FlowIndex) {
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
                id: &d.name,
                classification: &model.classifications[d.classification.index()].name,
                level: crate::graph::level(model, DataId(i as u32)),
                reaches: reach[i]
                    .iter()
                    .map(|(element, flows)| DataReach {
                        element: &model.element(*element).name,
                        flows: flows
                            .iter()
                            .map(|fi| ArcStr::clone(&flow_ids[*fi]))
                            .collect(),
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
                        .filter(|f| f.rule.stride.iter().any(|s| s == c))
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
            texts: compilation.texts(),
        }
    }
}
