//! The rules' subjects grouped by what the prefilter can know of them ([`Known`]): each group's
//! rules are specialised once, and each element and flow is evaluated with its group's.
//!
//! An element's group is its kind, role and attribute layout (which attributes are written,
//! which defaults apply); a flow's, the kinds and roles of its ends and its own layout. Most
//! declarations write few attributes, so most attribute tests of a rule (`p.has(tracing) and
//! not p.tracing`) are decided for a whole group. A model whose declarations write their
//! attributes in many combinations would make many groups, each specialising every rule: past
//! [`MAX_LAID_OUT`] layouts, further subjects join the group of their shapes alone, with the
//! layout unknown (evaluated per subject, as before the layouts were known).

use super::prefilter::{Known, Shape, shape};
use crate::model::{Attributes, Model};
use hashbrown::HashTable;
use std::hash::{BuildHasher, Hash, Hasher};

/// How many groups with a known layout are made at most.
const MAX_LAID_OUT: usize = 256;

/// The groups of a model's subjects.
pub struct Groups<'m> {
    /// What is known of each group's subjects.
    pub known: Vec<Known<'m>>,
    /// The group of each subject: the elements, then the flows, in the model's order.
    pub of: Vec<u32>,
}

/// Groups every element and flow of `model`.
pub fn group(model: &Model) -> Groups<'_> {
    group_capped(model, MAX_LAID_OUT, PIECE)
}

/// [`group`], with at most `max_laid_out` groups of a known layout.
///
/// The subjects are cut into runs of `piece` (at least one), each grouped on a core of its
/// own without a cap; then each run's groups, in the order they first appear, join the model's
/// groups, in the runs' order. A group's place depends only on where its subjects first appear, so the groups are
/// those of placing every subject in order.
fn group_capped(model: &Model, max_laid_out: usize, piece: usize) -> Groups<'_> {
    use rayon::prelude::*;
    let piece_len = piece.max(1);
    let elements = model.elements.len();
    let subjects = elements + model.flows.len();
    let known_of = |index: usize| match index.checked_sub(elements) {
        None => {
            let element = &model.elements[index];
            Known::Element {
                shape: shape(element),
                layout: Some(&element.attrs),
            }
        }
        Some(flow) => {
            let flow = &model.flows[flow];
            Known::Flow {
                source: shape(model.element(flow.source)),
                target: shape(model.element(flow.target)),
                layout: Some(&flow.attrs),
            }
        }
    };
    let pieces: Vec<(Vec<Known>, Vec<u32>)> = (0..subjects.div_ceil(piece_len))
        .into_par_iter()
        .map(|piece| {
            let mut local = Grouper::new(usize::MAX);
            let of = (piece * piece_len..((piece + 1) * piece_len).min(subjects))
                .map(|index| local.place(known_of(index)))
                .collect();
            (local.known, of)
        })
        .collect();
    let mut grouper = Grouper::new(max_laid_out);
    let pieces: Vec<(Vec<u32>, Vec<u32>)> = pieces
        .into_iter()
        .map(|(known, of)| {
            let joined = known.into_iter().map(|k| grouper.place(k)).collect();
            (joined, of)
        })
        .collect();
    let of = pieces
        .par_iter()
        .flat_map_iter(|(joined, of)| of.iter().map(|&local| joined[local as usize]))
        .collect();
    Groups {
        known: grouper.known,
        of,
    }
}

/// How many subjects one core groups at a time.
const PIECE: usize = 1 << 16;

struct Grouper<'m> {
    known: Vec<Known<'m>>,
    /// Indices into `known`, hashed by [`group_hash`].
    table: HashTable<u32>,
    hasher: foldhash::fast::FixedState,
    /// How many groups have a known layout, and how many may.
    laid_out: usize,
    max_laid_out: usize,
}

impl<'m> Grouper<'m> {
    fn new(max_laid_out: usize) -> Grouper<'m> {
        Grouper {
            max_laid_out,
            known: Vec::new(),
            table: HashTable::new(),
            hasher: foldhash::fast::FixedState::default(),
            laid_out: 0,
        }
    }

    /// The group of a subject known as `known`, made if it is the first of its group.
    fn place(&mut self, known: Known<'m>) -> u32 {
        if let Some(group) = self.find(&known) {
            return group;
        }
        let known = if self.laid_out < self.max_laid_out {
            self.laid_out += 1;
            known
        } else {
            let unlaid = without_layout(known);
            if let Some(group) = self.find(&unlaid) {
                return group;
            }
            unlaid
        };
        let group = self.known.len() as u32;
        let hash = group_hash(&self.hasher, &known);
        self.known.push(known);
        let (known, hasher) = (&self.known, &self.hasher);
        self.table
            .insert_unique(hash, group, |&g| group_hash(hasher, &known[g as usize]));
        group
    }

    fn find(&self, known: &Known) -> Option<u32> {
        self.table
            .find(group_hash(&self.hasher, known), |&g| {
                same_group(&self.known[g as usize], known)
            })
            .copied()
    }
}

/// `known` with its layout forgotten.
fn without_layout(known: Known<'_>) -> Known<'_> {
    match known {
        Known::Element { shape, .. } => Known::Element {
            shape,
            layout: None,
        },
        Known::Flow { source, target, .. } => Known::Flow {
            source,
            target,
            layout: None,
        },
    }
}

/// What groups are told apart by: the subject's shape (an element's, a flow's source's), the
/// flow's target's shape, and the layout.
fn parts<'k>(known: &Known<'k>) -> (Shape, Option<Shape>, Option<&'k Attributes>) {
    match *known {
        Known::Element { shape, layout } => (shape, None, layout),
        Known::Flow {
            source,
            target,
            layout,
        } => (source, Some(target), layout),
    }
}

/// Whether subjects known as `a` and as `b` belong to one group.
fn same_group(a: &Known, b: &Known) -> bool {
    let ((shape, target, layout), (other, other_target, other_layout)) = (parts(a), parts(b));
    shape == other
        && target == other_target
        && match (layout, other_layout) {
            (None, None) => true,
            (Some(layout), Some(other)) => layout.same_layout(other),
            _ => false,
        }
}

/// The hash of what [`same_group`] compares.
fn group_hash(hasher: &foldhash::fast::FixedState, known: &Known) -> u64 {
    let (shape, target, layout) = parts(known);
    let mut state = hasher.build_hasher();
    (shape, target).hash(&mut state);
    match layout {
        Some(layout) => {
            true.hash(&mut state);
            layout.hash_layout(&mut state);
        }
        None => false.hash(&mut state),
    }
    state.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::compile_clean;

    #[test]
    fn subjects_group_by_shape_and_written_attributes() {
        let compilation = compile_clean(
            "use aws\nfunction a : aws.lambda\nfunction b : aws.lambda\n\
             function c : aws.lambda { tracing on }\nfunction d : aws.lambda { tracing off }\n\
             store s : aws.rds\nflow a -> s\nflow b -> s\nflow c -> s { protocol https }\n",
        );
        let groups = group(&compilation.model);
        // a and b write nothing; c and d write `tracing` (its value is theirs, not the
        // group's); s is another kind; two flows write nothing, one writes its protocol.
        assert_eq!(groups.of, [0, 0, 1, 1, 2, 3, 3, 4]);
        assert_eq!(groups.known.len(), 5);
        assert!(groups.known.iter().all(|k| matches!(
            k,
            Known::Element {
                layout: Some(_),
                ..
            } | Known::Flow {
                layout: Some(_),
                ..
            }
        )));
    }

    #[test]
    fn past_the_cap_layouts_are_forgotten() {
        let compilation = compile_clean(
            "use aws\nfunction a : aws.lambda\nfunction b : aws.lambda { tracing on }\n\
             function c : aws.lambda { tracing off }\nfunction d : aws.lambda { timeout 3 }\n\
             function e : aws.lambda { runtime \"python3.12\" }\nfunction f : aws.lambda\n",
        );
        let groups = group_capped(&compilation.model, 2, PIECE);
        // a's and b's layouts are the two known; d's and e's join one group of lambdas alone.
        assert_eq!(groups.of, [0, 1, 1, 2, 2, 0]);
        assert!(matches!(
            groups.known[2],
            Known::Element { layout: None, .. }
        ));
        assert!(matches!(
            groups.known[1],
            Known::Element {
                layout: Some(_),
                ..
            }
        ));
    }

    #[test]
    fn grouping_in_pieces_groups_as_placing_every_subject_in_order() {
        let mut text = String::from("use aws\nstore s : aws.rds\n");
        let layouts = [
            "",
            "{ tracing on }",
            "{ timeout 3 }",
            "{ tracing off timeout 4 }",
        ];
        for i in 0..40 {
            let layout = layouts[(i * 7 + i / 5) % layouts.len()];
            text.push_str(&format!("function f{i} : aws.lambda {layout}\n"));
            if i % 3 == 0 {
                text.push_str(&format!("flow f{i} -> s {{ protocol https }}\n"));
            } else {
                text.push_str(&format!("flow f{i} -> s\n"));
            }
        }
        let compilation = compile_clean(&text);
        let model = &compilation.model;
        let subjects = model.elements.len() + model.flows.len();
        let describe = |groups: &Groups| -> Vec<String> {
            groups
                .known
                .iter()
                .map(|known| {
                    let (shape, target, layout) = parts(known);
                    let written = layout.map(|l| l.iter().count());
                    format!("{shape:?} {target:?} {written:?}")
                })
                .collect()
        };
        for cap in [0, 1, 2, 3, 256] {
            // One piece holding every subject is the order itself.
            let whole = group_capped(model, cap, subjects);
            // The store, the lambdas and the flows, and with room for them, their layouts.
            assert!(whole.known.len() >= 3);
            if cap == 256 {
                assert_eq!(whole.known.len(), 1 + layouts.len() + 2);
            }
            for piece in [0, 1, 2, 3, 5, 16, subjects - 1] {
                let cut = group_capped(model, cap, piece);
                assert_eq!(cut.of, whole.of, "cap {cap}, pieces of {piece}");
                assert_eq!(
                    describe(&cut),
                    describe(&whole),
                    "cap {cap}, pieces of {piece}"
                );
            }
        }
    }
}
