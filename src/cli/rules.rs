//! `threatflow rules` and `threatflow explain`: the rule catalogue and each rule's (or drift
//! check's) documentation.

use super::args::Format;
use super::check::{EXIT_ERRORS, compile_path};
use super::{files, output};
use std::path::Path;
use threatflow::compile::Options;
use threatflow::diagnostic::ColorChoice;
use threatflow::drift::{CHECKS, DriftCheck, find_check};
use threatflow::load::{LoadedFile, NoFiles};
use threatflow::rules::doc;
use threatflow::suggest::did_you_mean;
use threatflow::{Compilation, compile, stdlib};

/// The rules in scope: every standard library rule, or the rules a model uses and declares.
fn catalogue(model: Option<&Path>) -> Result<Compilation, i32> {
    let compilation = match model {
        None => {
            let root = LoadedFile {
                key: "<catalogue>".into(),
                name: "<catalogue>".into(),
                bytes: stdlib::everything().into_bytes(),
            };
            compile(root, &mut NoFiles, Options::new(files::today()))
        }
        Some(path) => match compile_path(path, &[]) {
            Ok(compilation) => compilation,
            Err(unreadable) => {
                eprint!(
                    "{}",
                    output::text(
                        &[unreadable.diagnostic],
                        &unreadable.sources,
                        ColorChoice::Never
                    )
                );
                return Err(EXIT_ERRORS);
            }
        },
    };
    if compilation.has_errors() {
        eprint!(
            "{}",
            output::text(
                &compilation.diagnostics,
                &compilation.unit.sources,
                output::color_choice(super::args::Color::Auto)
            )
        );
        return Err(EXIT_ERRORS);
    }
    Ok(compilation)
}

pub fn list(model: Option<&Path>, format: Format) -> i32 {
    let compilation = match catalogue(model) {
        Ok(c) => c,
        Err(status) => return status,
    };
    let summaries: Vec<doc::RuleSummary> = compilation
        .rules
        .iter()
        .map(|rule| doc::summarize(&compilation.model, rule))
        .collect();
    match format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({ "rules": summaries }))
                .expect("rules serialize")
        ),
        Format::Text => {
            for rule in &summaries {
                println!(
                    "{:<9} {:<40} {:<12} {:<34} {}",
                    rule.id,
                    rule.title,
                    rule.applies_to,
                    rule.severity,
                    rule.stride.join(", ")
                );
            }
            println!("{} rules", summaries.len());
        }
    }
    0
}

/// A drift check's documentation, laid out as a rule's.
fn explain_drift(check: &DriftCheck) -> String {
    format!(
        "{}: {}\n\n  applies to  element, flow or deployed resource (`threatflow drift`)\n  stride      {}\n  severity    {}\n\nWhat\n  {}\n",
        check.id,
        check.title,
        check.stride.join(", "),
        check.severity.as_str(),
        check.what
    )
}

pub fn explain(id: &str, model: Option<&Path>) -> i32 {
    if let Some(check) = find_check(id) {
        print!("{}", explain_drift(check));
        return 0;
    }
    let compilation = match catalogue(model) {
        Ok(c) => c,
        Err(status) => return status,
    };
    match compilation.rules.iter().find(|r| r.id == id) {
        Some(rule) => {
            print!("{}", doc::explain(&compilation.model, rule));
            0
        }
        None => {
            let known = compilation.rules.iter().map(|r| r.id.as_str());
            let help = did_you_mean(id, known.chain(CHECKS.iter().map(|c| c.id)));
            eprintln!(
                "error: there is no rule `{id}`{}",
                help.map(|h| format!("; {h}")).unwrap_or_default()
            );
            EXIT_ERRORS
        }
    }
}
