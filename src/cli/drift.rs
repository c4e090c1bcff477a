//! `threatflow drift MODEL [--template T…]`: the model against its deployed templates. Without
//! `--template`, the model's `deploy` lines name them (relative to the model).

use super::args::{DriftArgs, DriftFormat};
use super::check::{EXIT_ERRORS, EXIT_FINDINGS, JsonOutput, compile_path, severity_of};
use super::{files, output};
use std::path::{Path, PathBuf};
use threatflow::diagnostic::to_json;
use threatflow::drift::{CHECKS, Template, check_drift};
use threatflow::findings::{render_findings, shown, summary};
use threatflow::model::AttrValue;
use threatflow::report::sarif::{self, Descriptor};

/// The templates named by the model header's `deploy` lines, relative to the model.
fn deployed_templates(model: &Path, header: Option<&AttrValue>) -> Vec<PathBuf> {
    let base = model.parent().unwrap_or(Path::new(""));
    let Some(AttrValue::List(deploys)) = header else {
        return Vec::new();
    };
    // CloudFormation, SAM and Terraform are told apart by their content (and `.tf` names).
    deploys
        .iter()
        .filter_map(|deploy| match deploy {
            AttrValue::Variant { arg: Some(arg), .. } => match arg.as_ref() {
                AttrValue::Str(path) => Some(base.join(path)),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// How finding ids name a template: its path relative to the model's directory when it is
/// under it, so `drift` run from anywhere gives the same ids.
fn template_key(model: &Path, template: &Path) -> String {
    let base = model.parent().unwrap_or(Path::new(""));
    let relative = if base.as_os_str().is_empty() {
        template
    } else {
        template.strip_prefix(base).unwrap_or(template)
    };
    relative.to_string_lossy().replace('\\', "/")
}

pub fn run(args: &DriftArgs) -> i32 {
    let color = output::color_choice(args.color);
    let model = args.model.as_path();
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
    let mut paths: Vec<PathBuf> = args.templates.clone();
    if paths.is_empty() {
        let header = compilation.model.header.as_ref();
        paths = deployed_templates(model, header.and_then(|h| h.attrs.get("deploy")));
    }
    if paths.is_empty() {
        eprintln!(
            "error: no templates: pass --template, or name them with `deploy` in the model header"
        );
        return EXIT_ERRORS;
    }
    let mut problems = Vec::new();
    let mut loaded = Vec::new();
    for path in &paths {
        match files::read(path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => loaded.push(Template {
                    name: path.display().to_string(),
                    key: template_key(model, path),
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
    // Only drift findings count here; the rules' findings are `check`'s.
    compilation.findings.clear();
    check_drift(&mut compilation, &loaded);
    let failed = !problems.is_empty() || compilation.has_errors();
    // JSON carries the diagnostics itself (unless it is not written); the other formats print
    // them on standard error.
    let unwritten = failed && args.output.is_some();
    if args.format != DriftFormat::Json || unwritten {
        eprint!(
            "{}",
            output::text(&compilation.diagnostics, &compilation.unit.sources, color)
        );
    }
    // A run that could not read every template writes no output file: it would be partial.
    if unwritten && let Some(path) = &args.output {
        eprintln!(
            "{}: not written: a template could not be read",
            path.display()
        );
        return EXIT_ERRORS;
    }
    let out = args.output.as_deref();
    let inputs =
        output::model_files(&compilation.unit.sources).chain(paths.iter().map(PathBuf::as_path));
    if output::overwrites_an_input(out, inputs) {
        return EXIT_ERRORS;
    }
    let texts = compilation.texts();
    let written = match args.format {
        DriftFormat::Json => {
            let diagnostics = to_json(&compilation.diagnostics, &compilation.unit.sources);
            let document = JsonOutput {
                diagnostics: &diagnostics,
                findings: &shown(&compilation.findings, &texts),
            };
            let mut text = serde_json::to_string_pretty(&document).expect("drift serializes");
            text.push('\n');
            output::emit(&text, out)
        }
        DriftFormat::Sarif => {
            let descriptors: Vec<Descriptor> = CHECKS.iter().map(Descriptor::from).collect();
            let text = sarif::render_findings(&compilation.findings, &texts, &descriptors);
            output::emit(&text, out)
        }
        DriftFormat::Text => {
            let mut text = render_findings(
                &compilation.findings,
                &compilation.unit.sources,
                &texts,
                color,
            );
            text.push_str(&format!(
                "{}: drift against {} template(s): {}\n",
                model.display(),
                loaded.len(),
                summary(&compilation.findings, &[])
            ));
            output::emit(&text, out)
        }
    };
    if failed || written != 0 {
        EXIT_ERRORS
    } else if args.fail_on.is_some_and(|level| {
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
