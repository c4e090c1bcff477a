//! The front end in one call: load a model's files, parse them and resolve them.

use crate::diagnostic::{self, Diagnostic};
use crate::load::{self, LoadedFile, Loader, Unit};
use crate::model::Model;
use crate::resolve::{self, ResolveOptions};

/// A compiled model: its files, the typed model and every diagnostic, sorted by position.
pub struct Compilation {
    pub unit: Unit,
    pub model: Model,
    pub diagnostics: Vec<Diagnostic>,
}

impl Compilation {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Compiles the model whose root file is `root`.
pub fn compile(root: LoadedFile, loader: &mut dyn Loader, options: ResolveOptions) -> Compilation {
    let mut unit = load::load(root, loader);
    let (model, mut diagnostics) = resolve::resolve(&unit, options);
    diagnostics.append(&mut unit.diagnostics);
    diagnostic::sort_and_dedup(&mut diagnostics);
    Compilation {
        unit,
        model,
        diagnostics,
    }
}
