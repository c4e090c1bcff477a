//! The JSON report (`docs/report-schema.json` is its JSON Schema; `schema_version` says which
//! version of it a report follows): the [`ReportView`]'s model, summary, elements, flows,
//! boundaries, data and findings, with what many items would repeat held once in two tables:
//! `rules` (each rule's title, STRIDE categories and references, its findings naming it by id,
//! as SARIF's results name their rules) and `kinds` (what the provider operates and what the
//! customer owns for each kind of element). An element lists its findings by id.
//!
//! The layout is one item per line: the top-level keys indented, each item of a list written
//! compact on a line of its own, so that a report diffs line by line and a large one stays
//! small. The lists are written a window at a time, the items of a window serialized on every
//! core ([`pretty`]) and written in order: a large model's report is never held whole.

use super::ReportView;
use super::pretty;
use super::view::{ElementView, FindingRef};
use crate::findings::{RuleFacts, RuleShown, shown_naming};
use rayon::prelude::*;
use serde::Serialize;
use serde::ser::SerializeStruct;
use std::collections::BTreeMap;
use std::io::{self, Write};

pub fn render(view: &ReportView) -> String {
    let mut out = Vec::new();
    write(view, &mut out).expect("writing to memory succeeds");
    String::from_utf8(out).expect("JSON is UTF-8")
}

/// Writes the report as [`render`] renders it, straight to `out`.
pub fn write(view: &ReportView, out: &mut (impl Write + ?Sized)) -> io::Result<()> {
    // The items are written a line at a time; a buffer of a known type takes them without a
    // call through `out` (often `dyn Write`) for each.
    let mut out = io::BufWriter::with_capacity(1 << 16, &mut *out);
    out.write_all(b"{")?;
    field(&mut out, true, "schema_version", &view.schema_version)?;
    field(&mut out, false, "model", &view.model)?;
    field(&mut out, false, "summary", &view.summary)?;
    list(&mut out, "rules", &rules_of(view))?;
    list(&mut out, "kinds", &kinds_of(&view.elements))?;
    let elements: Vec<Element> = view.elements.iter().map(Element).collect();
    list(&mut out, "elements", &elements)?;
    list(&mut out, "flows", &view.flows)?;
    list(&mut out, "boundaries", &view.boundaries)?;
    list(&mut out, "data", &view.data)?;
    list(
        &mut out,
        "findings",
        &shown_naming(view.findings, &view.texts, RuleShown::ById),
    )?;
    out.write_all(b"\n}\n")?;
    out.flush()
}

/// A rule with findings in the report: the facts its findings name by id.
struct Rule<'v>(&'v RuleFacts);

impl Serialize for Rule<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("Rule", 4)?;
        out.serialize_field("id", &self.0.id)?;
        out.serialize_field("title", &self.0.title)?;
        out.serialize_field("stride", &self.0.stride)?;
        out.serialize_field("refs", &self.0.refs)?;
        out.end()
    }
}

/// The rules of the view's findings, each once, by id.
fn rules_of<'v>(view: &ReportView<'v>) -> Vec<Rule<'v>> {
    let mut rules: BTreeMap<&str, &RuleFacts> = BTreeMap::new();
    let mut last: Option<&RuleFacts> = None;
    for finding in view.findings {
        // A rule's findings share its facts, and mostly come one after another.
        let facts: &RuleFacts = &finding.rule;
        if last.is_some_and(|l| std::ptr::eq(l, facts)) {
            continue;
        }
        last = Some(facts);
        rules.entry(&facts.id).or_insert(facts);
    }
    rules.into_values().map(Rule).collect()
}

/// A kind of element in the model, with its shared responsibility from the service catalogue.
#[derive(Serialize)]
struct Kind<'v> {
    id: &'v str,
    provider_operates: &'v [String],
    customer_owns: &'v [String],
}

/// The kinds of the view's elements, each once, by name.
fn kinds_of<'v>(elements: &[ElementView<'v>]) -> Vec<Kind<'v>> {
    let mut kinds: BTreeMap<&str, Kind> = BTreeMap::new();
    for element in elements {
        kinds.entry(element.kind).or_insert_with(|| Kind {
            id: element.kind,
            provider_operates: element.provider_operates,
            customer_owns: element.customer_owns,
        });
    }
    kinds.into_values().collect()
}

/// An element as the report lists it: its findings by id, its kind's facts in `kinds`.
struct Element<'e, 'v>(&'e ElementView<'v>);

impl Serialize for Element<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        /// The ids of an element's findings.
        struct Ids<'f, 'v>(&'f [FindingRef<'v>]);
        impl Serialize for Ids<'_, '_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_seq(self.0.iter().map(|f| f.id))
            }
        }
        let e = self.0;
        let mut out = serializer.serialize_struct("Element", 11)?;
        out.serialize_field("id", e.id)?;
        out.serialize_field("name", e.name)?;
        out.serialize_field("path", &e.path)?;
        out.serialize_field("label", e.label)?;
        out.serialize_field("kind", e.kind)?;
        out.serialize_field("role", e.role)?;
        out.serialize_field("boundary_path", &e.boundary_path)?;
        out.serialize_field("location", &e.location)?;
        out.serialize_field("highest_severity", &e.highest_severity)?;
        out.serialize_field("findings", &Ids(&e.findings))?;
        out.serialize_field("data", &e.data)?;
        out.end()
    }
}

/// How many items of a list are serialized (on every core) before they are written.
const WINDOW: usize = 1024;
/// How many items one core serializes at a time.
const PIECE: usize = 64;

/// A top-level key and the start of its value: `,\n  "key": `.
fn key(out: &mut impl Write, first: bool, name: &str) -> io::Result<()> {
    out.write_all(if first { b"\n  " } else { b",\n  " })?;
    let mut quoted = Vec::with_capacity(name.len() + 2);
    pretty::escape_into(&mut quoted, name);
    out.write_all(&quoted)?;
    out.write_all(b": ")
}

/// A top-level key and its value, on one line.
fn field(out: &mut impl Write, first: bool, name: &str, value: &impl Serialize) -> io::Result<()> {
    key(out, first, name)?;
    let mut bytes = Vec::new();
    pretty::to_vec_compact(&mut bytes, value).map_err(io::Error::other)?;
    out.write_all(&bytes)
}

/// A top-level key and its list, one item per line.
fn list<T: Serialize + Sync>(out: &mut impl Write, name: &str, items: &[T]) -> io::Result<()> {
    key(out, false, name)?;
    if items.is_empty() {
        return out.write_all(b"[]");
    }
    out.write_all(b"[")?;
    // One buffer per piece of a window, kept for the next window.
    let mut buffers: Vec<Vec<u8>> = vec![Vec::new(); WINDOW.div_ceil(PIECE)];
    for (window_index, window) in items.chunks(WINDOW).enumerate() {
        let used = window.len().div_ceil(PIECE);
        window
            .par_chunks(PIECE)
            .zip(buffers.par_iter_mut())
            .enumerate()
            .try_for_each(|(piece_index, (piece, bytes))| {
                bytes.clear();
                for (i, item) in piece.iter().enumerate() {
                    let first = window_index == 0 && piece_index == 0 && i == 0;
                    bytes.extend_from_slice(if first { b"\n    " } else { b",\n    " });
                    pretty::to_vec_compact(bytes, item)?;
                }
                Ok::<(), pretty::Error>(())
            })
            .map_err(io::Error::other)?;
        for bytes in &buffers[..used] {
            out.write_all(bytes)?;
        }
    }
    out.write_all(b"\n  ]")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Takes `room` bytes, then fails every write.
    struct FullAfter {
        room: usize,
        taken: Vec<u8>,
    }

    impl Write for FullAfter {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            if self.room == 0 {
                return Err(io::Error::new(io::ErrorKind::StorageFull, "full"));
            }
            let n = bytes.len().min(self.room);
            self.room -= n;
            self.taken.extend_from_slice(&bytes[..n]);
            Ok(n)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_write_that_fails_inside_a_long_list_ends_the_report_with_its_error() {
        let mut text = String::from("use serverless\nboundary cloud : aws.account {\n");
        for i in 0..3 * WINDOW {
            text.push_str(&format!("  function f{i} : aws.lambda\n"));
        }
        text.push_str("}\n");
        let compilation = crate::compile::compile_clean(&text);
        let view = ReportView::new(&compilation);
        let whole = render(&view);
        // Failing in the first window of the elements, in a later one, and in the last list.
        for room in [whole.len() / 20, whole.len() / 2, whole.len() - 10] {
            let mut out = FullAfter {
                room,
                taken: Vec::new(),
            };
            let error = write(&view, &mut out).expect_err("the writer is full");
            assert_eq!(error.kind(), io::ErrorKind::StorageFull);
            assert_eq!(
                out.taken,
                whole.as_bytes()[..room],
                "written in order up to the error"
            );
        }
    }
}
