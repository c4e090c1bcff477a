//! The JSON report: the [`ReportView`] itself, pretty-printed (two-space indent, serde_json's
//! layout). `docs/report-schema.json` is its JSON Schema; `schema_version` says which version of
//! it a report follows.
//!
//! The long lists (elements, flows, boundaries, data, findings) are written a window at a time,
//! the items of a window serialized on every core and written in order: a large model's report is
//! never held whole, and the bytes are those `serde_json::to_writer_pretty` writes for the view
//! (a test compares them).

use super::ReportView;
use rayon::prelude::*;
use serde::Serialize;
use serde_json::ser::{Formatter, Serializer};
use std::io::{self, Write};

pub fn render(view: &ReportView) -> String {
    let mut out = Vec::new();
    write(view, &mut out).expect("writing to memory succeeds");
    String::from_utf8(out).expect("JSON is UTF-8")
}

/// Writes the report as [`render`] renders it, straight to `out`.
pub fn write(view: &ReportView, out: &mut (impl Write + ?Sized)) -> io::Result<()> {
    // serde_json writes a few bytes at a time; a buffer of a known type takes them without a
    // call through `out` (often `dyn Write`) for each.
    let mut out = io::BufWriter::with_capacity(1 << 16, &mut *out);
    out.write_all(b"{")?;
    // In the order of `ReportView`'s fields.
    field(&mut out, true, "schema_version", &view.schema_version)?;
    field(&mut out, false, "model", &view.model)?;
    field(&mut out, false, "summary", &view.summary)?;
    list(&mut out, "elements", &view.elements)?;
    list(&mut out, "flows", &view.flows)?;
    list(&mut out, "boundaries", &view.boundaries)?;
    list(&mut out, "data", &view.data)?;
    list(
        &mut out,
        "findings",
        &crate::findings::shown(view.findings, &view.texts),
    )?;
    out.write_all(b"\n}\n")?;
    out.flush()
}

/// How many items of a list are serialized (on every core) before they are written.
const WINDOW: usize = 1024;
/// How many items one core serializes at a time.
const PIECE: usize = 64;

/// A top-level key and the start of its value: `,\n  "key": `.
fn key(out: &mut impl Write, first: bool, name: &str) -> io::Result<()> {
    out.write_all(if first { b"\n  " } else { b",\n  " })?;
    serde_json::to_writer(&mut *out, name)?;
    out.write_all(b": ")
}

fn field(out: &mut impl Write, first: bool, name: &str, value: &impl Serialize) -> io::Result<()> {
    key(out, first, name)?;
    value.serialize(&mut Serializer::with_formatter(&mut *out, Pretty::at(1)))?;
    Ok(())
}

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
            .for_each(|(piece_index, (piece, bytes))| {
                bytes.clear();
                for (i, item) in piece.iter().enumerate() {
                    let first = window_index == 0 && piece_index == 0 && i == 0;
                    bytes.extend_from_slice(if first { b"\n    " } else { b",\n    " });
                    item.serialize(&mut Serializer::with_formatter(&mut *bytes, Pretty::at(2)))
                        .expect("serializing to memory succeeds");
                }
            });
        for bytes in &buffers[..used] {
            out.write_all(bytes)?;
        }
    }
    out.write_all(b"\n  ]")
}

/// serde_json's pretty layout with a two-space indent, for a value that starts `depth` levels
/// into the document.
struct Pretty {
    depth: usize,
    has_value: bool,
}

impl Pretty {
    fn at(depth: usize) -> Pretty {
        Pretty {
            depth,
            has_value: false,
        }
    }

    fn new_line(&self, out: &mut (impl Write + ?Sized), first: bool) -> io::Result<()> {
        out.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(out)
    }

    fn indent(&self, out: &mut (impl Write + ?Sized)) -> io::Result<()> {
        const SPACES: &[u8] = &[b' '; 64];
        let mut left = self.depth * 2;
        while left > 0 {
            let now = left.min(SPACES.len());
            out.write_all(&SPACES[..now])?;
            left -= now;
        }
        Ok(())
    }

    fn open(&mut self, out: &mut (impl Write + ?Sized), bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        out.write_all(bracket)
    }

    fn close(&mut self, out: &mut (impl Write + ?Sized), bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            out.write_all(b"\n")?;
            self.indent(out)?;
        }
        out.write_all(bracket)
    }
}

impl Formatter for Pretty {
    fn begin_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.open(out, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.close(out, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.new_line(out, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _out: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.open(out, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.close(out, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.new_line(out, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        out.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _out: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}
