//! Many short lists held in one allocation: one per element or per flow.
//!
//! A model with a million elements has a million boundary chains, a million lists of data and
//! a million pairs of crossed boundaries, nearly all of one to three items. Held as a `Vec` each,
//! they cost an allocation and a 24-byte header apiece, several times the items themselves.
//! [`Lists`] keeps every item in one vector and where each list starts in another: list `i` is
//! `items[starts[i]..starts[i + 1]]`.

use std::ops::Index;

/// How many lists one task of [`Lists::build_on_every_core`] builds.
const PIECE: usize = 16 * 1024;

/// Lists numbered from 0, appended in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lists<T> {
    items: Vec<T>,
    /// Where each list starts in `items`, and the end of the last one: one more than the lists.
    starts: Vec<u32>,
}

impl<T> Default for Lists<T> {
    fn default() -> Lists<T> {
        Lists::with_capacity(0, 0)
    }
}

impl<T> Lists<T> {
    /// No lists yet, with room for `lists` lists of `items` items in all.
    pub fn with_capacity(lists: usize, items: usize) -> Lists<T> {
        let mut starts = Vec::with_capacity(lists + 1);
        starts.push(0);
        Lists {
            items: Vec::with_capacity(items),
            starts,
        }
    }

    /// Appends one list, numbered [`Lists::len`] before the call.
    pub fn push(&mut self, list: impl IntoIterator<Item = T>) {
        self.items.extend(list);
        let end = u32::try_from(self.items.len()).expect("fewer than 2^32 items in all");
        self.starts.push(end);
    }

    /// Lists `0..count`, list `i` being `list(i)`, built on every core a piece at a time and
    /// joined in order.
    pub fn build_on_every_core<L>(count: usize, list: impl Fn(usize) -> L + Sync) -> Lists<T>
    where
        T: Send,
        L: IntoIterator<Item = T>,
    {
        use rayon::prelude::*;
        let pieces: Vec<Lists<T>> = (0..count.div_ceil(PIECE))
            .into_par_iter()
            .map(|piece| {
                let range = piece * PIECE..(piece * PIECE + PIECE).min(count);
                let mut lists = Lists::with_capacity(range.len(), range.len());
                for i in range {
                    lists.push(list(i));
                }
                lists
            })
            .collect();
        let items = pieces.iter().map(|p| p.items.len()).sum();
        let mut joined = Lists::with_capacity(count, items);
        for piece in pieces {
            let base = *joined.starts.last().expect("one start at least");
            joined
                .starts
                .extend(piece.starts[1..].iter().map(|s| base + s));
            joined.items.extend(piece.items);
        }
        joined
    }

    /// The number of lists.
    pub fn len(&self) -> usize {
        self.starts.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every list, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &[T]> + '_ {
        self.starts
            .windows(2)
            .map(|w| &self.items[w[0] as usize..w[1] as usize])
    }
}

/// List `i`, as a slice.
impl<T> Index<usize> for Lists<T> {
    type Output = [T];
    fn index(&self, i: usize) -> &[T] {
        &self.items[self.starts[i] as usize..self.starts[i + 1] as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::Lists;

    #[test]
    fn lists_built_on_every_core_are_those_built_in_order() {
        let list = |i: usize| (0..i % 4).map(move |k| i * 10 + k);
        for count in [0, 1, 5, super::PIECE, 3 * super::PIECE + 17] {
            let mut one_by_one = Lists::with_capacity(count, count);
            for i in 0..count {
                one_by_one.push(list(i));
            }
            assert_eq!(
                Lists::build_on_every_core(count, list),
                one_by_one,
                "{count}"
            );
        }
    }

    #[test]
    fn lists_keep_their_items_apart_and_in_order() {
        let mut lists = Lists::with_capacity(4, 4);
        assert!(lists.is_empty());
        lists.push([1, 2]);
        lists.push([]);
        lists.push([3]);
        lists.push(lists[0].to_vec());
        assert_eq!(lists.len(), 4);
        assert_eq!(&lists[0], [1, 2]);
        assert!(lists[1].is_empty());
        assert_eq!(&lists[2], [3]);
        assert_eq!(&lists[3], [1, 2]);
        let all: Vec<&[i32]> = lists.iter().collect();
        assert_eq!(all, [&[1, 2][..], &[], &[3], &[1, 2]]);
        let mut more = Lists::default();
        for list in [vec![7], vec![], vec![8, 9]] {
            more.push(list);
        }
        assert_eq!(more.iter().map(<[i32]>::len).collect::<Vec<_>>(), [1, 0, 2]);
        assert_eq!(&more[2], [8, 9]);
    }

    #[test]
    #[should_panic]
    fn a_list_past_the_last_is_out_of_bounds() {
        let lists: Lists<u8> = Lists::default();
        let _ = &lists[0];
    }
}
