//! Exposure: which elements the internet reaches, and whether it must authenticate first.
//!
//! A breadth-first search over (element, authenticated-so-far) pairs, starting at every element
//! inside an `internet` boundary: each element is visited at most twice, so the search is linear
//! in the number of flows.

use super::{Exposure, FlowIndex, Lists, node};
use crate::model::*;
use petgraph::graph::DiGraph;
use std::collections::VecDeque;

/// The attributes through which a kind declares how it authenticates callers.
const AUTH_ATTRIBUTES: &[&str] = &["authorizer", "auth", "authenticate"];

/// Values of those attributes that do not establish who the caller is: an API key identifies
/// a client but is no authentication.
const NOT_AUTHENTICATING: &[&str] = &["none", "api_key", "off"];

/// Whether an element checks who calls it.
pub fn authenticates(model: &Model, element: &Element) -> bool {
    if model.role(element.role).name == "identity" {
        return true;
    }
    AUTH_ATTRIBUTES
        .iter()
        .any(|name| match element.attrs.get(name) {
            Some(value) => authenticating_value(value),
            None => false,
        })
}

fn authenticating_value(value: &AttrValue) -> bool {
    match value {
        AttrValue::Variant { name, .. } => !NOT_AUTHENTICATING.contains(&&**name),
        AttrValue::List(items) => items.iter().any(authenticating_value),
        AttrValue::Bool(on) => *on,
        _ => false,
    }
}

/// Whether a flow's target authenticates its source (`authn` other than `none`).
fn flow_authenticates(flow: &Flow) -> bool {
    match flow.attrs.get("authn") {
        Some(AttrValue::Variant { name, .. }) => &**name != "none" && &**name != "api_key",
        _ => false,
    }
}

/// A state of the search: an element, and whether the caller was authenticated on the way.
type State = (ElementId, bool);

/// Each element's exposure, and the path the internet reaches it by (the elements before it,
/// from the internet side; empty when it is not reached).
/// `internet` says which boundaries are `internet` boundaries.
pub fn compute(
    model: &Model,
    graph: &DiGraph<ElementId, FlowIndex>,
    chains: &Lists<BoundaryId>,
    authenticates: &[bool],
    internet: &[bool],
) -> (Vec<Exposure>, Lists<ElementId>) {
    use rayon::prelude::*;
    let n = model.elements.len();
    // What the search reads of every element and flow, looked up on every core first: the
    // search itself goes in one order over a million flows.
    let on_internet: Vec<bool> = (0..n)
        .into_par_iter()
        .with_min_len(4096)
        .map(|e| chains[e].iter().any(|b| internet[b.index()]))
        .collect();
    let flow_authenticates: Vec<bool> = model
        .flows
        .par_iter()
        .with_min_len(4096)
        .map(flow_authenticates)
        .collect();
    // seen[i][0]: reached without authentication; seen[i][1]: reached after authentication.
    let mut seen = vec![[false; 2]; n];
    // The state each state was first reached from.
    let mut parent: Vec<[Option<State>; 2]> = vec![[None; 2]; n];
    let mut queue = VecDeque::new();
    for (index, _) in on_internet.iter().enumerate().filter(|(_, on)| **on) {
        seen[index][0] = true;
        queue.push_back((ElementId(index as u32), false));
    }
    while let Some((at, authed)) = queue.pop_front() {
        for edge in graph.edges(node(at)) {
            let target = graph[petgraph::visit::EdgeRef::target(&edge)];
            let next = authed
                || flow_authenticates[*edge.weight() as usize]
                || authenticates[target.index()];
            let slot = &mut seen[target.index()][next as usize];
            if !*slot {
                *slot = true;
                parent[target.index()][next as usize] = Some((at, authed));
                queue.push_back((target, next));
            }
        }
    }
    let exposure: Vec<Exposure> = seen
        .par_iter()
        .zip(on_internet)
        .with_min_len(4096)
        .map(|(reached, on_internet)| {
            if on_internet {
                // The internet's own elements are the callers, not the exposed.
                Exposure::Internal
            } else if reached[0] {
                Exposure::Open
            } else if reached[1] {
                Exposure::Authenticated
            } else {
                Exposure::Internal
            }
        })
        .collect();
    let paths = Lists::build_on_every_core(n, |index| {
        let authed = match exposure[index] {
            Exposure::Open => Some(false),
            Exposure::Authenticated => Some(true),
            Exposure::Internal => None,
        };
        let mut path: smallvec::SmallVec<[ElementId; 8]> = smallvec::SmallVec::new();
        let mut at = authed.and_then(|authed| parent[index][authed as usize]);
        while let Some((element, authed)) = at {
            path.push(element);
            at = parent[element.index()][authed as usize];
        }
        path.into_iter().rev()
    });
    (exposure, paths)
}
