//! The JSON report: the [`ReportView`] itself, pretty-printed. `docs/report-schema.json` is its
//! JSON Schema; `schema_version` says which version of it a report follows.

use super::ReportView;
use std::io::Write;

pub fn render(view: &ReportView) -> String {
    let mut out = Vec::new();
    write(view, &mut out).expect("writing to memory succeeds");
    String::from_utf8(out).expect("JSON is UTF-8")
}

/// Writes the report as [`render`] renders it, straight to `out`: a large model's report is
/// never held as one string.
pub fn write(view: &ReportView, out: &mut (impl Write + ?Sized)) -> std::io::Result<()> {
    // serde_json writes a few bytes at a time; a buffer of a known type takes them without a
    // call through `out` (often `dyn Write`) for each.
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, &mut *out);
    serde_json::to_writer_pretty(&mut buffered, view)?;
    buffered.write_all(b"\n")?;
    buffered.flush()
}
