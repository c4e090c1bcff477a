//! Findings: rule hits with stable ids, locations and a status after accepted risks.
//!
//! A finding's id is `RULE@path`, where the path names the element by its boundaries and name
//! (`prod/app_vpc/create_order`) or a flow by its ends (`internet/customer->prod/orders_api`),
//! so it does not change when declarations are reordered or unrelated parts of the model are
//! edited. Two hits with the same id are one finding.

mod accept;
mod from_hits;
mod keep;
mod render_plain;
mod render_text;
mod texts;

pub use accept::{Acceptances, apply_accepts};
pub use from_hits::{Made, from_hits};
pub use keep::{Keep, LeftOut};
pub use render_text::{
    count_of_findings, reference, render_findings, summary, write_findings, write_findings_limited,
};
pub use texts::{RuleShown, Shown, Texts, shown, shown_naming};

use crate::graph::Graph;
use crate::graph::pairs::Pairs;
use crate::model::*;
use crate::rules::Item;
use crate::rules::severity::Severity;
use crate::source::SourceMap;
use crate::span::Span;
use arcstr::ArcStr;
use rayon::prelude::*;
use serde::Serialize;
use std::sync::Arc;

/// Whether a finding counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Active,
    /// Covered by an `accept` that has not expired.
    Accepted,
    /// Covered by an `accept` whose `until` has passed: counts as active again.
    Expired,
}

impl Status {
    /// Whether the finding counts against `--fail-on` and in summaries of open threats.
    pub fn is_open(self) -> bool {
        self != Status::Accepted
    }
}

/// Where a finding points: the element's (or flow's) declaration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Location {
    /// Shared by every location in one file.
    pub file: ArcStr,
    pub line: u32,
    pub column: u32,
}

impl Location {
    /// Where a span starts: its file's name, line and column.
    pub fn of(sources: &SourceMap, span: Span) -> Location {
        let file = sources.get(span.file);
        let (line, column) = file.line_column(span.start as usize);
        Location {
            file: ArcStr::clone(&file.name),
            line: line as u32,
            column: column as u32,
        }
    }
}

/// What every finding of one rule (or drift check) shares, held once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleFacts {
    pub id: String,
    pub title: String,
    pub stride: Vec<String>,
    pub refs: Vec<String>,
    /// The index of the compiled rule whose templates give its findings their message and fix
    /// (filled in for each finding's item); none for a drift check, whose findings hold theirs.
    pub compiled: Option<u32>,
}

/// A finding. Its strings are shared (a clone costs no copy): the rule's facts with every
/// finding of the rule, the element's path with every finding on the element. A rule's
/// finding keeps no message or fix: [`Texts`] fills them in from the rule when they are shown.
/// It serializes, as [`Shown`] with its texts, as the JSON report's finding
/// (`docs/report-schema.json`), the rule's facts spelled out.
#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: Arc<RuleFacts>,
    pub severity: Severity,
    pub status: Status,
    /// The element's path, or the flow's `source->target` (a thin shared string: one pointer).
    pub element: ArcStr,
    pub location: Location,
    /// What few findings have (their own texts, a deployed location, a note), held apart so
    /// that the millions of a large model without it stay small.
    pub extra: Option<Box<Extra>>,
    pub item: Item,
    pub span: Span,
}

/// The parts of a finding that most findings do not have.
#[derive(Clone, Debug, Default)]
pub struct Extra {
    /// Its own message and fix (drift findings, and findings taken out of their compilation);
    /// without, they come from the templates of the rule's compiled rule.
    pub text: Option<OwnText>,
    /// For drift: where the template declares the resource or grant the finding is about.
    pub deployed: Option<Location>,
    /// Why the finding is accepted, or that its acceptance expired.
    pub note: Option<Box<str>>,
}

impl Finding {
    /// For drift: where the template declares the resource or grant the finding is about.
    pub fn deployed(&self) -> Option<&Location> {
        self.extra
            .as_ref()
            .and_then(|extra| extra.deployed.as_ref())
    }

    /// Why the finding is accepted, or that its acceptance expired.
    pub fn note(&self) -> Option<&str> {
        self.extra.as_ref().and_then(|extra| extra.note.as_deref())
    }

    pub fn set_note(&mut self, note: impl Into<Box<str>>) {
        self.extra.get_or_insert_default().note = Some(note.into());
    }

    /// Its own message and fix, if it holds them.
    pub fn own_text(&self) -> Option<&OwnText> {
        self.extra.as_ref().and_then(|extra| extra.text.as_ref())
    }

    /// Makes the finding hold `message` and `fix` as its texts.
    pub fn set_text(&mut self, message: impl Into<Box<str>>, fix: Option<impl Into<Box<str>>>) {
        self.extra.get_or_insert_default().text = Some(OwnText {
            message: message.into(),
            fix: fix.map(Into::into),
        });
    }
}

/// A message and fix held as text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnText {
    pub message: Box<str>,
    pub fix: Option<Box<str>>,
}

impl Finding {
    /// The finding's id, `RULE@path`: its rule's id and the path of its element (or flow, or
    /// resource). Joined when shown, not held.
    pub fn id(&self) -> FindingId<'_> {
        FindingId {
            rule: &self.rule.id,
            path: &self.element,
        }
    }
}

/// A finding's id, `RULE@path`, borrowed from the finding: it prints and serializes as the
/// joined string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FindingId<'f> {
    pub rule: &'f str,
    pub path: &'f str,
}

impl std::fmt::Display for FindingId<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.rule)?;
        f.write_str("@")?;
        f.write_str(self.path)
    }
}

impl Serialize for FindingId<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl PartialOrd for FindingId<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// As the joined strings order.
impl Ord for FindingId<'_> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        id_order((self.rule, self.path), (other.rule, other.path))
    }
}

/// How ids `rule@path` order, from their two parts: as the joined strings would (a rule id has
/// no `@`, so where one rule id is the start of the other, `@` meets the longer one's next
/// character).
pub(crate) fn id_order(
    (a_rule, a_path): (&str, &str),
    (b_rule, b_path): (&str, &str),
) -> std::cmp::Ordering {
    if a_rule == b_rule {
        return a_path.cmp(b_path);
    }
    let common = a_rule.len().min(b_rule.len());
    match a_rule.as_bytes()[..common].cmp(&b_rule.as_bytes()[..common]) {
        std::cmp::Ordering::Equal if a_rule.len() < b_rule.len() => {
            b'@'.cmp(&b_rule.as_bytes()[common])
        }
        std::cmp::Ordering::Equal => a_rule.as_bytes()[common].cmp(&b'@'),
        unequal => unequal,
    }
}

/// The path of every element, in element order (computed once, on both cores, for many
/// findings, which share them).
pub fn element_paths(graph: &Graph) -> Vec<ArcStr> {
    let model = graph.model;
    let boundary_paths = boundary_paths(model);
    model
        .elements
        .par_iter()
        .map_init(String::new, |path, element| {
            path.clear();
            if let Some(boundary) = element.boundary {
                path.push_str(&boundary_paths[boundary.index()]);
                path.push('/');
            }
            path.push_str(&element.name);
            ArcStr::from(path.as_str())
        })
        .collect()
}

/// Each boundary's enclosing boundaries' names, outermost first, then its own, joined by `/`.
/// (Nesting makes the parents acyclic; the walk is bounded all the same, as the graph's is.)
fn boundary_paths(model: &Model) -> Vec<String> {
    (0..model.boundaries.len())
        .map(|index| {
            let mut names = Vec::new();
            let mut next = Some(BoundaryId(index as u32));
            while let Some(id) = next
                && names.len() <= model.boundaries.len()
            {
                let boundary = model.boundary(id);
                names.push(boundary.name.as_str());
                next = boundary.parent;
            }
            names.reverse();
            names.join("/")
        })
        .collect()
}

/// The stable names of every flow: `source->target`, then `#label` (or `#2`, `#3`, … in
/// declaration order) when several flows join the same two elements. `paths` are the
/// elements' paths, from [`element_paths`].
pub fn flow_paths(graph: &Graph, paths: &[ArcStr]) -> Vec<ArcStr> {
    let flows = &graph.model.flows;
    let nth = places_among_pairs(flows);
    flows
        .par_iter()
        .zip(nth)
        .map_init(String::new, |path, (flow, nth)| {
            path.clear();
            path.push_str(&paths[flow.source.index()]);
            path.push_str("->");
            path.push_str(&paths[flow.target.index()]);
            if nth > 0 {
                path.push('#');
                match &flow.label {
                    Some(label) => path.push_str(label),
                    None => path.push_str(&nth.to_string()),
                }
            }
            ArcStr::from(path.as_str())
        })
        .collect()
}

/// Each flow's place among the flows that join the same source to the same target, counted
/// from 1 in the flows' order; 0 for a flow that is the only one between its ends (most are).
fn places_among_pairs(flows: &[Flow]) -> Vec<u32> {
    let mut nth = vec![0; flows.len()];
    for pair in Pairs::of(flows).shared() {
        for (place, index) in pair.enumerate() {
            nth[index] = place as u32 + 1;
        }
    }
    nth
}

#[cfg(test)]
mod tests {
    use super::id_order;

    #[test]
    fn ids_order_by_their_two_parts_as_the_joined_strings_do() {
        let rules = [
            "STR-01", "STR-011", "STR-01a", "STR-0", "SVL-1", "A", "A-1", "A_1",
        ];
        let paths = ["a", "a/b", "", "a-b", "z", "A", "a->b", "a->b#2"];
        let mut pairs = Vec::new();
        for rule in rules {
            for path in paths {
                pairs.push((rule, path));
            }
        }
        for &a in &pairs {
            for &b in &pairs {
                let joined = format!("{}@{}", a.0, a.1).cmp(&format!("{}@{}", b.0, b.1));
                assert_eq!(id_order(a, b), joined, "{a:?} against {b:?}");
            }
        }
    }
}
