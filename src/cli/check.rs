//! `threatflow check`: compile models and report their diagnostics.

use super::args::{Color, FailOn, Format};
use super::{files, output};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use threatflow::compile::Options;
use threatflow::diagnostic::{Code, Diagnostic, JsonDiagnostic, to_json};
use threatflow::findings::Keep;
use threatflow::findings::{
    Finding, LeftOut, Shown, Texts, count_of_findings, shown, summary, write_findings_limited,
};
use threatflow::load::LoadedFile;
use threatflow::rules::severity::Severity;
use threatflow::source::{SourceFile, SourceMap};
use threatflow::span::Span;
use threatflow::{Compilation, compile};

/// What `check --format json` (and `drift --format json`) prints.
#[derive(serde::Serialize)]
pub struct JsonOutput<'a> {
    pub diagnostics: &'a [JsonDiagnostic],
    pub findings: &'a [Shown<'a>],
}

/// The exit status for a run with errors.
pub const EXIT_ERRORS: i32 = 2;

/// A file that could not be read, with the diagnostic saying why.
pub struct Unreadable {
    pub sources: SourceMap,
    pub diagnostic: Diagnostic,
}

/// The exit status for a run whose findings reach `--fail-on`.
pub const EXIT_FINDINGS: i32 = 1;

/// Compiles one file from disk, or explains why it cannot be read.
pub fn compile_path(path: &Path, disabled: &[String]) -> Result<Compilation, Box<Unreadable>> {
    compile_path_keeping(path, disabled, Keep::All)
}

/// [`compile_path`], making only the findings `keep` keeps.
fn compile_path_keeping(
    path: &Path,
    disabled: &[String],
    keep: Keep,
) -> Result<Compilation, Box<Unreadable>> {
    let name = path.to_string_lossy().into_owned();
    match files::read(path) {
        Ok(bytes) => {
            let root = LoadedFile {
                key: files::key(path),
                name,
                bytes,
            };
            let options = Options {
                today: files::today(),
                disabled: disabled.to_vec(),
                keep,
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

pub fn run(
    paths: &[PathBuf],
    format: Format,
    color: Color,
    fail_on: Option<FailOn>,
    disabled: &[String],
    per_rule: Option<usize>,
) -> i32 {
    let color = output::color_choice(color);
    let threshold = fail_on.map(severity_of);
    let mut json: Vec<JsonDiagnostic> = Vec::new();
    // For JSON: the findings of every model but the last, holding their texts; the last
    // model's compilation is kept, and fills its findings' texts in as they are written.
    let mut held: Vec<Finding> = Vec::new();
    let mut last_compilation: Option<Compilation> = None;
    let mut failed = false;
    let mut over_threshold = false;
    // The text prints a few findings of each rule: only those are made (and every accepted
    // one), the others counted.
    let keep = match (format, per_rule) {
        (Format::Text, Some(limit)) => Keep::FirstOfEachRule(limit),
        _ => Keep::All,
    };
    for (index, path) in paths.iter().enumerate() {
        // The last model's memory is let go at exit rather than freed piece by piece; the
        // others are freed, so checking hundreds of models does not accumulate them.
        let last = index + 1 == paths.len();
        let compilation = match compile_path_keeping(path, disabled, keep) {
            Ok(compilation) => compilation,
            Err(unreadable) => {
                failed = true;
                let diagnostics = [unreadable.diagnostic];
                match format {
                    Format::Json => json.extend(to_json(&diagnostics, &unreadable.sources)),
                    Format::Text => {
                        eprint!("{}", output::text(&diagnostics, &unreadable.sources, color));
                        let _ = writeln!(
                            std::io::stdout(),
                            "{}",
                            summary_line(path, &diagnostics, &[], &[])
                        );
                    }
                }
                continue;
            }
        };
        let (sources, diagnostics, findings, left_out) = (
            &compilation.unit.sources,
            &compilation.diagnostics,
            &compilation.findings,
            &compilation.left_out,
        );
        failed |= diagnostics.iter().any(Diagnostic::is_error);
        // What is left out is open.
        over_threshold |= threshold.is_some_and(|t| {
            findings
                .iter()
                .any(|f| f.status.is_open() && f.severity >= t)
                || left_out.iter().any(|l| l.severity >= t)
        });
        match format {
            Format::Text => {
                eprint!("{}", output::text(diagnostics, sources, color));
                // Streamed: a large model's findings are never all held as text. A closed
                // pipe (`| head`) ends the output quietly.
                let stdout = std::io::stdout();
                let mut out = std::io::BufWriter::new(stdout.lock());
                let texts = compilation.texts();
                let written = write_findings_limited(
                    &mut out, findings, left_out, sources, &texts, color, per_rule,
                )
                .and_then(|not_printed| {
                    if let (Some(limit), 1..) = (per_rule, not_printed) {
                        writeln!(out, "{}", not_printed_note(not_printed, limit))?;
                    }
                    let summary = summary_line(path, diagnostics, findings, left_out);
                    writeln!(out, "{summary}")
                });
                let closed = written.and_then(|()| out.flush()).is_err();
                if last {
                    super::release_at_exit(compilation);
                }
                if closed {
                    break;
                }
            }
            Format::Json => {
                json.extend(to_json(diagnostics, sources));
                if last {
                    last_compilation = Some(compilation);
                } else {
                    let texts = compilation.texts();
                    held.extend(findings.iter().map(|f| texts.hold(f)));
                }
            }
        }
    }
    if format == Format::Json {
        let held_texts = Texts::held();
        let last_texts = last_compilation.as_ref().map(Compilation::texts);
        let mut findings = shown(&held, &held_texts);
        if let (Some(compilation), Some(texts)) = (&last_compilation, &last_texts) {
            findings.extend(shown(&compilation.findings, texts));
        }
        let document = JsonOutput {
            diagnostics: &json,
            findings: &findings,
        };
        // Written straight to standard output, without an intermediate JSON tree or string.
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        let _ = serde_json::to_writer_pretty(&mut out, &document)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out))
            .and_then(|()| out.flush());
        super::release_at_exit(findings);
        drop(last_texts);
        if let Some(compilation) = last_compilation {
            super::release_at_exit(compilation);
        }
    }
    if failed {
        EXIT_ERRORS
    } else if over_threshold {
        EXIT_FINDINGS
    } else {
        0
    }
}

/// Says that some findings were only counted (at most `limit` of each rule were printed), and
/// how to see them all.
fn not_printed_note(not_printed: usize, limit: usize) -> String {
    let (count, word) = count_of_findings(not_printed);
    format!(
        "note: {count} {word} counted, not printed (at most {limit} of each rule and severity \
         in full); `--all` prints every finding, `--format json` and `report` list them"
    )
}

/// `orders.flow: 0 errors, 1 warning; 3 findings (…)`, the last line printed for a model.
fn summary_line(
    path: &Path,
    diagnostics: &[Diagnostic],
    findings: &[Finding],
    left_out: &[LeftOut],
) -> String {
    format!(
        "{}: {}; {}",
        path.display(),
        output::counts(diagnostics),
        summary(findings, left_out)
    )
}

pub fn severity_of(fail_on: FailOn) -> Severity {
    match fail_on {
        FailOn::Info => Severity::Info,
        FailOn::Low => Severity::Low,
        FailOn::Medium => Severity::Medium,
        FailOn::High => Severity::High,
        FailOn::Critical => Severity::Critical,
    }
}
