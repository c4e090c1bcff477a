//! `threatflow diff BASE HEAD`: the threats a change adds and resolves. Each side is a `.flow`
//! file or `REV:PATH` read from git.

use super::args::{DiffFormat, FailOn};
use super::check::{EXIT_ERRORS, EXIT_FINDINGS, compile_path, severity_of};
use super::{files, git, output};
use std::path::Path;
use threatflow::compile::Options;
use threatflow::report::{ReportView, diff};
use threatflow::{Compilation, compile};

/// Compiles one side; prints its diagnostics; `None` when it cannot be compiled cleanly.
fn side(spec: &str) -> Option<Compilation> {
    let color = output::color_choice(super::args::Color::Auto);
    let compilation = if Path::new(spec).exists() || !spec.contains(':') {
        match compile_path(Path::new(spec), &[]) {
            Ok(c) => c,
            Err(unreadable) => {
                eprint!(
                    "{}",
                    output::text(&[unreadable.diagnostic], &unreadable.sources, color)
                );
                return None;
            }
        }
    } else {
        let (rev, path) = spec.split_once(':').expect("checked above");
        match git::root(rev, path) {
            Ok(root) => compile(root, &mut git::GitLoader, Options::new(files::today())),
            Err(reason) => {
                eprintln!("error: cannot read `{spec}` from git: {reason}");
                return None;
            }
        }
    };
    eprint!(
        "{}",
        output::text(&compilation.diagnostics, &compilation.unit.sources, color)
    );
    if compilation.has_errors() {
        eprintln!("{spec}: the model has errors");
        return None;
    }
    Some(compilation)
}

pub fn run(base: &str, head: &str, format: DiffFormat, fail_on_new: Option<FailOn>) -> i32 {
    let (Some(before), Some(after)) = (side(base), side(head)) else {
        return EXIT_ERRORS;
    };
    let changes = diff::compare(&ReportView::new(&before), &ReportView::new(&after));
    let text = match format {
        DiffFormat::Text => diff::render_text(&changes),
        DiffFormat::Md => diff::render_markdown(&changes),
        DiffFormat::Json => diff::render_json(&changes),
    };
    print!("{text}");
    match fail_on_new {
        Some(level) if changes.adds_at_least(severity_of(level)) => EXIT_FINDINGS,
        _ => 0,
    }
}
