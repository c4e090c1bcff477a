//! Findings: rule hits with stable ids, locations and a status after accepted risks.
//!
//! A finding's id is `RULE@path`, where the path names the element by its boundaries and name
//! (`prod/app_vpc/create_order`) or a flow by its ends (`internet/customer->prod/orders_api`),
//! so it does not change when declarations are reordered or unrelated parts of the model are
//! edited. Two hits with the same id are one finding.

mod accept;
mod render_plain;
mod render_text;
mod texts;

pub use accept::apply_accepts;
pub use render_text::{
    count_of_findings, reference, render_findings, summary, write_findings, write_findings_limited,
};
pub use texts::{Shown, Texts, shown};

use crate::graph::{FlowIndex, Graph};
use crate::model::*;
use crate::rules::severity::Severity;
use crate::rules::{CompiledRule, Hit, Item};
use crate::source::SourceMap;
use crate::span::Span;
use foldhash::{HashMap, HashMapExt};
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
    pub file: Arc<str>,
    pub line: u32,
    pub column: u32,
}

impl Location {
    /// Where a span starts: its file's name, line and column.
    pub fn of(sources: &SourceMap, span: Span) -> Location {
        let file = sources.get(span.file);
        let (line, column) = file.line_column(span.start as usize);
        Location {
            file: Arc::clone(&file.name),
            line: line as u32,
            column: column as u32,
        }
    }
}

/// What every finding of one rule (or drift check) shares, held once.
#[derive(Debug, PartialEq, Eq)]
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
    /// The element's path, or the flow's `source->target`.
    pub element: Arc<str>,
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
fn id_order((a_rule, a_path): (&str, &str), (b_rule, b_path): (&str, &str)) -> std::cmp::Ordering {
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
pub fn element_paths(graph: &Graph) -> Vec<Arc<str>> {
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
            Arc::from(path.as_str())
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
pub fn flow_paths(graph: &Graph, paths: &[Arc<str>]) -> Vec<Arc<str>> {
    let flows = &graph.model.flows;
    let mut per_pair: HashMap<(ElementId, ElementId), u32> = HashMap::with_capacity(flows.len());
    // Each flow's place among the flows that join its two elements, counted from 1.
    let nth: Vec<u32> = flows
        .iter()
        .map(|flow| {
            let count = per_pair.entry((flow.source, flow.target)).or_default();
            *count += 1;
            *count
        })
        .collect();
    flows
        .par_iter()
        .zip(nth)
        .map_init(String::new, |path, (flow, nth)| {
            path.clear();
            path.push_str(&paths[flow.source.index()]);
            path.push_str("->");
            path.push_str(&paths[flow.target.index()]);
            if per_pair[&(flow.source, flow.target)] > 1 {
                path.push('#');
                match &flow.label {
                    Some(label) => path.push_str(label),
                    None => path.push_str(&nth.to_string()),
                }
            }
            Arc::from(path.as_str())
        })
        .collect()
}

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
/// reading less of them: they are sorted by their first sixteen bytes, held beside their
/// index, and only texts that share those are compared whole. (Item paths share long prefixes,
/// so comparing them whole reads far into two texts elsewhere in memory for each pair.)
fn text_ranks<'t>(count: usize, text: impl Fn(usize) -> &'t str + Sync) -> Vec<u32> {
    /// The first sixteen bytes, zero-padded: as integers they order as the texts' starts do
    /// (a text holds no NUL: the reader refuses it).
    fn start(text: &str) -> u128 {
        let mut bytes = [0u8; 16];
        let n = text.len().min(16);
        bytes[..n].copy_from_slice(&text.as_bytes()[..n]);
        u128::from_be_bytes(bytes)
    }
    let mut keyed: Vec<(u128, u32)> = (0..count as u32)
        .into_par_iter()
        .map(|i| (start(text(i as usize)), i))
        .collect();
    keyed.par_sort_unstable();
    keyed
        .par_chunk_by_mut(|a, b| a.0 == b.0)
        .filter(|run| run.len() > 1)
        .for_each(|run| run.sort_unstable_by(|a, b| text(a.1 as usize).cmp(text(b.1 as usize))));
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

/// Turns rule hits into findings, sorted by severity (highest first), then id. Their texts are
/// those of `rules`, the same list [`Texts`] must be given to show them.
pub fn from_hits(
    hits: Vec<Hit>,
    rules: &[CompiledRule],
    graph: &Graph,
    sources: &SourceMap,
) -> Vec<Finding> {
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
    // Elements, then flows, numbered as one list of items.
    let elements = model.elements.len();
    let item_index = |item: Item| match item {
        Item::Element(e) => e.index(),
        Item::Flow(f) => elements + f as usize,
        Item::Resource => unreachable!("rules range over elements and flows"),
    };
    let item_path = |k: usize| {
        if k < elements {
            &element_paths[k]
        } else {
            &flow_paths[k - elements]
        }
    };
    // The hits sorted (on both cores) by severity, then id, without making the ids or comparing
    // strings per pair: a rule's rank and its item path's rank order as the ids do.
    let rule_rank = ranks(rules.len(), |a, b| {
        // A rule id has no `@`, so two ids order the same whatever paths follow them.
        id_order((&rules[a].id, ""), (&rules[b].id, ""))
    });
    let items = elements + flow_paths.len();
    let path_rank = text_ranks(items, |k| item_path(k));
    // Each hit as one integer that orders as the findings do, so that sorting compares
    // nothing else: severity (highest first), the rule's rank, the path's rank, then the item
    // itself (so that hits on two items with one path order the same way every run). A rule's
    // rank gives back the rule: two rules never share an id.
    let mut rule_of_rank = vec![0u32; rules.len()];
    for (rule, rank) in rule_rank.iter().enumerate() {
        rule_of_rank[*rank as usize] = rule as u32;
    }
    let mut keys: Vec<u128> = hits
        .into_par_iter()
        .map(|hit| {
            let k = item_index(hit.item);
            (hit.severity.position() as u128) << 96
                | u128::from(rule_rank[hit.rule as usize]) << 64
                | u128::from(path_rank[k]) << 32
                | k as u128
        })
        .collect();
    keys.par_sort_unstable();
    // Two hits with one id (one rule on one item path) are one finding: the first is kept.
    keys.dedup_by(|later, earlier| (*later >> 32) as u64 == (*earlier >> 32) as u64);
    let item_of_key = |key: u128| key as u32 as usize;
    let decode = |key: u128| {
        let severity = Severity::ALL[(key >> 96) as usize];
        let rule = rule_of_rank[(key >> 64) as u32 as usize];
        (severity, rule, item_of_key(key))
    };
    let item_span = |k: usize| {
        if k < elements {
            model.elements[k].span
        } else {
            model.flows[k - elements].span
        }
    };
    // The line and column of each item with findings, looked up once for all its findings
    // (an element has several), on both cores.
    let mut found = vec![false; items];
    for key in &keys {
        found[item_of_key(*key)] = true;
    }
    let lines: Vec<(u32, u32)> = found
        .into_par_iter()
        .enumerate()
        .map(|(k, found)| {
            if !found {
                return (0, 0);
            }
            let span = item_span(k);
            let (line, column) = sources.get(span.file).line_column(span.start as usize);
            (line as u32, column as u32)
        })
        .collect();
    let item_of = |k: usize| {
        if k < elements {
            Item::Element(ElementId(k as u32))
        } else {
            Item::Flow((k - elements) as FlowIndex)
        }
    };
    keys.into_par_iter()
        .map(|key| {
            let (severity, rule, k) = decode(key);
            let span = item_span(k);
            let (line, column) = lines[k];
            Finding {
                rule: Arc::clone(&facts[rule as usize]),
                severity,
                status: Status::Active,
                element: Arc::clone(item_path(k)),
                location: Location {
                    file: Arc::clone(&sources.get(span.file).name),
                    line,
                    column,
                },
                extra: None,
                item: item_of(k),
                span,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{id_order, ranks, text_ranks};

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
