//! The rule engine: type-checks the model's `rule` declarations ([`check`]) into the checked
//! form ([`ir`]) and evaluates them over the data-flow graph ([`eval`]), one hit per subject
//! (element or flow) for which a rule's `where` holds.

pub mod check;
pub mod doc;
pub mod eval;
pub mod ir;
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

/// One rule holding for one element or flow.
#[derive(Clone, Debug)]
pub struct Hit {
    /// Index into the compiled rules.
    pub rule: usize,
    pub item: Item,
    pub severity: Severity,
    pub message: String,
    /// Shared by every hit of the rule when the fix has no placeholders.
    pub fix: Option<Arc<str>>,
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
    let mut compiled = Vec::new();
    let mut diagnostics = Vec::new();
    for rule in &model.rules {
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
            None if rule.attrs.get("impact").is_some()
                || rule.attrs.get("likelihood").is_some() =>
            {
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
        diagnostics.append(&mut checker.diagnostics);
        let (Some(condition), Some(message), Some(severity)) = (condition, message, severity)
        else {
            continue;
        };
        let Some(fix) = fix.unwrap_or(Some(Template::default())) else {
            continue;
        };
        compiled.push(CompiledRule {
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
            fix_text: fix_text.clone(),
            file: sources.get(rule.span.file).name.to_string(),
            span: rule.span,
            condition,
            message,
            fix: fix_text.map(|_| fix),
        });
    }
    (compiled, diagnostics)
}

/// Runs every rule over the graph, skipping the rules `skip` says are disabled.
pub fn evaluate(
    rules: &[CompiledRule],
    graph: &Graph,
    skip: impl Fn(&CompiledRule) -> bool,
) -> Vec<Hit> {
    let model = graph.model;
    let mut hits = Vec::new();
    let mut reach = eval::ReachCache::new();
    for (index, rule) in rules.iter().enumerate() {
        if skip(rule) {
            continue;
        }
        let items: Vec<Item> = match rule.subject {
            Subject::Flows => (0..model.flows.len()).map(Item::Flow).collect(),
            Subject::Elements => (0..model.elements.len())
                .map(|i| Item::Element(ElementId(i as u32)))
                .collect(),
            Subject::Role(role) => elements_where(model, |e| e.role == role),
            Subject::Kind(kind) => elements_where(model, |e| e.kind == kind),
        };
        let mut evaluator = Evaluator {
            graph,
            env: Vec::new(),
            reach: &mut reach,
        };
        for item in items {
            let value = match item {
                Item::Element(e) => eval::Value::Element(e),
                Item::Flow(f) => eval::Value::Flow(f),
                Item::Resource => unreachable!("rules range over elements and flows"),
            };
            evaluator.env.clear();
            evaluator.env.push(value);
            if !evaluator.eval(&rule.condition).truthy() {
                continue;
            }
            let message = rule.message.render(&mut evaluator);
            let fix = rule
                .fix
                .as_ref()
                .map(|fix| fix.render_shared(&mut evaluator));
            hits.push(Hit {
                rule: index,
                item,
                severity: severity_of(rule.severity, graph, item),
                message,
                fix,
            });
        }
    }
    hits
}

fn elements_where(model: &Model, keep: impl Fn(&Element) -> bool) -> Vec<Item> {
    model
        .elements
        .iter()
        .enumerate()
        .filter(|(_, e)| keep(e))
        .map(|(i, _)| Item::Element(ElementId(i as u32)))
        .collect()
}

fn severity_of(rule: SeverityRule, graph: &Graph, item: Item) -> Severity {
    let (impact, likelihood) = match rule {
        SeverityRule::Fixed(severity) => return severity,
        SeverityRule::Matrix { impact, likelihood } => (impact, likelihood),
    };
    let impact = impact.unwrap_or_else(|| {
        let data = match item {
            Item::Element(e) => graph.data[e.index()].clone(),
            Item::Flow(f) => graph.flow_data(f),
            Item::Resource => Vec::new(),
        };
        Level::of_classification(graph.highest_level(&data))
    });
    let likelihood = likelihood.unwrap_or_else(|| {
        let exposure = match item {
            Item::Element(e) => graph.exposure[e.index()],
            Item::Resource => Exposure::Internal,
            Item::Flow(f) => {
                let flow = &graph.model.flows[f];
                let crosses_internet = graph.crossings[f]
                    .0
                    .iter()
                    .chain(&graph.crossings[f].1)
                    .any(|b| graph.model.kind(graph.model.boundary(*b).kind).name == "internet");
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
