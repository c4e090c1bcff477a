//! `threatflow report` and `threatflow diagram`: compile a model, render it, write the result
//! atomically (or to standard output). A model with errors gets its diagnostics and no output.

use super::args::{Color, DiagramFormat, ReportFormat};
use super::check::{EXIT_ERRORS, compile_path};
use super::{files, output};
use std::path::Path;
use threatflow::Compilation;
use threatflow::diagram::{self, DiagramOptions, Scene};
use threatflow::report::{ReportView, json, sarif, templates};

/// Compiles `file`; prints its diagnostics; `None` when it has errors.
fn compile_clean(file: &Path, disabled: &[String]) -> Option<Compilation> {
    let color = output::color_choice(Color::Auto);
    match compile_path(file, disabled) {
        Ok(compilation) => {
            eprint!(
                "{}",
                output::text(&compilation.diagnostics, &compilation.unit.sources, color)
            );
            if compilation.has_errors() {
                eprintln!("{}: not rendered: the model has errors", file.display());
                None
            } else {
                Some(compilation)
            }
        }
        Err(unreadable) => {
            eprint!(
                "{}",
                output::text(&[unreadable.diagnostic], &unreadable.sources, color)
            );
            None
        }
    }
}

/// A template from `dir` when it holds one named `name.tera`, else the built-in one.
fn template(dir: Option<&Path>, builtin: (&str, &str)) -> Result<String, String> {
    let (name, text) = builtin;
    if let Some(dir) = dir {
        let path = dir.join(format!("{name}.tera"));
        if path.exists() {
            return files::read(&path)
                .and_then(|bytes| String::from_utf8(bytes).map_err(|_| "it is not UTF-8".into()))
                .map_err(|reason| format!("cannot read `{}`: {reason}", path.display()));
        }
    }
    Ok(text.to_string())
}

pub fn report(
    file: &Path,
    format: ReportFormat,
    out: Option<&Path>,
    templates_dir: Option<&Path>,
    disabled: &[String],
) -> i32 {
    let Some(compilation) = compile_clean(file, disabled) else {
        return EXIT_ERRORS;
    };
    if output::overwrites_an_input(out, output::model_files(&compilation.unit.sources)) {
        return EXIT_ERRORS;
    }
    let view = ReportView::new(&compilation);
    let rendered = match format {
        // Streamed: the JSON of a large model is never held as one string.
        ReportFormat::Json => {
            let status = output::emit_with(out, |w| json::write(&view, w));
            super::release_at_exit(view);
            super::release_at_exit(compilation);
            return status;
        }
        ReportFormat::Sarif => Ok(sarif::render(&view, &compilation.rules)),
        ReportFormat::Md | ReportFormat::Html => {
            let builtin = if format == ReportFormat::Md {
                templates::MARKDOWN
            } else {
                templates::HTML
            };
            let scene = Scene::new(&view, DiagramOptions::default()).expect("no boundary chosen");
            let extra = [
                ("mermaid", diagram::mermaid::render(&scene)),
                ("svg", diagram::svg::render(&scene)),
            ];
            template(templates_dir, builtin)
                .and_then(|text| templates::render(builtin.0, &text, &view, &extra))
        }
    };
    let status = match rendered {
        Ok(text) => output::emit(&text, out),
        Err(reason) => {
            eprintln!("error: cannot render the report: {reason}");
            EXIT_ERRORS
        }
    };
    super::release_at_exit(view);
    super::release_at_exit(compilation);
    status
}

pub fn diagram(
    file: &Path,
    format: DiagramFormat,
    out: Option<&Path>,
    boundary: Option<String>,
    no_findings: bool,
) -> i32 {
    let Some(compilation) = compile_clean(file, &[]) else {
        return EXIT_ERRORS;
    };
    if output::overwrites_an_input(out, output::model_files(&compilation.unit.sources)) {
        return EXIT_ERRORS;
    }
    let view = ReportView::new(&compilation);
    let options = DiagramOptions {
        boundary,
        no_findings,
    };
    let scene = match Scene::new(&view, options) {
        Ok(scene) => scene,
        Err(name) => {
            let names: Vec<&str> = view.boundaries.iter().map(|b| b.id).collect();
            let help = threatflow::suggest::did_you_mean(&name, names.iter().copied())
                .map(|h| format!("; {h}"))
                .unwrap_or_default();
            eprintln!("error: the model has no boundary `{name}`{help}");
            return EXIT_ERRORS;
        }
    };
    let text = match format {
        DiagramFormat::Svg => diagram::svg::render(&scene),
        DiagramFormat::Dot => diagram::dot::render(&scene),
        DiagramFormat::Mermaid => diagram::mermaid::render(&scene),
    };
    output::emit(&text, out)
}
