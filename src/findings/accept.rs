//! Accepted risks: marking findings `accepted` or `expired`, and reporting acceptances that
//! match no finding (stale ones should be removed, not left to pile up).

use super::{Finding, Status};
use crate::diagnostic::{Code, Diagnostic};
use crate::graph::Graph;
use crate::model::*;
use crate::rules::Item;

/// Applies the model's `accept` blocks to `findings`; returns diagnostics for stale ones.
/// `drift` says which acceptances apply: those of drift checks (`DRF-…`) to the findings of
/// `drift`, the others to the rules' findings of `check`; each family is judged stale only by
/// the command that produces its findings.
pub fn apply_accepts(
    findings: &mut [Finding],
    graph: &Graph,
    today: &str,
    drift: bool,
) -> Vec<Diagnostic> {
    let acceptances = Acceptances::of(graph, today, drift);
    let matched = acceptances.apply_to(findings);
    acceptances.stale(&matched)
}

/// The acceptances of one family (drift checks', or the rules'), judged against a date: each
/// with the status it gives the findings it covers and the note they get.
pub struct Acceptances<'g> {
    graph: &'g Graph<'g>,
    judged: Vec<Judged<'g>>,
}

/// One acceptance, judged.
struct Judged<'g> {
    accept: &'g Accept,
    status: Status,
    note: String,
}

impl<'g> Acceptances<'g> {
    /// The model's acceptances of drift checks (`drift`) or of the rules, judged against
    /// `today` (`YYYY-MM-DD`).
    pub fn of(graph: &'g Graph<'g>, today: &str, drift: bool) -> Acceptances<'g> {
        let judged = graph
            .model
            .accepts
            .iter()
            .filter(|a| a.rule.is_drift() == drift)
            .map(|accept| judge(accept, today))
            .collect();
        Acceptances { graph, judged }
    }

    pub fn len(&self) -> usize {
        self.judged.len()
    }

    pub fn is_empty(&self) -> bool {
        self.judged.is_empty()
    }

    /// The first acceptance (in declaration order) that covers a finding of rule `rule` on
    /// `item`: the one that decides its status.
    pub fn first_covering(&self, rule: &str, item: Item) -> Option<usize> {
        self.judged
            .iter()
            .position(|j| j.accept.rule.matches(rule) && covers(self.graph, j.accept.target, item))
    }

    /// Whether acceptance `index` leaves the findings it covers open (it has expired).
    pub fn leaves_open(&self, index: usize) -> bool {
        self.judged[index].status.is_open()
    }

    /// Gives each active finding the status and note of the first acceptance covering it;
    /// returns how many findings each acceptance covered.
    pub fn apply_to(&self, findings: &mut [Finding]) -> Vec<usize> {
        let mut matched = vec![0; self.judged.len()];
        if self.judged.is_empty() {
            return matched;
        }
        for finding in findings.iter_mut().filter(|f| f.status == Status::Active) {
            if let Some(index) = self.first_covering(&finding.rule.id, finding.item) {
                matched[index] += 1;
                self.apply(index, finding);
            }
        }
        matched
    }

    /// Gives `finding` the status and note of acceptance `index`.
    pub fn apply(&self, index: usize, finding: &mut Finding) {
        let judged = &self.judged[index];
        finding.status = judged.status;
        finding.set_note(judged.note.as_str());
    }

    /// A warning for each acceptance that covered nothing, given how many findings each
    /// covered.
    pub fn stale(&self, matched: &[usize]) -> Vec<Diagnostic> {
        self.judged
            .iter()
            .zip(matched)
            .filter(|(_, count)| **count == 0)
            .map(|(judged, _)| {
                Diagnostic::warning(
                    Code::AcceptUnused,
                    format!("the acceptance of {} matches no finding", judged.accept.rule),
                )
                .with_primary(judged.accept.span, "matches nothing")
                .with_help("the risk is gone or the rule or element was renamed: remove the `accept` block or correct it")
            })
            .collect()
    }
}

/// The status an acceptance gives the findings it covers on `today`, and their note.
fn judge<'g>(accept: &'g Accept, today: &str) -> Judged<'g> {
    let until = match accept.attrs.get("until") {
        Some(AttrValue::Date(date)) => Some(date.as_str()),
        _ => None,
    };
    let reason = match accept.attrs.get("reason") {
        Some(AttrValue::Str(reason)) => reason.as_str(),
        _ => "",
    };
    let ticket = match accept.attrs.get("ticket") {
        Some(AttrValue::Str(ticket)) => format!(" [{ticket}]"),
        _ => String::new(),
    };
    let (status, note) = match until {
        Some(until) if until < today => (
            Status::Expired,
            format!("accepted until {until}{ticket}, which has passed: {reason}"),
        ),
        Some(until) if !until.is_empty() => (
            Status::Accepted,
            format!("accepted until {until}{ticket}: {reason}"),
        ),
        _ => (
            Status::Accepted,
            format!("accepted with no end date{ticket}: {reason}"),
        ),
    };
    Judged {
        accept,
        status,
        note,
    }
}

/// Whether an acceptance's target covers a finding: the element itself, a flow from or to it,
/// anything inside the boundary, or everything.
fn covers(graph: &Graph, target: AcceptTarget, item: Item) -> bool {
    let model = graph.model;
    let (first, second) = match item {
        Item::Element(e) => (Some(e), None),
        Item::Flow(f) => (Some(model.flow(f).source), Some(model.flow(f).target)),
        Item::Resource => (None, None),
    };
    let mut ends = first.into_iter().chain(second);
    match target {
        AcceptTarget::All => true,
        AcceptTarget::Element(element) => ends.any(|e| e == element),
        AcceptTarget::Boundary(boundary) => {
            ends.any(|e| graph.chains[e.index()].contains(&boundary))
        }
    }
}
