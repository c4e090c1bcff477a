//! The rule engine: type-checks the model's `rule` declarations ([`check`]) into the checked
//! form ([`ir`]) and evaluates them over the data-flow graph ([`eval`]), one hit per subject
//! (element or flow) for which a rule's `where` holds.

pub mod check;
pub mod doc;
pub mod eval;
mod fuse;
mod groups;
pub mod ir;
mod prefilter;
pub mod severity;
pub mod template;
pub mod types;

use crate::diagnostic::{Code, Diagnostic};
use crate::graph::{Exposure, FlowIndex, Graph};
use crate::model::*;
use crate::source::SourceMap;
use crate::span::Span;
use check::Checker;
use eval::Evaluator;
use ir::Expr;
use prefilter::Known;
use rayon::prelude::*;
use severity::{Level, Severity, SeverityRule};
use std::sync::Arc;
use template::Template;

/// A rule, checked and ready to run.
#[derive(Clone, Debug)]
pub struct CompiledRule {
    pub id: String,
    pub title: String,
    pub subject: Subject,
    pub stride: Arc<[String]>,
    pub severity: SeverityRule,
    pub refs: Arc<[String]>,
    /// The documentation: what the threat is, why it matters, an example.
    pub what: Option<String>,
    pub why: Option<String>,
    pub example: Option<String>,
    /// The message and fix as written, with their placeholders.
    pub message_text: String,
    pub fix_text: Option<String>,
    /// The file that declares the rule, as shown in diagnostics.
    pub file: String,
    pub span: Span,
    condition: ir::Expr,
    message: Template,
    fix: Option<Template>,
}

/// What a finding is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Item {
    Element(ElementId),
    Flow(FlowIndex),
    /// A resource of a deployed template that no element models (drift).
    Resource,
}

/// One rule holding for one element or flow. Its message and fix depend only on the rule and
/// the item, so they are not kept: [`CompiledRule::message_into`] and
/// [`CompiledRule::fix_into`] fill them in when they are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    /// Index into the compiled rules.
    pub rule: u32,
    pub item: Item,
    pub severity: Severity,
}

/// The hits of one evaluation, in order, held in the pieces the cores made them in: a large
/// model's four million hits are not copied into one list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Hits {
    pieces: Vec<Vec<Hit>>,
}

impl Hits {
    /// How many hits there are.
    pub fn len(&self) -> usize {
        self.pieces.iter().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.pieces.iter().all(Vec::is_empty)
    }

    /// Every hit, in order.
    pub fn iter(&self) -> impl Iterator<Item = &Hit> + '_ {
        self.pieces.iter().flatten()
    }

    /// Every hit, shared out to the cores a piece at a time.
    pub fn par_iter(&self) -> impl ParallelIterator<Item = &Hit> + '_ {
        self.pieces.par_iter().flat_map_iter(|piece| piece.iter())
    }

    /// Every hit, by value, shared out to the cores a piece at a time.
    pub fn into_par_iter(self) -> impl ParallelIterator<Item = Hit> {
        self.pieces.into_par_iter().flat_map_iter(Vec::into_iter)
    }
}

/// The hits of a list, as one piece.
impl From<Vec<Hit>> for Hits {
    fn from(hits: Vec<Hit>) -> Hits {
        Hits { pieces: vec![hits] }
    }
}

impl CompiledRule {
    /// Appends the rule's message for `item` to `out`, its placeholders filled in over `graph`.
    pub fn message_into(
        &self,
        graph: &Graph,
        reach: &eval::ReachCache,
        item: Item,
        out: &mut String,
    ) {
        fill(&self.message, graph, reach, item, out);
    }

    /// Appends the rule's fix for `item` to `out`; false when the rule has no fix.
    pub fn fix_into(
        &self,
        graph: &Graph,
        reach: &eval::ReachCache,
        item: Item,
        out: &mut String,
    ) -> bool {
        match &self.fix {
            Some(fix) => {
                fill(fix, graph, reach, item, out);
                true
            }
            None => false,
        }
    }
}

/// Appends `template` filled in for `item` to `out`.
fn fill(
    template: &Template,
    graph: &Graph,
    reach: &eval::ReachCache,
    item: Item,
    out: &mut String,
) {
    let Some(subject) = subject_value(item) else {
        return;
    };
    let mut evaluator = Evaluator {
        graph,
        env: vec![subject],
        reach,
    };
    template.write_into(&mut evaluator, out);
}

/// The value a rule's variable holds for `item`; a resource is no rule's subject.
fn subject_value<'a>(item: Item) -> Option<eval::Value<'a>> {
    match item {
        Item::Element(e) => Some(eval::Value::Element(e)),
        Item::Flow(f) => Some(eval::Value::Flow(f)),
        Item::Resource => None,
    }
}

fn attr_span(attrs: &Attributes, name: &str, fallback: Span) -> Span {
    attrs
        .iter()
        .find(|a| &*a.name == name)
        .and_then(|a| a.span)
        .unwrap_or(fallback)
}

/// Type-checks every rule of the model.
pub fn compile(model: &Model, sources: &SourceMap) -> (Vec<CompiledRule>, Vec<Diagnostic>) {
    // Each rule is checked on its own, on every core; the results are joined in rule order.
    let checked: Vec<(Option<CompiledRule>, Vec<Diagnostic>)> = model
        .rules
        .par_iter()
        .map(|rule| compile_rule(model, sources, rule))
        .collect();
    let mut compiled = Vec::with_capacity(checked.len());
    let mut diagnostics = Vec::new();
    for (rule, mut found) in checked {
        compiled.extend(rule);
        diagnostics.append(&mut found);
    }
    (compiled, diagnostics)
}

/// Checks one rule: its compiled form when it has no error, and its diagnostics.
fn compile_rule(
    model: &Model,
    sources: &SourceMap,
    rule: &Rule,
) -> (Option<CompiledRule>, Vec<Diagnostic>) {
    let subject_ty = check::subject_type(model, rule.subject);
    let mut checker = Checker::new(model, &rule.var, subject_ty);
    let condition = checker.condition(&rule.condition_ast);
    let message_text = rule
        .attrs
        .text("message")
        .map(str::to_string)
        .unwrap_or_default();
    let message = Template::check(
        &mut checker,
        sources,
        &message_text,
        attr_span(&rule.attrs, "message", rule.span),
    );
    let fix_text = rule.attrs.text("fix").map(str::to_string);
    let fix = fix_text.as_ref().map(|fix| {
        Template::check(
            &mut checker,
            sources,
            fix,
            attr_span(&rule.attrs, "fix", rule.span),
        )
    });
    let severity = match rule.attrs.variant("severity").and_then(Severity::parse) {
        Some(fixed) => Some(SeverityRule::Fixed(fixed)),
        None if rule.attrs.get("impact").is_some() || rule.attrs.get("likelihood").is_some() => {
            Some(SeverityRule::Matrix {
                impact: rule.attrs.variant("impact").and_then(Level::parse),
                likelihood: rule.attrs.variant("likelihood").and_then(Level::parse),
            })
        }
        None => {
            checker.diagnostics.push(
                Diagnostic::error(
                    Code::RuleWithoutSeverity,
                    format!("rule `{}` has no severity", rule.id),
                )
                .with_primary(rule.span, "no `severity`, `impact` or `likelihood`")
                .with_help("give a fixed `severity high`, or `impact data` and `likelihood exposure` to derive it"),
            );
            None
        }
    };
    let diagnostics = std::mem::take(&mut checker.diagnostics);
    let (Some(condition), Some(message), Some(severity)) = (condition, message, severity) else {
        return (None, diagnostics);
    };
    // No fix written, or one that checked.
    let fix = match fix {
        None => None,
        Some(None) => return (None, diagnostics),
        Some(Some(fix)) => Some(fix),
    };
    let compiled = CompiledRule {
        id: rule.id.clone(),
        title: rule.title.clone(),
        subject: rule.subject,
        stride: rule.attrs.words("stride").into(),
        severity,
        refs: rule.attrs.words("refs").into(),
        what: rule.attrs.text("what").map(str::to_string),
        why: rule.attrs.text("why").map(str::to_string),
        example: rule.attrs.text("example").map(str::to_string),
        message_text,
        fix_text,
        file: sources.get(rule.span.file).name.to_string(),
        span: rule.span,
        condition,
        message,
        fix,
    };
    (Some(compiled), diagnostics)
}

/// Runs every rule over the graph, skipping the rules `skip` says are disabled.
///
/// Elements are visited one after another, each with the rules that can hold for its kind and
/// role ([`prefilter`]), then flows, each with the flow rules that can hold for its ends: every
/// element is read once, not once per rule. The hits come in no particular order; findings are
/// sorted.
///
/// `reach` keeps the answers of `reaches` questions; the same cache fills in the findings'
/// texts later.
pub fn evaluate(
    rules: &[CompiledRule],
    graph: &Graph,
    reach: &eval::ReachCache,
    skip: impl Fn(&CompiledRule) -> bool,
) -> Hits {
    evaluate_with(rules, graph, reach, skip, true)
}

/// Evaluation without the prefilter, for the test that holds the two together.
#[doc(hidden)]
pub mod reference {
    use super::*;

    /// Every rule on every element or flow of its subject.
    pub fn evaluate_everywhere(rules: &[CompiledRule], graph: &Graph) -> Hits {
        evaluate_with(rules, graph, &eval::ReachCache::new(), |_| false, false)
    }
}

fn evaluate_with(
    rules: &[CompiledRule],
    graph: &Graph,
    reach: &eval::ReachCache,
    skip: impl Fn(&CompiledRule) -> bool,
    prefilter: bool,
) -> Hits {
    let model = graph.model;
    let enabled: Vec<usize> = (0..rules.len()).filter(|&i| !skip(&rules[i])).collect();
    // The rules for each group of subjects present (an element's kind, role and written
    // attributes; a flow's ends and written attributes), decided before the subjects are
    // shared out, each with its condition specialised for the group (or, without the
    // prefilter, as written).
    let groups = groups::group(model);
    let mut evaluator = Evaluator {
        graph,
        env: Vec::new(),
        reach,
    };
    let per_group: Vec<Vec<(usize, Expr)>> = groups
        .known
        .iter()
        .map(|known| {
            enabled
                .iter()
                .copied()
                .filter(|&r| match (rules[r].subject, known) {
                    (Subject::Flows, Known::Flow { .. }) => true,
                    (Subject::Flows, Known::Element { .. }) | (_, Known::Flow { .. }) => false,
                    (Subject::Elements, _) => true,
                    (Subject::Role(role), Known::Element { shape, .. }) => shape.1 == role,
                    (Subject::Kind(kind), Known::Element { shape, .. }) => shape.0 == kind,
                })
                .filter_map(|r| specialised(&mut evaluator, known, rules, r, prefilter))
                .collect()
        })
        .collect();
    // Elements, then flows, as one range cut into pieces that the cores evaluate; the pieces'
    // hits are joined in order, so the result does not depend on the number of threads.
    let elements = model.elements.len();
    let items = elements + model.flows.len();
    let pieces: Vec<std::ops::Range<usize>> = (0..items)
        .step_by(PIECE)
        .map(|start| start..(start + PIECE).min(items))
        .collect();
    let hits: Vec<Vec<Hit>> = pieces
        .into_par_iter()
        .map(|range| {
            let mut hits = Vec::new();
            let mut evaluator = Evaluator {
                graph,
                env: Vec::new(),
                reach,
            };
            for index in range {
                let item = if index < elements {
                    Item::Element(ElementId(index as u32))
                } else {
                    Item::Flow((index - elements) as FlowIndex)
                };
                for (r, condition) in &per_group[groups.of[index] as usize] {
                    run(&mut evaluator, rules, *r, condition, item, &mut hits);
                }
            }
            hits
        })
        .collect();
    Hits { pieces: hits }
}

/// Rule `rule` with its condition specialised for the subjects `known` describes and its
/// comparisons joined ([`fuse`]), or as written without the prefilter; none when it cannot
/// hold for them.
fn specialised<'a>(
    evaluator: &mut Evaluator<'a, '_>,
    known: &Known<'a>,
    rules: &'a [CompiledRule],
    rule: usize,
    prefilter: bool,
) -> Option<(usize, Expr)> {
    let condition = &rules[rule].condition;
    let condition = if prefilter {
        fuse::fuse(known.residual(evaluator, condition))
    } else {
        condition.clone()
    };
    (!matches!(condition, Expr::Bool(false))).then_some((rule, condition))
}

/// How many elements or flows one task evaluates.
const PIECE: usize = 4096;

/// Evaluates rule `index`, whose condition (as specialised for the item's shape) is
/// `condition`, on one element or flow, adding a hit when it holds.
fn run<'a>(
    evaluator: &mut Evaluator<'a, '_>,
    rules: &'a [CompiledRule],
    index: usize,
    condition: &'a Expr,
    item: Item,
    hits: &mut Vec<Hit>,
) {
    let rule = &rules[index];
    let Some(subject) = subject_value(item) else {
        return;
    };
    evaluator.bind_subject(subject);
    if !evaluator.holds(condition) {
        return;
    }
    hits.push(Hit {
        rule: index as u32,
        item,
        severity: severity_of(rule.severity, evaluator.graph, item),
    });
}

fn severity_of(rule: SeverityRule, graph: &Graph, item: Item) -> Severity {
    let (impact, likelihood) = match rule {
        SeverityRule::Fixed(severity) => return severity,
        SeverityRule::Matrix { impact, likelihood } => (impact, likelihood),
    };
    let impact = impact.unwrap_or_else(|| {
        let highest = match item {
            Item::Element(e) => graph.highest_level(graph.data[e.index()].iter().copied()),
            Item::Flow(f) => graph.highest_level(graph.flow_data(f)),
            Item::Resource => None,
        };
        Level::of_classification(highest)
    });
    let likelihood = likelihood.unwrap_or_else(|| {
        let exposure = match item {
            Item::Element(e) => graph.exposure[e.index()],
            Item::Resource => Exposure::Internal,
            Item::Flow(f) => {
                let flow = graph.model.flow(f);
                let crosses_internet = graph.crossed(f).any(|b| graph.internet[b.index()]);
                if crosses_internet {
                    Exposure::Open
                } else {
                    graph.exposure[flow.source.index()].max(graph.exposure[flow.target.index()])
                }
            }
        };
        match exposure {
            Exposure::Open => Level::High,
            Exposure::Authenticated => Level::Medium,
            Exposure::Internal => Level::Low,
        }
    });
    severity::matrix(impact, likelihood)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hits_held_in_pieces_read_as_one_list_in_order() {
        let hit = |rule| Hit {
            rule,
            item: Item::Resource,
            severity: Severity::Low,
        };
        let hits = Hits {
            pieces: vec![
                vec![hit(0), hit(1)],
                Vec::new(),
                vec![hit(2)],
                vec![hit(3), hit(4)],
            ],
        };
        assert_eq!(hits.len(), 5);
        assert!(!hits.is_empty() && Hits::default().is_empty());
        let rules = |hits: Vec<&Hit>| hits.iter().map(|h| h.rule).collect::<Vec<_>>();
        assert_eq!(rules(hits.iter().collect()), [0, 1, 2, 3, 4]);
        assert_eq!(rules(hits.par_iter().collect()), [0, 1, 2, 3, 4]);
        let owned: Vec<u32> = hits.clone().into_par_iter().map(|h| h.rule).collect();
        assert_eq!(owned, [0, 1, 2, 3, 4]);
        assert_eq!(Hits::from(vec![hit(7)]).iter().count(), 1);
    }
}
