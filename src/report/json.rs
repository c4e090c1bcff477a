//! The JSON report: the [`ReportView`] itself, pretty-printed (two-space indent, serde_json's
//! layout, written by [`pretty`]). `docs/report-schema.json` is its JSON Schema;
//! `schema_version` says which version of it a report follows.
//!
//! The long lists (elements, flows, boundaries, data, findings) are written a window at a time,
//! the items of a window serialized on every core and written in order: a large model's report is
//! never held whole, and the bytes are those `serde_json::to_writer_pretty` writes for the view
//! (a test compares them).

use super::ReportView;
use super::pretty;
use rayon::prelude::*;
use serde::Serialize;
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
    let mut quoted = Vec::with_capacity(name.len() + 2);
    pretty::escape_into(&mut quoted, name);
    out.write_all(&quoted)?;
    out.write_all(b": ")
}

fn field(out: &mut impl Write, first: bool, name: &str, value: &impl Serialize) -> io::Result<()> {
    key(out, first, name)?;
    let mut bytes = Vec::new();
    pretty::to_vec_at(&mut bytes, 1, value).map_err(io::Error::other)?;
    out.write_all(&bytes)
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
            .try_for_each(|(piece_index, (piece, bytes))| {
                bytes.clear();
                for (i, item) in piece.iter().enumerate() {
                    let first = window_index == 0 && piece_index == 0 && i == 0;
                    bytes.extend_from_slice(if first { b"\n    " } else { b",\n    " });
                    pretty::to_vec_at(bytes, 2, item)?;
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
