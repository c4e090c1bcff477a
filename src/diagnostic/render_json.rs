//! Machine-readable diagnostics: one JSON object per diagnostic, with 1-based lines and columns.

use super::{Diagnostic, Severity};
use crate::source::SourceMap;
use serde::Serialize;

/// A diagnostic as `check --format json` prints it.
#[derive(Debug, Serialize)]
pub struct JsonDiagnostic {
    pub code: &'static str,
    pub severity: Severity,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub end_line: Option<usize>,
    pub end_column: Option<usize>,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<JsonLabel>,
}

/// A secondary location of a diagnostic.
#[derive(Debug, Serialize)]
pub struct JsonLabel {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Converts diagnostics into their JSON form, resolving spans to lines and columns.
pub fn to_json(diagnostics: &[Diagnostic], sources: &SourceMap) -> Vec<JsonDiagnostic> {
    diagnostics
        .iter()
        .map(|diagnostic| {
            let (file, start, end) = match &diagnostic.primary {
                Some(label) => {
                    let source = sources.get(label.span.file);
                    let start = diagnostic
                        .location
                        .unwrap_or_else(|| source.line_column(label.span.start as usize));
                    let end = diagnostic
                        .location
                        .unwrap_or_else(|| source.line_column(label.span.end as usize));
                    (Some(source.name.to_string()), Some(start), Some(end))
                }
                None => (None, None, None),
            };
            JsonDiagnostic {
                code: diagnostic.code.id(),
                severity: diagnostic.severity,
                file,
                line: start.map(|p| p.0),
                column: start.map(|p| p.1),
                end_line: end.map(|p| p.0),
                end_column: end.map(|p| p.1),
                message: diagnostic.message.clone(),
                help: diagnostic.help.clone(),
                related: diagnostic
                    .secondary
                    .iter()
                    .map(|label| {
                        let source = sources.get(label.span.file);
                        let (line, column) = source.line_column(label.span.start as usize);
                        JsonLabel {
                            file: source.name.to_string(),
                            line,
                            column,
                            message: label.message.clone(),
                        }
                    })
                    .collect(),
            }
        })
        .collect()
}
