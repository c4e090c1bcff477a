//! `threatflow drift MODEL [--template T…]`: the model against its deployed templates. Without
//! `--template`, the model's `deploy` lines name them (relative to the model).

use super::args::{Color, FailOn, Format};
use super::check::{EXIT_ERRORS, EXIT_FINDINGS, compile_path, severity_of};
use super::{files, output};
use std::path::{Path, PathBuf};
use threatflow::diagnostic::{Diagnostic, to_json};
use threatflow::drift::{Template, check_drift};
use threatflow::findings::{render_findings, summary};
use threatflow::model::AttrValue;

pub fn run(
    model: &Path,
    templates: &[PathBuf],
    format: Format,
    color: Color,
    fail_on: Option<FailOn>,
) -> i32 {
    let color = output::color_choice(color);
    let mut compilation = match compile_path(model, &[]) {
        Ok(c) => c,
        Err(unreadable) => {
            eprint!(
                "{}",
                output::text(&[unreadable.diagnostic], &unreadable.sources, color)
            );
            return EXIT_ERRORS;
        }
    };
    if compilation.has_errors() {
        eprint!(
            "{}",
            output::text(&compilation.diagnostics, &compilation.unit.sources, color)
        );
        eprintln!(
            "{}: drift not checked: the model has errors",
            model.display()
        );
        return EXIT_ERRORS;
    }
    let mut paths: Vec<PathBuf> = templates.to_vec();
    let mut problems = Vec::new();
    if paths.is_empty()
        && let Some(AttrValue::List(deploys)) = compilation
            .model
            .header
            .as_ref()
            .and_then(|h| h.attrs.get("deploy"))
    {
        let base = model.parent().unwrap_or(Path::new(""));
        // CloudFormation, SAM and Terraform plans (JSON) are told apart by their content.
        for deploy in deploys {
            if let AttrValue::Variant { arg: Some(arg), .. } = deploy
                && let AttrValue::Str(path) = arg.as_ref()
            {
                paths.push(base.join(path));
            }
        }
    }
    if paths.is_empty() && problems.is_empty() {
        eprintln!(
            "error: no templates: pass --template, or name them with `deploy` in the model header"
        );
        return EXIT_ERRORS;
    }
    let mut loaded = Vec::new();
    for path in &paths {
        match files::read(path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => loaded.push(Template {
                    name: path.display().to_string(),
                    text,
                }),
                Err(_) => problems.push(format!("`{}` is not UTF-8", path.display())),
            },
            Err(reason) => problems.push(format!("cannot read `{}`: {reason}", path.display())),
        }
    }
    for problem in &problems {
        eprintln!("error: {problem}");
    }
    // Only drift findings count here; the rules' findings are `check`'s business.
    compilation.findings.clear();
    check_drift(&mut compilation, &loaded);
    let failed = !problems.is_empty() || compilation.diagnostics.iter().any(Diagnostic::is_error);
    match format {
        Format::Json => {
            let document = serde_json::json!({
                "diagnostics": to_json(&compilation.diagnostics, &compilation.unit.sources),
                "findings": compilation.findings,
            });
            println!(
                "{}",
                serde_json::to_string_pretty(&document).expect("drift serializes")
            );
        }
        Format::Text => {
            eprint!(
                "{}",
                output::text(&compilation.diagnostics, &compilation.unit.sources, color)
            );
            print!(
                "{}",
                render_findings(&compilation.findings, &compilation.unit.sources, color)
            );
            println!(
                "{}: drift against {} template(s): {}",
                model.display(),
                loaded.len(),
                summary(&compilation.findings)
            );
        }
    }
    if failed {
        EXIT_ERRORS
    } else if fail_on.is_some_and(|level| {
        compilation
            .findings
            .iter()
            .any(|f| f.status.is_open() && f.severity >= severity_of(level))
    }) {
        EXIT_FINDINGS
    } else {
        0
    }
}
