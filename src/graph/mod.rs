//! The data-flow graph: elements are nodes, flows are edges, plus the boundary tree and the
//! facts rules reason about, all computed once, in time linear in the size of the model.
//!
//! - each element's chain of boundaries, innermost first;
//! - for each flow, the boundaries it leaves and enters;
//! - the data that reaches each element (what flows in and out of it) and its highest level;
//! - exposure: whether an element is reachable from an `internet` boundary, and whether every
//!   such path passes something that authenticates the caller.

mod exposure;
mod lists;
pub mod pairs;

pub use lists::Lists;

use crate::model::*;
use petgraph::graph::{DiGraph, NodeIndex};
use rayon::prelude::*;
use std::borrow::Cow;
use std::ops::Deref;

/// The index of a flow in [`Model::flows`].
pub type FlowIndex = u32;

/// How an element can be reached from the internet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Exposure {
    /// No path from the internet reaches it.
    Internal,
    /// Every path from the internet passes an element or flow that authenticates the caller.
    Authenticated,
    /// Some path from the internet reaches it without authentication.
    Open,
}

/// The graph of a model and the facts derived from it: the model, and the [`Facts`] built from
/// it, owned ([`Graph::build`]) or borrowed from where they are kept ([`Graph::over`]). The
/// facts' fields read as the graph's own.
#[derive(Clone)]
pub struct Graph<'m> {
    pub model: &'m Model,
    facts: Cow<'m, Facts>,
}

/// What [`Graph::build`] computes from a model; kept by a compilation so that findings' texts
/// can be filled in later over the same graph.
#[derive(Clone, Debug)]
pub struct Facts {
    pub graph: DiGraph<ElementId, FlowIndex>,
    /// Each element's boundaries, innermost first.
    pub chains: Lists<BoundaryId>,
    /// Each flow's boundaries left: in the source's chain only.
    pub leaves: Lists<BoundaryId>,
    /// Each flow's boundaries entered: in the target's chain only.
    pub enters: Lists<BoundaryId>,
    /// The data that flows into or out of each element, in declaration order.
    pub data: Lists<DataId>,
    pub exposure: Vec<Exposure>,
    /// For each exposed element, the elements the internet reaches it through, starting on the
    /// internet side (one shortest path).
    pub exposure_paths: Lists<ElementId>,
    /// Whether each element checks who calls it (an authorizer, required sign-in…).
    pub authenticates: Vec<bool>,
    /// Whether each boundary is an `internet` boundary, where the callers are.
    pub internet: Vec<bool>,
    /// Each data item's classification level.
    pub levels: Vec<i64>,
    /// The data every flow carries (its `data` attribute).
    flow_data: Lists<DataId>,
}

impl Deref for Graph<'_> {
    type Target = Facts;
    fn deref(&self) -> &Facts {
        &self.facts
    }
}

impl<'m> Graph<'m> {
    pub fn build(model: &'m Model) -> Graph<'m> {
        Graph {
            model,
            facts: Cow::Owned(Facts::build(model)),
        }
    }

    /// The graph of `model` over facts built from it earlier.
    pub fn over(model: &'m Model, facts: &'m Facts) -> Graph<'m> {
        Graph {
            model,
            facts: Cow::Borrowed(facts),
        }
    }

    /// The graph of `model` over `facts` built from it earlier, or built now when there are
    /// none (a compilation whose rules did not run).
    pub fn over_or_build(model: &'m Model, facts: Option<&'m Facts>) -> Graph<'m> {
        match facts {
            Some(facts) => Graph::over(model, facts),
            None => Graph::build(model),
        }
    }

    /// The facts, to be kept and used again with [`Graph::over`].
    pub fn into_facts(self) -> Facts {
        self.facts.into_owned()
    }

    pub fn flows_in(&self, element: ElementId) -> impl Iterator<Item = FlowIndex> + '_ {
        self.flow_edges(element, petgraph::Direction::Incoming)
            .map(|e| *e.weight())
    }

    pub fn flows_out(&self, element: ElementId) -> impl Iterator<Item = FlowIndex> + '_ {
        self.flow_edges(element, petgraph::Direction::Outgoing)
            .map(|e| *e.weight())
    }

    /// The edges of the flows into (`Incoming`) or out of (`Outgoing`) an element, each
    /// weighted with its flow: [`Graph::flows_in`] and [`Graph::flows_out`] as a named type.
    pub fn flow_edges(
        &self,
        element: ElementId,
        direction: petgraph::Direction,
    ) -> petgraph::graph::Edges<'_, FlowIndex, petgraph::Directed> {
        self.graph.edges_directed(node(element), direction)
    }

    /// The data a flow carries, in the order its attribute lists them.
    pub fn flow_data(&self, flow: FlowIndex) -> impl Iterator<Item = DataId> + '_ {
        self.flow_data_slice(flow).iter().copied()
    }

    /// The data a flow carries, as a slice of one list held for all flows.
    pub fn flow_data_slice(&self, flow: FlowIndex) -> &[DataId] {
        &self.flow_data[flow as usize]
    }

    /// The boundaries flow `flow` crosses: those it leaves, then those it enters.
    pub fn crossed(&self, flow: FlowIndex) -> impl Iterator<Item = BoundaryId> + '_ {
        self.leaves[flow as usize]
            .iter()
            .chain(&self.enters[flow as usize])
            .copied()
    }

    /// Whether flow `flow` leaves or enters a boundary.
    pub fn crosses(&self, flow: FlowIndex) -> bool {
        !self.leaves[flow as usize].is_empty() || !self.enters[flow as usize].is_empty()
    }

    /// The highest classification level among `data`, if any.
    pub fn highest_level(&self, data: impl IntoIterator<Item = DataId>) -> Option<i64> {
        data.into_iter().map(|d| self.levels[d.index()]).max()
    }

    /// For every element, whether a path of one or more flows leads from it to an element for
    /// which `target` holds: one backward search from all targets, linear in the graph.
    pub fn can_reach(&self, target: impl Fn(ElementId) -> bool) -> Vec<bool> {
        let mut marked = vec![false; self.model.elements.len()];
        let mut stack: Vec<NodeIndex> = self
            .graph
            .node_indices()
            .filter(|n| target(self.graph[*n]))
            .collect();
        while let Some(at) = stack.pop() {
            for previous in self
                .graph
                .neighbors_directed(at, petgraph::Direction::Incoming)
            {
                let id = self.graph[previous];
                if !marked[id.index()] {
                    marked[id.index()] = true;
                    stack.push(previous);
                }
            }
        }
        marked
    }
}

fn node(element: ElementId) -> NodeIndex {
    NodeIndex::new(element.index())
}

/// The classification level of a data item.
pub fn level(model: &Model, data: DataId) -> i64 {
    let class = model.data[data.index()].classification;
    match model.classifications[class.index()].attrs.get("level") {
        Some(AttrValue::Int(level)) => *level,
        _ => 0,
    }
}

/// The data items a flow's `data` attribute names.
pub fn flow_data(flow: &Flow) -> impl Iterator<Item = DataId> + '_ {
    let items = match flow.attrs.get("data") {
        Some(AttrValue::List(items)) => items.as_slice(),
        _ => &[],
    };
    items.iter().filter_map(|v| match v {
        AttrValue::Data(d) => Some(*d),
        _ => None,
    })
}

impl Facts {
    /// Everything the rules read, computed once from the model.
    pub fn build(model: &Model) -> Facts {
        // The graph on one core; on the other, what the elements' boundaries and the flows'
        // attributes give. Each list is built on every core when both are free.
        let (graph, (chains, crossings, authenticates)) = rayon::join(
            || flow_graph(model),
            || {
                let chains = element_chains(model);
                let crossings = flow_crossings(model, &chains);
                let authenticates = model
                    .elements
                    .par_iter()
                    .with_min_len(4096)
                    .map(|e| exposure::authenticates(model, e))
                    .collect::<Vec<_>>();
                (chains, crossings, authenticates)
            },
        );
        let (leaves, enters, flow_data) = crossings;
        let data = element_data(&graph, &flow_data);
        let levels = (0..model.data.len())
            .map(|d| level(model, DataId(d as u32)))
            .collect();
        let internet: Vec<bool> = model
            .boundaries
            .iter()
            .map(|b| model.kind(b.kind).name == "internet")
            .collect();
        let (exposure, exposure_paths) =
            exposure::compute(model, &graph, &chains, &authenticates, &internet);
        Facts {
            graph,
            chains,
            leaves,
            enters,
            data,
            exposure,
            exposure_paths,
            authenticates,
            internet,
            levels,
            flow_data,
        }
    }
}

/// The data-flow graph: a node per element, an edge per flow, weighted with the flow's index.
fn flow_graph(model: &Model) -> DiGraph<ElementId, FlowIndex> {
    let mut graph = DiGraph::with_capacity(model.elements.len(), model.flows.len());
    for index in 0..model.elements.len() {
        graph.add_node(ElementId(index as u32));
    }
    // The source's size limit keeps the flows well below 2^32.
    for (index, flow) in model.flows.iter().enumerate() {
        graph.add_edge(node(flow.source), node(flow.target), index as FlowIndex);
    }
    graph
}

/// For each flow, the boundaries it leaves, those it enters and the data it carries.
fn flow_crossings(
    model: &Model,
    chains: &Lists<BoundaryId>,
) -> (Lists<BoundaryId>, Lists<BoundaryId>, Lists<DataId>) {
    let flows = &model.flows;
    let ends = |f: usize| {
        (
            &chains[flows[f].source.index()],
            &chains[flows[f].target.index()],
        )
    };
    let (leaves, (enters, data)) = rayon::join(
        || {
            Lists::build_on_every_core(flows.len(), |f| {
                let (from, to) = ends(f);
                from.iter().filter(|b| !to.contains(b)).copied()
            })
        },
        || {
            rayon::join(
                || {
                    Lists::build_on_every_core(flows.len(), |f| {
                        let (from, to) = ends(f);
                        to.iter().filter(|b| !from.contains(b)).copied()
                    })
                },
                || Lists::build_on_every_core(flows.len(), |f| self::flow_data(&flows[f])),
            )
        },
    );
    (leaves, enters, data)
}

/// Every boundary's chain (itself, then its ancestors), computed parent-first.
fn boundary_chains(model: &Model) -> Vec<Vec<BoundaryId>> {
    let mut chains: Vec<Option<Vec<BoundaryId>>> = vec![None; model.boundaries.len()];
    for start in 0..model.boundaries.len() {
        // Walk up to the first ancestor whose chain is known; then fill in downwards.
        let mut path = Vec::new();
        let mut at = Some(BoundaryId(start as u32));
        while let Some(b) = at {
            if chains[b.index()].is_some() || path.len() > model.boundaries.len() {
                break;
            }
            path.push(b);
            at = model.boundary(b).parent;
        }
        let mut above = at
            .and_then(|b| chains[b.index()].clone())
            .unwrap_or_default();
        for b in path.into_iter().rev() {
            let mut chain = Vec::with_capacity(above.len() + 1);
            chain.push(b);
            chain.extend_from_slice(&above);
            chains[b.index()] = Some(chain.clone());
            above = chain;
        }
    }
    chains.into_iter().map(Option::unwrap_or_default).collect()
}

/// Each element's chain of boundaries: its boundary's chain, or none.
fn element_chains(model: &Model) -> Lists<BoundaryId> {
    let boundary_chains = boundary_chains(model);
    Lists::build_on_every_core(model.elements.len(), |e| {
        let boundary = model.elements[e].boundary;
        boundary
            .into_iter()
            .flat_map(|b| boundary_chains[b.index()].iter().copied())
    })
}

/// The data flowing into or out of each element, each item once, in declaration order;
/// `flow_data` holds each flow's.
fn element_data(graph: &DiGraph<ElementId, FlowIndex>, flow_data: &Lists<DataId>) -> Lists<DataId> {
    Lists::build_on_every_core(graph.node_count(), |index| {
        let mut found: smallvec::SmallVec<[DataId; 8]> = smallvec::SmallVec::new();
        for direction in [petgraph::Direction::Outgoing, petgraph::Direction::Incoming] {
            for edge in graph.edges_directed(node(ElementId(index as u32)), direction) {
                found.extend_from_slice(&flow_data[*edge.weight() as usize]);
            }
        }
        found.sort_unstable();
        found.dedup();
        found
    })
}

#[cfg(test)]
mod tests;
