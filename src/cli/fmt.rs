//! `threatflow fmt`: print, check or rewrite files in the canonical layout.
//!
//! A file is rewritten only with `--write`, only when its text changes, and through a
//! temporary file renamed over it, so an interrupted run never leaves a half-written model.

use super::args::Color;
use super::check::EXIT_ERRORS;
use super::{files, output};
use std::path::PathBuf;
use threatflow::diagnostic::{Code, Diagnostic};
use threatflow::format::{FormatError, format};
use threatflow::source::{self, SourceFile, SourceMap};
use threatflow::span::Span;

/// The exit status of `--check` when a file is not formatted.
const EXIT_UNFORMATTED: i32 = 1;

pub fn run(paths: &[PathBuf], write: bool, check: bool, color: Color) -> i32 {
    let color = output::color_choice(color);
    let mut status = 0;
    for path in paths {
        let mut sources = SourceMap::new();
        let name = path.to_string_lossy().into_owned();
        let id = sources.add(SourceFile::new(name.clone(), String::new()));
        let bytes = match files::read(path) {
            Ok(bytes) => bytes,
            Err(reason) => {
                let diagnostic = Diagnostic::error(
                    Code::UnreadableFile,
                    format!("cannot read `{name}`: {reason}"),
                )
                .with_primary(Span::point(id, 0), "unreadable")
                .with_location(1, 1);
                eprint!("{}", output::text(&[diagnostic], &sources, color));
                status = EXIT_ERRORS;
                continue;
            }
        };
        // A byte-order mark or CRLF line ends are what formatting repairs; only an unreadable
        // file stops it.
        let decoded = source::decode(id, bytes.clone());
        if !decoded.readable {
            eprint!("{}", output::text(&decoded.diagnostics, &sources, color));
            status = EXIT_ERRORS;
            continue;
        }
        sources.replace_text(id, decoded.text);
        let text = sources.get(id).text.clone();
        let formatted = match format(id, &text) {
            Ok(formatted) => formatted,
            Err(FormatError::Syntax(diagnostics)) => {
                eprint!("{}", output::text(&diagnostics, &sources, color));
                eprintln!("{name}: not formatted: fix the syntax errors first");
                status = EXIT_ERRORS;
                continue;
            }
            Err(FormatError::Internal(reason)) => {
                eprintln!("{name}: not formatted: internal formatter error: {reason}");
                status = EXIT_ERRORS;
                continue;
            }
        };
        let unchanged = formatted.as_bytes() == bytes.as_slice();
        if check {
            if !unchanged {
                eprintln!("{name}: not formatted");
                status = status.max(EXIT_UNFORMATTED);
            }
        } else if write {
            if !unchanged && let Err(reason) = files::write_atomically(path, formatted.as_bytes()) {
                eprintln!("{name}: cannot write: {reason}");
                status = EXIT_ERRORS;
            }
        } else {
            print!("{formatted}");
        }
    }
    status
}
