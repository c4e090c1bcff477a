//! Which findings a compilation makes in full: every one, or only the first few of each rule
//! within a severity, the others just counted. `check` prints at most a few findings of each
//! rule; a model with millions of findings then makes a few hundred, not millions that are
//! counted and let go.

use super::RuleFacts;
use crate::rules::severity::Severity;
use rayon::prelude::*;
use std::collections::BinaryHeap;
use std::sync::Arc;

/// Which findings are made in full.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Keep {
    /// Every finding.
    #[default]
    All,
    /// Of the open findings (active, or accepted until a date that has passed), the first
    /// `n` of each rule within each severity, in the findings' order; every accepted finding.
    /// The others are counted in [`LeftOut`]s.
    FirstOfEachRule(usize),
}

/// Open findings of one rule and severity that were counted but not made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeftOut {
    pub severity: Severity,
    pub rule: Arc<RuleFacts>,
    pub count: usize,
}

/// The findings to make, from their sorted keys: every key of an accepted finding
/// (`accepted`), and the first `per_rule` keys of each group of open ones (a group is one rule
/// within one severity; `group` gives a key's, and the keys of a group are neighbours); how
/// many keys each group left out, in the keys' order.
pub(super) fn select<K: Copy, G: Copy + PartialEq>(
    keys: Vec<K>,
    per_rule: usize,
    group: impl Fn(K) -> G,
    accepted: impl Fn(K) -> bool,
) -> (Vec<K>, Vec<(G, usize)>) {
    let mut kept = Vec::new();
    let mut left_out: Vec<(G, usize)> = Vec::new();
    // The group of the last open key, and how many of its keys were kept.
    let mut current: Option<(G, usize)> = None;
    for key in keys {
        if accepted(key) {
            kept.push(key);
            continue;
        }
        let this = group(key);
        let taken = match &mut current {
            Some((g, taken)) if *g == this => taken,
            _ => &mut current.insert((this, 0)).1,
        };
        if *taken < per_rule {
            *taken += 1;
            kept.push(key);
        } else {
            match left_out.last_mut() {
                Some((g, count)) if *g == this => *count += 1,
                _ => left_out.push((this, 1)),
            }
        }
    }
    (kept, left_out)
}

/// The `per_group` smallest keys of each of `groups` groups, sorted, and how many keys each
/// group has, from the group and key `group_of` gives each of `things`: one pass over them on
/// each core, holding a bounded heap per group, the cores' heaps merged.
pub(super) fn smallest_of_each_group<'t, T: Sync + 't, K: Ord + Copy + Send>(
    things: impl ParallelIterator<Item = &'t T>,
    groups: usize,
    per_group: usize,
    group_of: impl Fn(&T) -> (usize, K) + Sync,
) -> (Vec<Vec<K>>, Vec<usize>) {
    let empty = || (vec![BinaryHeap::new(); groups], vec![0usize; groups]);
    let (heaps, counts) = things
        .fold(empty, |(mut heaps, mut counts), thing| {
            let (group, key) = group_of(thing);
            counts[group] += 1;
            offer(&mut heaps[group], key, per_group);
            (heaps, counts)
        })
        .reduce(
            empty,
            |(mut heaps, mut counts), (other_heaps, other_counts)| {
                for (heap, other) in heaps.iter_mut().zip(other_heaps) {
                    for key in other {
                        offer(heap, key, per_group);
                    }
                }
                for (count, other) in counts.iter_mut().zip(other_counts) {
                    *count += other;
                }
                (heaps, counts)
            },
        );
    let smallest = heaps.into_iter().map(BinaryHeap::into_sorted_vec).collect();
    (smallest, counts)
}

/// Adds `key` to `heap` (whose largest is on top) if it is among the `limit` smallest seen.
fn offer<K: Ord>(heap: &mut BinaryHeap<K>, key: K, limit: usize) {
    if heap.len() < limit {
        heap.push(key);
    } else if let Some(mut largest) = heap.peek_mut()
        && key < *largest
    {
        *largest = key;
    }
}

#[cfg(test)]
mod tests {
    use super::{select, smallest_of_each_group};
    use rayon::prelude::*;

    #[test]
    fn the_smallest_of_each_group_are_found_on_every_core_and_the_groups_counted() {
        // 100,000 things in 7 groups, keyed in a scrambled order.
        let things: Vec<u64> = (0..100_000u64).collect();
        let group_of = |t: &u64| {
            (
                (*t % 7) as usize,
                (t.wrapping_mul(2_654_435_761) % 1_000_003, *t),
            )
        };
        for limit in [0, 1, 10, 20_000] {
            let (smallest, counts) = smallest_of_each_group(things.par_iter(), 7, limit, group_of);
            for group in 0..7 {
                let mut all: Vec<_> = things
                    .iter()
                    .map(group_of)
                    .filter(|(g, _)| *g == group)
                    .map(|(_, key)| key)
                    .collect();
                all.sort_unstable();
                assert_eq!(counts[group], all.len());
                all.truncate(limit);
                assert_eq!(smallest[group], all, "group {group}, limit {limit}");
            }
        }
        let (smallest, counts) = smallest_of_each_group((&[] as &[u64]).par_iter(), 2, 3, group_of);
        assert_eq!((smallest, counts), (vec![vec![], vec![]], vec![0, 0]));
    }

    #[test]
    fn the_first_of_each_group_are_kept_every_accepted_one_too_and_the_rest_counted() {
        // Keys are (group, n); the fourth and the eighth are accepted.
        let keys = vec![
            ('a', 0),
            ('a', 1),
            ('a', 2),
            ('a', 3),
            ('b', 0),
            ('c', 0),
            ('c', 1),
            ('c', 2),
            ('c', 3),
            ('c', 4),
        ];
        let accepted = |key: (char, i32)| key == ('a', 3) || key == ('c', 2);
        let (kept, left_out) = select(keys.clone(), 2, |k: (char, i32)| k.0, accepted);
        assert_eq!(
            kept,
            [
                ('a', 0),
                ('a', 1),
                ('a', 3),
                ('b', 0),
                ('c', 0),
                ('c', 1),
                ('c', 2)
            ]
        );
        // An accepted key counts against no group: c keeps two open ones and ('c', 2) besides.
        assert_eq!(left_out, [('a', 1), ('c', 2)]);
        let (kept, left_out) = select(keys.clone(), 0, |k: (char, i32)| k.0, accepted);
        assert_eq!(kept, [('a', 3), ('c', 2)]);
        assert_eq!(left_out, [('a', 3), ('b', 1), ('c', 4)]);
        let (kept, left_out) = select(keys.clone(), 100, |k: (char, i32)| k.0, |_| false);
        assert_eq!(kept, keys);
        assert!(left_out.is_empty());
        let (kept, left_out) = select(Vec::<(char, i32)>::new(), 1, |k| k.0, |_| false);
        assert!(kept.is_empty() && left_out.is_empty());
    }
}
