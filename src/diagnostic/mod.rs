//! The one diagnostic model shared by every phase, and its renderers.
//!
//! Phases return [`Diagnostic`] values; nothing here prints. [`render_text`] turns them into
//! the terminal form (through ariadne), [`render_json`] into the machine-readable form.

mod code;
mod render_json;
mod render_text;

pub use code::Code;
pub use render_json::{JsonDiagnostic, to_json};
pub use render_text::{ColorChoice, render_text};

use crate::span::Span;
use serde::Serialize;

/// How serious a diagnostic is. Errors make `check` exit with status 2.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A span with a message of its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// One problem found in the sources.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// Where the problem is; absent only for problems with no source (a file that cannot be read).
    pub primary: Option<Label>,
    /// Related places, such as the first declaration of a duplicate name.
    pub secondary: Vec<Label>,
    pub help: Option<String>,
    /// A line and column that override the primary span's, for text that could not be decoded.
    pub location: Option<(usize, usize)>,
}

impl Diagnostic {
    pub fn error(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(code, Severity::Error, message)
    }

    pub fn warning(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(code, Severity::Warning, message)
    }

    fn new(code: Code, severity: Severity, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity,
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            help: None,
            location: None,
        }
    }

    pub fn with_primary(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.primary = Some(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub fn with_secondary(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.secondary.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Adds `help` only when there is one.
    pub fn with_optional_help(self, help: Option<String>) -> Diagnostic {
        match help {
            Some(help) => self.with_help(help),
            None => self,
        }
    }

    pub fn with_location(mut self, line: usize, column: usize) -> Diagnostic {
        self.location = Some((line, column));
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Sorts diagnostics by file and position and removes exact repeats, so output is deterministic.
pub fn sort_and_dedup(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| {
        let key = |d: &Diagnostic| {
            d.primary
                .as_ref()
                .map(|l| (l.span.file, l.span.start, l.span.end))
        };
        key(a)
            .cmp(&key(b))
            .then(a.code.cmp(&b.code))
            .then(a.message.cmp(&b.message))
    });
    diagnostics.dedup();
}
