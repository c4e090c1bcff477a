//! Resolution: from the parsed files of a model to the typed [`Model`] and its diagnostics.
//!
//! Passes, each over every file in load order (the standard library first):
//! 1. [`schema`]: roles, capabilities, then kinds (names first, so types may name any kind);
//! 2. [`declarations`]: classifications, data, boundaries and elements (names first, so
//!    attribute references may point forward), then flows;
//! 3. [`rules`]: the model header, rules and accepted risks;
//! 4. [`lints`]: warnings about a model that resolves but looks wrong (only once it resolves
//!    without errors, so a mistake does not also show up as its consequences).
//!
//! Every pass keeps going after an error; a declaration that cannot be resolved is left out
//! of the model but its name stays declared, so one mistake is reported once.

mod declarations;
mod lints;
mod names;
mod rules;
mod schema;
mod values;

use crate::diagnostic::{Code, Diagnostic};
use crate::load::{Origin, Unit};
use crate::model::*;
use crate::span::Span;
use foldhash::{HashMap, HashMapExt};

/// What the current date is, for expiring accepted risks.
#[derive(Clone, Copy, Debug)]
pub struct ResolveOptions {
    pub today: time::Date,
}

/// Whether a declaration of `kind` can have attribute `name`: one of the kind's own, or one
/// that every declaration may have (`owner`, `description`, `deployed`).
pub fn can_have(kind: &Kind, name: &str) -> bool {
    kind.attr(name).is_some() || universal_attributes().any(|n| n == name)
}

/// The attributes every element and boundary may have, whatever its kind (`deployed`,
/// `description`, `owner`).
pub fn universal_attributes() -> impl Iterator<Item = &'static str> {
    values::UNIVERSAL.iter().map(|(name, _)| *name)
}

/// Resolves a loaded model. The boundaries, elements and flows are taken out of the syntax
/// trees and freed as they are resolved: in a large model they are most of the trees, and
/// nothing reads them afterwards (the trees' other items stay).
pub fn resolve(unit: &mut Unit, options: ResolveOptions) -> (Model, Vec<Diagnostic>) {
    let mut resolver = Resolver {
        model: Model::default(),
        diagnostics: Vec::new(),
        names: Names::default(),
        roles: HashMap::new(),
        capabilities: HashMap::new(),
        kinds: HashMap::new(),
        rules: HashMap::new(),
        options,
    };
    schema::resolve(&mut resolver, unit);
    let root_has_items = unit
        .files
        .iter()
        .any(|f| f.origin == Origin::Root && !f.ast.items.is_empty());
    let taken = declarations::take(&mut unit.files);
    declarations::resolve(&mut resolver, unit, taken);
    rules::resolve(&mut resolver, unit);
    let has_errors = resolver.diagnostics.iter().any(Diagnostic::is_error)
        || unit.diagnostics.iter().any(Diagnostic::is_error);
    if !has_errors {
        lints::check(&mut resolver, unit, root_has_items);
    }
    (resolver.model, resolver.diagnostics)
}

/// What a model-level name refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Entity {
    Classification(ClassificationId),
    Data(DataId),
    Boundary(BoundaryId),
    Element(ElementId),
    /// Declared, but its declaration has errors: references to it are not reported again.
    Broken,
}

impl Entity {
    fn describe(self) -> &'static str {
        match self {
            Entity::Classification(_) => "a classification",
            Entity::Data(_) => "a data item",
            Entity::Boundary(_) => "a boundary",
            Entity::Element(_) => "an element",
            Entity::Broken => "a declaration",
        }
    }
}

use names::Names;

struct Resolver {
    model: Model,
    diagnostics: Vec<Diagnostic>,
    /// Classifications, data, boundaries and elements share one namespace.
    names: Names,
    /// Role names and their aliases.
    roles: HashMap<String, RoleId>,
    capabilities: HashMap<String, CapabilityId>,
    kinds: HashMap<String, KindId>,
    rules: HashMap<String, RuleIndex>,
    options: ResolveOptions,
}

impl Resolver {
    fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Declares a model-level name as `entity`; reports a duplicate and returns false if it is
    /// taken.
    fn declare(&mut self, name: &crate::syntax::ast::Ident, entity: Entity) -> bool {
        let Err((previous, first)) = self.names.declare(&name.name, entity, name.span) else {
            return true;
        };
        let what = previous.describe();
        self.report(
            Diagnostic::error(
                Code::DuplicateName,
                format!("`{}` is declared twice", name.name),
            )
            .with_primary(name.span, "declared again here")
            .with_secondary(first, format!("first declared here, as {what}"))
            .with_help(
                "names of classifications, data, boundaries and elements must be unique in a model",
            ),
        );
        false
    }

    /// Runs `typing` with a [`values::Typer`] over this resolver, keeping its diagnostics.
    fn typing<T>(&mut self, typing: impl FnOnce(&mut values::Typer) -> T) -> T {
        let mut typer = values::Typer::new(self);
        let typed = typing(&mut typer);
        let found = typer.diagnostics;
        self.diagnostics.extend(found);
        typed
    }

    /// Reports a kind, role, capability or rule defined a second time.
    fn duplicate_definition(&mut self, what: &str, name: &crate::syntax::ast::Ident, first: Span) {
        self.report(
            Diagnostic::error(
                Code::DuplicateDefinition,
                format!("{what} `{}` is defined twice", name.name),
            )
            .with_primary(name.span, "defined again here")
            .with_secondary(first, "first defined here"),
        );
    }

    /// Replaces the entity of a name declared earlier (once its declaration is resolved).
    fn define(&mut self, name: &str, entity: Entity) {
        self.names.define(name, entity);
    }

    /// Names declared as entities of one sort, for "did you mean".
    fn names_where(&self, keep: impl Fn(Entity) -> bool) -> Vec<&str> {
        self.names.sorted_where(keep)
    }

    /// A kind every model has (declared in `core`).
    fn core_kind(&self, name: &str) -> Option<KindId> {
        self.kinds.get(name).copied()
    }
}

/// The files of a unit with their origin, in load order.
fn files(unit: &Unit) -> impl Iterator<Item = (&crate::syntax::ast::File, Origin)> {
    unit.files.iter().map(|f| (&f.ast, f.origin))
}
