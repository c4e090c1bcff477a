//! The flows that join the same source to the same target, found by sorting the flows by their
//! ends on every core: a large model's flows are millions, and a table of every pair costs a
//! cache miss per flow and runs on one core.

use crate::model::Flow;
use rayon::prelude::*;

/// A model's flows ordered by their ends.
pub struct Pairs {
    /// The ends packed as `source << 32 | target`, and the flow's index, sorted: the flows of
    /// one pair are neighbours, in the model's order.
    by_ends: Vec<(u64, u32)>,
}

impl Pairs {
    pub fn of(flows: &[Flow]) -> Pairs {
        let ends = |flow: &Flow| (u64::from(flow.source.0) << 32) | u64::from(flow.target.0);
        let mut by_ends: Vec<(u64, u32)> = flows
            .par_iter()
            .enumerate()
            .map(|(index, flow)| (ends(flow), index as u32))
            .collect();
        by_ends.par_sort_unstable();
        Pairs { by_ends }
    }

    /// Each pair of elements that more than one flow joins: the indices of its flows, in the
    /// model's order (most pairs have one flow, and are left out).
    pub fn shared(&self) -> impl Iterator<Item = impl Iterator<Item = usize> + '_> + '_ {
        self.by_ends
            .chunk_by(|a, b| a.0 == b.0)
            .filter(|run| run.len() > 1)
            .map(|run| run.iter().map(|(_, index)| *index as usize))
    }
}

#[cfg(test)]
mod tests {
    use super::Pairs;
    use crate::model::{Attributes, ElementId, Flow};
    use crate::span::{FileId, Span};

    #[test]
    fn flows_sharing_their_ends_are_grouped_in_order() {
        let flow = |source, target| Flow {
            source: ElementId(source),
            target: ElementId(target),
            label: None,
            attrs: Attributes::default(),
            span: Span::new(FileId(0), 0, 0),
        };
        let flows = [
            flow(0, 1),
            flow(0, 2),
            flow(0, 1),
            flow(1, 0),
            flow(7, 7),
            flow(0, 1),
            flow(7, 7),
        ];
        let shared: Vec<Vec<usize>> = Pairs::of(&flows).shared().map(Iterator::collect).collect();
        assert_eq!(shared, [vec![0, 2, 5], vec![4, 6]]);
        assert_eq!(Pairs::of(&[]).shared().count(), 0);
    }
}
