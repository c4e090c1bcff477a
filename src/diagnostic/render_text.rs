//! Terminal rendering of diagnostics through ariadne.
//!
//! This is the only module that talks to ariadne. With colour off, its output is what the
//! snapshot tests compare, so it must not depend on the terminal or the environment.

use super::{Diagnostic, Severity};
use crate::source::SourceMap;
use ariadne::{Config, IndexType, Label, Report, ReportKind};

/// Whether rendered diagnostics use ANSI colours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorChoice {
    Always,
    Never,
}

/// Renders diagnostics as a terminal would show them, one report after another.
pub fn render_text(diagnostics: &[Diagnostic], sources: &SourceMap, color: ColorChoice) -> String {
    let mut out = String::new();
    if diagnostics.is_empty() {
        return out;
    }
    // One cache for every report: building it indexes the lines of every file.
    let mut cache = ariadne::sources(
        sources
            .files()
            .map(|(_, file)| (file.name.to_string(), file.text.as_str())),
    );
    for diagnostic in diagnostics {
        let rendered = match &diagnostic.primary {
            Some(primary) if diagnostic.location.is_none() => {
                render_with_source(diagnostic, primary, sources, &mut cache, color)
            }
            _ => render_without_source(diagnostic, sources),
        };
        for line in rendered.lines() {
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    out
}

fn render_with_source(
    diagnostic: &Diagnostic,
    primary: &super::Label,
    sources: &SourceMap,
    cache: &mut impl ariadne::Cache<String>,
    color: ColorChoice,
) -> String {
    let kind = match diagnostic.severity {
        Severity::Error => ReportKind::Error,
        Severity::Warning => ReportKind::Warning,
    };
    let name = |span: crate::span::Span| sources.get(span.file).name.to_string();
    let config = Config::default()
        .with_color(color == ColorChoice::Always)
        .with_index_type(IndexType::Byte);
    let mut report = Report::build(kind, (name(primary.span), primary.span.range()))
        .with_config(config)
        .with_code(diagnostic.code.id())
        .with_message(&diagnostic.message);
    // ariadne starts a new snippet whenever a label lies above the one before it, so labels go
    // in source order: the primary label's file first, then by position.
    let mut labels: Vec<&super::Label> = std::iter::once(primary)
        .chain(&diagnostic.secondary)
        .collect();
    labels.sort_by_key(|label| {
        (
            label.span.file != primary.span.file,
            label.span.file,
            label.span.start,
        )
    });
    for label in labels {
        report = report.with_label(
            Label::new((name(label.span), label.span.range())).with_message(&label.message),
        );
    }
    if let Some(help) = &diagnostic.help {
        report = report.with_help(help);
    }
    let mut buffer = Vec::new();
    if report.finish().write(cache, &mut buffer).is_err() {
        return render_without_source(diagnostic, sources);
    }
    String::from_utf8_lossy(&buffer).into_owned()
}

/// A plain rendering for diagnostics whose text cannot be shown (undecodable or unread files).
fn render_without_source(diagnostic: &Diagnostic, sources: &SourceMap) -> String {
    let severity = match diagnostic.severity {
        Severity::Error => "Error",
        Severity::Warning => "Warning",
    };
    let mut out = format!(
        "[{}] {severity}: {}\n",
        diagnostic.code.id(),
        diagnostic.message
    );
    if let Some(primary) = &diagnostic.primary {
        let file = sources.get(primary.span.file);
        let (line, column) = diagnostic
            .location
            .unwrap_or_else(|| file.line_column(primary.span.start as usize));
        out.push_str(&format!("   ╭─[ {}:{line}:{column} ]\n", file.name));
    }
    if let Some(help) = &diagnostic.help {
        out.push_str(&format!("   │ Help: {help}\n"));
    }
    out
}
