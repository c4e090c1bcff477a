//! From rule hits to findings: the hits sorted by severity and id through one integer key each,
//! the duplicates of an id dropped, accepted risks applied, and each finding that is kept given
//! its rule's facts, path and location.

use super::keep::{Keep, LeftOut, select, smallest_of_each_group};
use super::{
    Acceptances, Finding, Location, RuleFacts, Status, element_paths, flow_paths, id_order,
};
use crate::diagnostic::Diagnostic;
use crate::graph::{FlowIndex, Graph};
use crate::model::{ElementId, Model};
use crate::rules::severity::Severity;
use crate::rules::{CompiledRule, Hit, Hits, Item};
use crate::source::SourceMap;
use crate::span::Span;
use arcstr::ArcStr;
use rayon::prelude::*;
use std::sync::Arc;

/// The rank of each of `count` things in the order `cmp` gives them (sorted on both cores);
/// things that compare equal share a rank.
fn ranks(count: usize, cmp: impl Fn(usize, usize) -> std::cmp::Ordering + Sync) -> Vec<u32> {
    let mut order: Vec<u32> = (0..count as u32).collect();
    order.par_sort_unstable_by(|&a, &b| cmp(a as usize, b as usize));
    let mut rank = vec![0; count];
    let mut current = 0;
    for (position, pair) in order.windows(2).enumerate() {
        if cmp(pair[0] as usize, pair[1] as usize).is_ne() {
            current = position as u32 + 1;
        }
        rank[pair[1] as usize] = current;
    }
    rank
}

/// The rank of each of `count` texts in byte order, as [`ranks`] gives it comparing them,
/// reading less of them: they are sorted by their first sixteen bytes as one integer, held
/// beside their index, and the texts that share those are sorted by their next sixteen, and so
/// on, each group on both cores. (Item paths share long prefixes, and comparing two of them
/// whole reads far into two texts elsewhere in memory; a large model's half a million flows
/// from one actor share their first sixteen bytes.)
fn text_ranks<'t>(count: usize, text: impl Fn(usize) -> &'t str + Sync) -> Vec<u32> {
    let mut keyed: Vec<(u128, u32)> = (0..count as u32)
        .into_par_iter()
        .map(|i| (chunk(text(i as usize), 0), i))
        .collect();
    keyed.par_sort_unstable();
    refine(&mut keyed, CHUNK, &text);
    // Texts that are equal have equal keys at every depth, so they are neighbours with equal
    // keys; neighbours with equal keys (from groups sorted to different depths) are compared.
    let mut rank = vec![0; count];
    let mut current = 0;
    for (position, pair) in keyed.windows(2).enumerate() {
        if pair[0].0 != pair[1].0 || text(pair[0].1 as usize) != text(pair[1].1 as usize) {
            current = position as u32 + 1;
        }
        rank[pair[1].1 as usize] = current;
    }
    rank
}

/// How many bytes of a text one key holds.
const CHUNK: usize = 16;

/// The bytes of `text` from `from`, sixteen of them zero-padded: as integers they order as the
/// texts do from there (a text holds no NUL: the reader refuses it).
fn chunk(text: &str, from: usize) -> u128 {
    let mut bytes = [0u8; CHUNK];
    let rest = text.as_bytes().get(from..).unwrap_or_default();
    let n = rest.len().min(CHUNK);
    bytes[..n].copy_from_slice(&rest[..n]);
    u128::from_be_bytes(bytes)
}

/// How many bytes deep [`refine`] sorts by keys; a group of texts that share more is sorted by
/// comparing them whole, so that the recursion stays shallow whatever the texts.
const KEYED_DEPTH: usize = 64 * CHUNK;

/// Sorts each group of `keyed` whose texts share their first `depth` bytes (neighbours with
/// equal keys) by the texts' next sixteen bytes, and so on until the texts of a group end.
fn refine<'t>(keyed: &mut [(u128, u32)], depth: usize, text: &(impl Fn(usize) -> &'t str + Sync)) {
    keyed
        .par_chunk_by_mut(|a, b| a.0 == b.0)
        .filter(|group| group.len() > 1)
        .for_each(|group| {
            // Texts that agree on every byte up to their end are equal: nothing left to sort.
            if group.iter().all(|&(_, i)| text(i as usize).len() <= depth) {
                return;
            }
            // The keys are left as they are: equal for the whole group, so the ranks compare
            // its neighbours whole.
            if depth >= KEYED_DEPTH {
                group.sort_unstable_by(|a, b| text(a.1 as usize).cmp(text(b.1 as usize)));
                return;
            }
            for entry in group.iter_mut() {
                entry.0 = chunk(text(entry.1 as usize), depth);
            }
            group.par_sort_unstable();
            refine(group, depth + CHUNK, text);
        });
}

/// The findings made from a model's rule hits.
#[derive(Debug, Default)]
pub struct Made {
    /// Sorted by severity (highest first), then id.
    pub findings: Vec<Finding>,
    /// The open findings not made, counted by severity and rule (in the findings' order); none
    /// when every finding is made.
    pub left_out: Vec<LeftOut>,
    /// A warning for each acceptance that covers no finding.
    pub stale: Vec<Diagnostic>,
}

/// Turns rule hits into findings, sorted by severity (highest first), then id, with the
/// statuses `acceptances` give them; `keep` says which are made in full. Their texts are those
/// of `rules`, the same list [`Texts`](super::Texts) must be given to show them.
pub fn from_hits(
    hits: Hits,
    rules: &[CompiledRule],
    graph: &Graph,
    sources: &SourceMap,
    acceptances: &Acceptances,
    keep: Keep,
) -> Made {
    let model = graph.model;
    let element_paths = element_paths(graph);
    let flow_paths = flow_paths(graph, &element_paths);
    let facts: Vec<Arc<RuleFacts>> = rules
        .iter()
        .enumerate()
        .map(|(index, r)| {
            Arc::new(RuleFacts {
                id: r.id.clone(),
                title: r.title.clone(),
                stride: r.stride.to_vec(),
                refs: r.refs.to_vec(),
                compiled: Some(index as u32),
            })
        })
        .collect();
    let items = Items {
        model,
        sources,
        elements: model.elements.len(),
        element_paths,
        flow_paths,
    };
    // The hits sorted (on both cores) by severity, then id, without making the ids or comparing
    // strings per pair: a rule's rank and its item path's rank order as the ids do.
    let rule_rank = ranks(rules.len(), |a, b| {
        // A rule id has no `@`, so two ids order the same whatever paths follow them.
        id_order((&rules[a].id, ""), (&rules[b].id, ""))
    });
    let count = items.count();
    // A rule's rank gives back the rule: two rules never share an id.
    let mut rule_of_rank = vec![0u32; rules.len()];
    for (rule, rank) in rule_rank.iter().enumerate() {
        rule_of_rank[*rank as usize] = rule as u32;
    }
    let packing = Packing::new(rules.len(), count);
    let maker = Maker {
        facts: &facts,
        rule_of_rank: &rule_of_rank,
        items: &items,
        packing,
    };
    // Only a few of each rule kept, and nothing that could change which: the few are picked
    // without sorting every hit (two items with one path would make one id, and an acceptance
    // takes findings out of their rule's count).
    if let Keep::FirstOfEachRule(per_rule) = keep
        && acceptances.is_empty()
        && !items.paths_repeat()
    {
        return maker.first_of_each_rule(&hits, &rule_rank, per_rule);
    }
    let path_rank = text_ranks(count, |k| items.path(k));
    let key_of = |hit: Hit| {
        let k = items.index(hit.item);
        packing.pack(
            hit.severity.position(),
            rule_rank[hit.rule as usize],
            path_rank[k],
            k,
        )
    };
    // Half the memory and sorting for the keys of any model that fits memory. The ranks are let
    // go once the keys hold them, before the findings are made.
    if packing.width() <= u64::BITS {
        let keys = sorted_keys::<u64>(hits, packing, key_of);
        drop((rule_rank, path_rank));
        maker.finish(keys, acceptances, keep)
    } else {
        let keys = sorted_keys::<u128>(hits, packing, key_of);
        drop((rule_rank, path_rank));
        maker.finish(keys, acceptances, keep)
    }
}

/// The elements, then the flows, numbered as one list of items.
struct Items<'a> {
    model: &'a Model,
    sources: &'a SourceMap,
    elements: usize,
    element_paths: Vec<ArcStr>,
    flow_paths: Vec<ArcStr>,
}

impl Items<'_> {
    fn count(&self) -> usize {
        self.elements + self.flow_paths.len()
    }

    fn index(&self, item: Item) -> usize {
        match item {
            Item::Element(e) => e.index(),
            Item::Flow(f) => self.elements + f as usize,
            Item::Resource => unreachable!("rules range over elements and flows"),
        }
    }

    fn item(&self, k: usize) -> Item {
        if k < self.elements {
            Item::Element(ElementId(k as u32))
        } else {
            Item::Flow((k - self.elements) as FlowIndex)
        }
    }

    fn path(&self, k: usize) -> &ArcStr {
        if k < self.elements {
            &self.element_paths[k]
        } else {
            &self.flow_paths[k - self.elements]
        }
    }

    /// Whether two items share a path. Elements never do (their names are unique), nor flows
    /// whose ends no other flow joins; flows sharing their ends that are told apart by one
    /// label (or a label spelling another's place) do.
    fn paths_repeat(&self) -> bool {
        // Only the paths of flows sharing their ends have a `#`: names and labels have none.
        let marked: Vec<&str> = self
            .flow_paths
            .par_iter()
            .filter(|path| path.contains('#'))
            .map(|path| path.as_str())
            .collect();
        let mut seen = foldhash::HashSet::default();
        !marked.into_iter().all(|path| seen.insert(path))
    }

    fn span(&self, k: usize) -> Span {
        if k < self.elements {
            self.model.elements[k].span
        } else {
            self.model.flows[k - self.elements].span
        }
    }
}

/// The paths are let go on every core: a large model's millions of them took a twentieth of
/// its check on one core.
impl Drop for Items<'_> {
    fn drop(&mut self) {
        let let_go =
            |paths: Vec<ArcStr>| paths.into_par_iter().with_min_len(1 << 14).for_each(drop);
        let (elements, flows) = (
            std::mem::take(&mut self.element_paths),
            std::mem::take(&mut self.flow_paths),
        );
        rayon::join(|| let_go(elements), || let_go(flows));
    }
}

/// An integer type the hits' sort keys are held in.
trait Key: Copy + Ord + Send + Sync + Into<u128> + TryFrom<u128> {}
impl Key for u64 {}
impl Key for u128 {}

/// Each hit as one integer that orders as the findings do, so that sorting compares nothing
/// else: severity (highest first), the rule's rank, the path's rank, then the item itself (so
/// that hits on two items with one path order the same way every run). Each part takes the bits
/// its largest value needs.
#[derive(Clone, Copy, Debug)]
struct Packing {
    rule_bits: u32,
    item_bits: u32,
}

/// Enough for the position of any severity.
const SEVERITY_BITS: u32 = 3;

impl Packing {
    fn new(rules: usize, items: usize) -> Packing {
        let bits = |count: usize| usize::BITS - count.saturating_sub(1).leading_zeros();
        Packing {
            rule_bits: bits(rules),
            item_bits: bits(items),
        }
    }

    /// How many bits a key takes.
    fn width(self) -> u32 {
        SEVERITY_BITS + self.rule_bits + 2 * self.item_bits
    }

    fn pack(self, severity: usize, rule_rank: u32, path_rank: u32, item: usize) -> u128 {
        let Packing {
            rule_bits,
            item_bits,
        } = self;
        (severity as u128) << (rule_bits + 2 * item_bits)
            | u128::from(rule_rank) << (2 * item_bits)
            | u128::from(path_rank) << item_bits
            | item as u128
    }

    fn severity(self, key: u128) -> usize {
        (key >> (self.rule_bits + 2 * self.item_bits)) as usize
    }

    fn rule_rank(self, key: u128) -> usize {
        ((key >> (2 * self.item_bits)) & mask(self.rule_bits)) as usize
    }

    fn item(self, key: u128) -> usize {
        (key & mask(self.item_bits)) as usize
    }

    /// The key without its item: the keys of two hits with one id have it equal.
    fn id(self, key: u128) -> u128 {
        key >> self.item_bits
    }
}

/// The lowest `bits` bits set.
fn mask(bits: u32) -> u128 {
    (1u128 << bits) - 1
}

/// The hits' keys, sorted (on both cores), one per id: of two hits with one id (one rule on
/// one item path), the first is kept.
fn sorted_keys<K: Key>(
    hits: Hits,
    packing: Packing,
    key_of: impl Fn(Hit) -> u128 + Sync,
) -> Vec<K> {
    let mut keys: Vec<K> = hits
        .into_par_iter()
        .map(|hit| match K::try_from(key_of(hit)) {
            Ok(key) => key,
            Err(_) => unreachable!("a key of {} bits fits its type", packing.width()),
        })
        .collect();
    keys.par_sort_unstable();
    keys.dedup_by(|later, earlier| packing.id((*later).into()) == packing.id((*earlier).into()));
    keys
}

/// What the findings are made from, once their keys are sorted.
struct Maker<'a> {
    facts: &'a [Arc<RuleFacts>],
    rule_of_rank: &'a [u32],
    items: &'a Items<'a>,
    packing: Packing,
}

impl Maker<'_> {
    /// The first `per_rule` findings of each rule within each severity, from `hits` on items
    /// with unique paths and without acceptances, and how many each left out: each rule and
    /// severity's smallest (path, item) pairs, kept in one pass over the hits on each core
    /// instead of sorting them all.
    fn first_of_each_rule(&self, hits: &Hits, rule_rank: &[u32], per_rule: usize) -> Made {
        let (items, packing) = (self.items, self.packing);
        let rules = rule_rank.len();
        let groups = Severity::ALL.len() * rules;
        let group_of = |hit: &Hit| {
            let k = items.index(hit.item);
            let group = hit.severity.position() * rules + rule_rank[hit.rule as usize] as usize;
            (group, (items.path(k).as_str(), k as u32))
        };
        let (smallest, counts) =
            smallest_of_each_group(hits.par_iter(), groups, per_rule, group_of);
        let mut keys = Vec::new();
        let mut left_out = Vec::new();
        for (group, (kept, count)) in smallest.into_iter().zip(counts).enumerate() {
            let (severity, rank) = (group / rules, group % rules);
            if count > kept.len() {
                left_out.push(LeftOut {
                    severity: Severity::ALL[severity],
                    rule: Arc::clone(&self.facts[self.rule_of_rank[rank] as usize]),
                    count: count - kept.len(),
                });
            }
            // The place among the group's kept stands for the path's rank: it orders the
            // group's keys alike, and the keys of two groups by their groups.
            for (place, (_, k)) in kept.into_iter().enumerate() {
                keys.push(packing.pack(severity, rank as u32, place as u32, k as usize));
            }
        }
        Made {
            findings: self.findings(keys),
            left_out,
            stale: Vec::new(),
        }
    }

    /// The findings of the sorted `keys`, those `keep` keeps, with their statuses.
    fn finish<K: Key>(&self, keys: Vec<K>, acceptances: &Acceptances, keep: Keep) -> Made {
        let Keep::FirstOfEachRule(per_rule) = keep else {
            let mut findings = self.findings(keys);
            let matched = acceptances.apply_to(&mut findings);
            let stale = acceptances.stale(&matched);
            return Made {
                findings,
                left_out: Vec::new(),
                stale,
            };
        };
        let packing = self.packing;
        let rule_of = |key: u128| self.rule_of_rank[packing.rule_rank(key)] as usize;
        // Each key with its covering acceptance, which decides whether it is kept and, for the
        // kept, its status; none looked up in a model without acceptances.
        let covered: Vec<(K, Option<u32>)> = if acceptances.is_empty() {
            keys.into_iter().map(|key| (key, None)).collect()
        } else {
            keys.into_par_iter()
                .map(|key| {
                    let wide: u128 = key.into();
                    let item = self.items.item(packing.item(wide));
                    let covering = acceptances.first_covering(&self.facts[rule_of(wide)].id, item);
                    (key, covering.map(|index| index as u32))
                })
                .collect()
        };
        let mut matched = vec![0; acceptances.len()];
        for (_, index) in &covered {
            if let Some(index) = index {
                matched[*index as usize] += 1;
            }
        }
        let accepted = |(_, covering): (K, Option<u32>)| {
            covering.is_some_and(|index| !acceptances.leaves_open(index as usize))
        };
        let group = |(key, _): (K, Option<u32>)| {
            let key: u128 = key.into();
            (packing.severity(key), packing.rule_rank(key))
        };
        let (kept, counted) = select(covered, per_rule, group, accepted);
        let (kept, covering): (Vec<K>, Vec<Option<u32>>) = kept.into_iter().unzip();
        let mut findings = self.findings(kept);
        for (finding, index) in findings.iter_mut().zip(covering) {
            if let Some(index) = index {
                acceptances.apply(index as usize, finding);
            }
        }
        let left_out = counted
            .into_iter()
            .map(|((severity, rank), count)| LeftOut {
                severity: Severity::ALL[severity],
                rule: Arc::clone(&self.facts[self.rule_of_rank[rank] as usize]),
                count,
            })
            .collect();
        Made {
            findings,
            left_out,
            stale: acceptances.stale(&matched),
        }
    }

    fn findings<K: Key>(&self, keys: Vec<K>) -> Vec<Finding> {
        let (items, packing) = (self.items, self.packing);
        // The line of each item with findings, looked up once for all its findings (an element
        // has several), on both cores; the column, found from it, is not held for every item.
        let mut found = vec![false; items.count()];
        for key in &keys {
            found[packing.item((*key).into())] = true;
        }
        let lines: Vec<u32> = found
            .into_par_iter()
            .enumerate()
            .map(|(k, found)| {
                if !found {
                    return 0;
                }
                let span = items.span(k);
                items.sources.get(span.file).line(span.start as usize) as u32
            })
            .collect();
        keys.into_par_iter()
            .with_min_len(FINDINGS_PER_JOB)
            .map_init(
                || Handles::copied(self.facts, items.sources),
                |handles, key| {
                    let key: u128 = key.into();
                    let k = packing.item(key);
                    let rule = self.rule_of_rank[packing.rule_rank(key)];
                    let span = items.span(k);
                    let source = items.sources.get(span.file);
                    let line = lines[k];
                    let column = source.column(line as usize, span.start as usize) as u32;
                    Finding {
                        rule: Arc::clone(&handles.facts[rule as usize]),
                        severity: Severity::ALL[packing.severity(key)],
                        status: Status::Active,
                        element: ArcStr::clone(items.path(k)),
                        location: Location {
                            file: ArcStr::clone(&handles.files[span.file.0 as usize]),
                            line,
                            column,
                        },
                        extra: None,
                        item: items.item(k),
                        span,
                    }
                },
            )
            .collect()
    }
}

/// At least how many findings one job makes, so that the handles are copied a few dozen times
/// at most (a million findings are still shared out over every core).
const FINDINGS_PER_JOB: usize = 1 << 16;

/// The shared handles a job of [`Made::findings`] gives its findings: its own copies of the
/// rules' facts and the files' names, equal to the originals. Every finding holds one of each,
/// and a million findings cloning one handle on both cores spent their time passing its count
/// between the cores; a job's own copies are counted by that job alone.
struct Handles {
    facts: Vec<Arc<RuleFacts>>,
    files: Vec<ArcStr>,
}

impl Handles {
    fn copied(facts: &[Arc<RuleFacts>], sources: &SourceMap) -> Handles {
        Handles {
            facts: facts
                .iter()
                .map(|f| Arc::new(RuleFacts::clone(f)))
                .collect(),
            files: sources
                .files()
                .map(|(_, file)| ArcStr::from(file.name.as_str()))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Packing, ranks, sorted_keys, text_ranks};
    use crate::model::ElementId;
    use crate::rules::severity::Severity;
    use crate::rules::{Hit, Hits, Item};

    #[test]
    fn text_ranks_are_the_ranks_of_the_texts_compared_whole() {
        let long = "cloud/account/vpc-0001/";
        let mut texts: Vec<String> = vec![
            String::new(),
            "a".into(),
            "a".into(),
            "a/b".into(),
            "a->b".into(),
            "0123456789abcdef".into(),
            "0123456789abcdef".into(),
            "0123456789abcdefg".into(),
            "0123456789abcdeg".into(),
            "0123456789abcde".into(),
        ];
        for i in [10, 2, 33, 1, 2, 100] {
            texts.push(format!("{long}fn{i}"));
            texts.push(format!("{long}fn{i}->{long}db{i}"));
            texts.push(format!("{long}fn{i}->{long}db{i}#2"));
        }
        texts.push(format!("{long}fn"));
        // Past the depth sorted by keys: texts sharing more than a kilobyte, equal or not, and
        // each a prefix of the next.
        let deep = "boundary/".repeat(150);
        for suffix in ["b", "a", "b", "", "ab", "a\u{e9}"] {
            texts.push(format!("{deep}{suffix}"));
        }
        for n in [40, 0, 80, 3, 40] {
            texts.push(format!("{deep}{}", "x".repeat(n)));
        }
        let rank = text_ranks(texts.len(), |k| &texts[k]);
        let by_comparison = ranks(texts.len(), |a, b| texts[a].cmp(&texts[b]));
        assert_eq!(rank, by_comparison);
        assert!(text_ranks(0, |_| "").is_empty());
        assert_eq!(text_ranks(1, |_| "x"), [0]);
    }

    #[test]
    fn ranks_follow_the_order_and_equal_things_share_one() {
        let words = ["pear", "apple", "fig", "apple", "zucchini", "fig"];
        let rank = ranks(words.len(), |a, b| words[a].cmp(words[b]));
        assert_eq!(rank, [4, 0, 2, 0, 5, 2]);
        for a in 0..words.len() {
            for b in 0..words.len() {
                assert_eq!(rank[a].cmp(&rank[b]), words[a].cmp(words[b]));
            }
        }
        assert!(ranks(0, |_, _| std::cmp::Ordering::Equal).is_empty());
    }

    #[test]
    fn packed_keys_order_as_their_parts_and_give_them_back_in_either_width() {
        let packing = Packing::new(7, 1000);
        assert_eq!((packing.rule_bits, packing.item_bits), (3, 10));
        assert!(packing.width() <= 64);
        let wide = Packing::new(70_000, 3_000_000_000);
        assert!(wide.width() > 64);
        for packing in [packing, wide] {
            let mut parts = Vec::new();
            for severity in [0, 4, 2] {
                for rule in [6, 0, 3] {
                    for path in [999, 0, 17] {
                        for item in [5, 999, 0] {
                            parts.push((severity, rule, path, item));
                        }
                    }
                }
            }
            let mut keys: Vec<u128> = parts
                .iter()
                .map(|&(s, r, p, i)| packing.pack(s, r, p, i))
                .collect();
            for (key, &(s, r, p, i)) in keys.iter().zip(&parts) {
                assert_eq!(packing.severity(*key), s);
                assert_eq!(packing.rule_rank(*key), r as usize);
                assert_eq!(packing.item(*key), i);
                assert_eq!(
                    packing.id(*key) & ((1 << packing.item_bits) - 1),
                    u128::from(p)
                );
            }
            keys.sort_unstable();
            parts.sort_unstable();
            let unpacked: Vec<(usize, u32, usize)> = keys
                .iter()
                .map(|k| {
                    (
                        packing.severity(*k),
                        packing.rule_rank(*k) as u32,
                        packing.item(*k),
                    )
                })
                .collect();
            let expected: Vec<(usize, u32, usize)> =
                parts.iter().map(|&(s, r, _, i)| (s, r, i)).collect();
            assert_eq!(unpacked, expected);
        }
        // One thing, or none, takes no bits.
        assert_eq!(Packing::new(1, 0).width(), 3);
    }

    #[test]
    fn keys_of_either_width_sort_alike_and_keep_the_lowest_item_of_an_id() {
        // Four items; items 1 and 3 share a path (rank 0), so one rule on both is one id.
        let path_rank = [2u32, 0, 1, 0];
        let hit = |rule, k, severity| Hit {
            rule,
            item: Item::Element(ElementId(k)),
            severity,
        };
        let hits = vec![
            hit(0, 3, Severity::High),
            hit(1, 1, Severity::Low),
            hit(0, 1, Severity::High),
            hit(0, 0, Severity::High),
            hit(1, 2, Severity::Low),
            hit(0, 2, Severity::Medium),
        ];
        let packing = Packing::new(2, 4);
        let key_of = |hit: Hit| {
            let Item::Element(e) = hit.item else {
                unreachable!("the hits are on elements")
            };
            let k = e.index();
            packing.pack(hit.severity.position(), hit.rule, path_rank[k], k)
        };
        let decoded = |keys: Vec<u128>| -> Vec<(usize, usize, usize)> {
            keys.into_iter()
                .map(|k| (packing.severity(k), packing.rule_rank(k), packing.item(k)))
                .collect()
        };
        let hits = Hits::from(hits);
        let narrow: Vec<u128> = sorted_keys::<u64>(hits.clone(), packing, key_of)
            .into_iter()
            .map(u128::from)
            .collect();
        let wide = sorted_keys::<u128>(hits, packing, key_of);
        let high = Severity::High.position();
        let (medium, low) = (Severity::Medium.position(), Severity::Low.position());
        // Severity first, then rule, then path; of items 1 and 3 (one id), item 1 is kept.
        let expected = vec![
            (high, 0, 1),
            (high, 0, 0),
            (medium, 0, 2),
            (low, 1, 1),
            (low, 1, 2),
        ];
        assert_eq!(decoded(narrow), expected);
        assert_eq!(decoded(wide), expected);
    }
}
