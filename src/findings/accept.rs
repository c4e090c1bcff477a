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
    let model = graph.model;
    let mut diagnostics = Vec::new();
    for accept in model.accepts.iter().filter(|a| a.rule.is_drift() == drift) {
        let until = match accept.attrs.get("until") {
            Some(AttrValue::Date(date)) => Some(date.clone()),
            _ => None,
        };
        let reason = match accept.attrs.get("reason") {
            Some(AttrValue::Str(reason)) => reason.clone(),
            _ => String::new(),
        };
        let ticket = match accept.attrs.get("ticket") {
            Some(AttrValue::Str(ticket)) => format!(" [{ticket}]"),
            _ => String::new(),
        };
        let expired = until.as_deref().is_some_and(|until| until < today);
        let mut matched = 0;
        for finding in findings.iter_mut() {
            if finding.status != Status::Active
                || !accept.rule.matches(&finding.rule.id)
                || !covers(graph, accept.target, finding.item)
            {
                continue;
            }
            matched += 1;
            let until = until.as_deref().unwrap_or("");
            if expired {
                finding.status = Status::Expired;
                finding.set_note(format!(
                    "accepted until {until}{ticket}, which has passed: {reason}"
                ));
            } else if until.is_empty() {
                finding.status = Status::Accepted;
                finding.set_note(format!("accepted with no end date{ticket}: {reason}"));
            } else {
                finding.status = Status::Accepted;
                finding.set_note(format!("accepted until {until}{ticket}: {reason}"));
            }
        }
        if matched == 0 {
            diagnostics.push(
                Diagnostic::warning(
                    Code::AcceptUnused,
                    format!("the acceptance of {} matches no finding", accept.rule),
                )
                .with_primary(accept.span, "matches nothing")
                .with_help("the risk is gone or the rule or element was renamed: remove the `accept` block or correct it"),
            );
        }
    }
    diagnostics
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
