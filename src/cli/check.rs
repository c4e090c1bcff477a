//! `threatflow check`: compile models and report their diagnostics.

use super::args::{Color, Format};
use super::{files, output};
use std::path::{Path, PathBuf};
use threatflow::diagnostic::{Code, Diagnostic, JsonDiagnostic, to_json};
use threatflow::load::LoadedFile;
use threatflow::resolve::ResolveOptions;
use threatflow::source::{SourceFile, SourceMap};
use threatflow::span::Span;
use threatflow::{Compilation, compile};

/// The exit status for a run with errors.
pub const EXIT_ERRORS: i32 = 2;

/// A file that could not be read, with the diagnostic saying why.
pub struct Unreadable {
    pub sources: SourceMap,
    pub diagnostic: Diagnostic,
}

/// Compiles one file from disk, or explains why it cannot be read.
pub fn compile_path(path: &Path) -> Result<Compilation, Box<Unreadable>> {
    let name = path.to_string_lossy().into_owned();
    match files::read(path) {
        Ok(bytes) => {
            let root = LoadedFile {
                key: files::key(path),
                name,
                bytes,
            };
            let options = ResolveOptions {
                today: files::today(),
            };
            Ok(compile(root, &mut files::FsLoader, options))
        }
        Err(reason) => {
            let mut sources = SourceMap::new();
            let id = sources.add(SourceFile::new(name.clone(), String::new()));
            let diagnostic = Diagnostic::error(
                Code::UnreadableFile,
                format!("cannot read `{name}`: {reason}"),
            )
            .with_primary(Span::point(id, 0), "unreadable")
            .with_location(1, 1);
            Err(Box::new(Unreadable {
                sources,
                diagnostic,
            }))
        }
    }
}

pub fn run(paths: &[PathBuf], format: Format, color: Color) -> i32 {
    let color = output::color_choice(color);
    let mut json: Vec<JsonDiagnostic> = Vec::new();
    let mut failed = false;
    for path in paths {
        let (sources, diagnostics) = match compile_path(path) {
            Ok(compilation) => (compilation.unit.sources, compilation.diagnostics),
            Err(unreadable) => (unreadable.sources, vec![unreadable.diagnostic]),
        };
        failed |= diagnostics.iter().any(Diagnostic::is_error);
        match format {
            Format::Json => json.extend(to_json(&diagnostics, &sources)),
            Format::Text => {
                eprint!("{}", output::text(&diagnostics, &sources, color));
                eprintln!("{}: {}", path.display(), output::counts(&diagnostics));
            }
        }
    }
    if format == Format::Json {
        let document = serde_json::json!({ "diagnostics": json, "findings": [] });
        println!(
            "{}",
            serde_json::to_string_pretty(&document).expect("diagnostics serialize")
        );
    }
    if failed { EXIT_ERRORS } else { 0 }
}
