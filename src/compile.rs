//! The whole pipeline in one call: load a model's files, parse and resolve them, build the
//! data-flow graph, check and run the rules, and apply accepted risks.

use crate::diagnostic::{self, Code, Diagnostic};
use crate::findings::{self, Acceptances, Finding, Keep, LeftOut, Texts};
use crate::graph::{self, Graph};
use crate::load::{self, LoadedFile, Loader, Unit};
use crate::model::{AttrValue, Model, RulePattern};
use crate::resolve::{self, ResolveOptions};
use crate::rules::eval::ReachCache;
use crate::rules::{self, CompiledRule};

/// What a compilation depends on besides the files.
#[derive(Clone, Debug)]
pub struct Options {
    /// The date acceptances expire against (injected, never read from the clock here).
    pub today: time::Date,
    /// Rule ids or prefixes (`SVL-*`) not to run, in addition to the model's `disable`.
    pub disabled: Vec<String>,
    /// Which findings are made in full (every one, unless told otherwise).
    pub keep: Keep,
}

impl Options {
    pub fn new(today: time::Date) -> Options {
        Options {
            today,
            disabled: Vec::new(),
            keep: Keep::All,
        }
    }
}

/// A compiled model: its files (their text; the syntax trees are dropped once resolved), the
/// typed model, its checked rules, the graph's facts (when the rules ran), the findings and
/// every diagnostic, sorted by position.
pub struct Compilation {
    pub unit: Unit,
    pub model: Model,
    pub rules: Vec<CompiledRule>,
    /// The data-flow graph's facts, kept from the evaluation; none when the rules did not run.
    pub facts: Option<graph::Facts>,
    /// The `reaches` answers of the evaluation, used again to fill in the findings' texts.
    pub reach: ReachCache,
    /// The findings made, as [`Options::keep`] asked.
    pub findings: Vec<Finding>,
    /// The open findings counted but not made (none unless [`Options::keep`] left some out).
    pub left_out: Vec<LeftOut>,
    pub diagnostics: Vec<Diagnostic>,
    /// The date accepted risks were judged against (`until` before it: expired).
    pub today: time::Date,
}

impl Compilation {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The data-flow graph the rules ran over; none when they did not run.
    pub fn graph(&self) -> Option<Graph<'_>> {
        self.facts
            .as_ref()
            .map(|facts| Graph::over(&self.model, facts))
    }

    /// What fills in the texts of this compilation's findings.
    pub fn texts(&self) -> Texts<'_> {
        Texts::new(&self.rules, self.graph(), &self.reach)
    }
}

/// Compiles the model whose root file is `root`. Rules run only when the model has no errors.
pub fn compile(root: LoadedFile, loader: &mut dyn Loader, options: Options) -> Compilation {
    let mut unit = load::load(root, loader);
    let (model, mut diagnostics) = resolve::resolve(
        &mut unit,
        ResolveOptions {
            today: options.today,
        },
    );
    diagnostics.append(&mut unit.diagnostics);
    // The syntax trees are not needed past resolving: they are freed on one core while the rules
    // are checked and the graph built on the other, so that the rules and findings of a large
    // model reuse their memory instead of growing the process.
    let trees = std::mem::take(&mut unit.files);
    let mut compiled = Vec::new();
    let mut findings = Vec::new();
    let mut left_out = Vec::new();
    let mut facts = None;
    let reach = ReachCache::new();
    if !diagnostics.iter().any(Diagnostic::is_error) {
        // The graph is built alongside the rules' check, and goes unused when a rule has an
        // error (then the compilation stops there anyway).
        let (_, ((rules, mut rule_diagnostics), graph)) = rayon::join(
            move || drop(trees),
            || {
                rayon::join(
                    || rules::compile(&model, &unit.sources),
                    || Graph::build(&model),
                )
            },
        );
        diagnostics.append(&mut rule_diagnostics);
        compiled = rules;
        if !diagnostics.iter().any(Diagnostic::is_error) {
            let disabled = disabled_patterns(&model, &options, &compiled, &mut diagnostics);
            let hits = rules::evaluate(&compiled, &graph, &reach, |rule| {
                disabled.iter().any(|p| p.matches(&rule.id))
            });
            let today = options.today.to_string();
            let acceptances = Acceptances::of(&graph, &today, false);
            let made = findings::from_hits(
                hits,
                &compiled,
                &graph,
                &unit.sources,
                &acceptances,
                options.keep,
            );
            drop(acceptances);
            (findings, left_out) = (made.findings, made.left_out);
            diagnostics.extend(made.stale);
            facts = Some(graph.into_facts());
        }
    }
    diagnostic::sort_and_dedup(&mut diagnostics);
    Compilation {
        unit,
        model,
        rules: compiled,
        facts,
        reach,
        findings,
        left_out,
        diagnostics,
        today: options.today,
    }
}

/// The rules switched off by the options and the model header's `disable`; a pattern that
/// matches no rule is reported, since it usually is a typo.
fn disabled_patterns(
    model: &Model,
    options: &Options,
    rules: &[CompiledRule],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<RulePattern> {
    let mut patterns = Vec::new();
    for text in &options.disabled {
        let pattern = RulePattern::parse(text);
        if !rules.iter().any(|r| pattern.matches(&r.id)) {
            diagnostics.push(Diagnostic::warning(
                Code::UnknownDisabledRule,
                format!("`--disable {text}` matches no rule"),
            ));
        }
        patterns.push(pattern);
    }
    if let Some(header) = &model.header
        && let Some(AttrValue::List(items)) = header.attrs.get("disable")
    {
        let span = header
            .attrs
            .iter()
            .find(|a| &*a.name == "disable")
            .and_then(|a| a.span)
            .unwrap_or(header.span);
        for item in items {
            let AttrValue::Str(text) = item else { continue };
            let pattern = RulePattern::parse(text);
            if !rules.iter().any(|r| pattern.matches(&r.id)) {
                diagnostics.push(
                    Diagnostic::warning(
                        Code::UnknownDisabledRule,
                        format!("`disable \"{text}\"` matches no rule"),
                    )
                    .with_primary(span, "matches no rule"),
                );
            }
            patterns.push(pattern);
        }
    }
    patterns
}

/// For the library's unit tests: compiles `text` as the one file `m.flow` (the standard
/// library aside), dated 2026-06-01.
#[cfg(test)]
pub(crate) fn compile_text(text: &str) -> Compilation {
    let root = LoadedFile {
        key: "m.flow".into(),
        name: "m.flow".into(),
        bytes: text.as_bytes().to_vec(),
    };
    let today = time::Date::from_calendar_date(2026, time::Month::June, 1).expect("a date");
    compile(root, &mut load::NoFiles, Options::new(today))
}

/// [`compile_text`], checking the model has no errors.
#[cfg(test)]
pub(crate) fn compile_clean(text: &str) -> Compilation {
    let compilation = compile_text(text);
    assert!(!compilation.has_errors(), "{:?}", compilation.diagnostics);
    compilation
}
