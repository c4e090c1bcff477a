//! A finding's message and fix, filled in when they are shown. A rule's message and fix depend
//! only on the rule and the element or flow, so findings keep neither: a model with millions of
//! findings holds no text for them, and each text is made once, straight where it is written.
//!
//! [`Texts`] borrows what filling them in needs from a compilation (its rules, the graph's
//! facts and the `reaches` answers of the evaluation); [`Shown`] is a finding with its texts,
//! serialized as the JSON report's finding.

use super::Finding;
use crate::graph::Graph;
use crate::rules::CompiledRule;
use crate::rules::eval::ReachCache;
use serde::Serialize;

/// What filling in the texts of one compilation's findings needs.
#[derive(Clone)]
pub struct Texts<'c> {
    rules: &'c [CompiledRule],
    /// The graph the rules ran over and the evaluation's `reaches` answers; none for a model
    /// whose rules did not run.
    over: Option<(Graph<'c>, &'c ReachCache)>,
}

impl std::fmt::Debug for Texts<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Texts")
            .field("rules", &self.rules.len())
            .field("graph", &self.over.is_some())
            .finish()
    }
}

impl<'c> Texts<'c> {
    pub fn new(
        rules: &'c [CompiledRule],
        graph: Option<Graph<'c>>,
        reach: &'c ReachCache,
    ) -> Texts<'c> {
        Texts {
            rules,
            over: graph.map(|graph| (graph, reach)),
        }
    }

    /// Texts for findings that hold their own (drift findings, findings taken out of their
    /// compilation by [`Texts::hold`]).
    pub fn held() -> Texts<'static> {
        Texts {
            rules: &[],
            over: None,
        }
    }

    /// The compiled rule, graph and `reaches` answers a rule's finding is filled in from.
    fn rule(&self, finding: &Finding) -> Option<(&CompiledRule, &Graph<'c>, &ReachCache)> {
        let (graph, reach) = self.over.as_ref()?;
        let index = finding.rule.compiled?;
        Some((self.rules.get(index as usize)?, graph, reach))
    }

    /// Appends the finding's message to `out`.
    pub fn message_into(&self, finding: &Finding, out: &mut String) {
        if let Some(own) = finding.own_text() {
            out.push_str(&own.message);
        } else if let Some((rule, graph, reach)) = self.rule(finding) {
            rule.message_into(graph, reach, finding.item, out);
        }
    }

    /// Appends the finding's fix to `out`; false when it has none.
    pub fn fix_into(&self, finding: &Finding, out: &mut String) -> bool {
        if let Some(own) = finding.own_text() {
            let Some(fix) = &own.fix else { return false };
            out.push_str(fix);
            true
        } else if let Some((rule, graph, reach)) = self.rule(finding) {
            rule.fix_into(graph, reach, finding.item, out)
        } else {
            false
        }
    }

    pub fn message(&self, finding: &Finding) -> String {
        let mut text = String::new();
        self.message_into(finding, &mut text);
        text
    }

    pub fn fix(&self, finding: &Finding) -> Option<String> {
        let mut text = String::new();
        self.fix_into(finding, &mut text).then_some(text)
    }

    /// The finding holding its texts, to outlive its compilation (a threat diff compares the
    /// findings of two).
    pub fn hold(&self, finding: &Finding) -> Finding {
        let mut held = finding.clone();
        if finding.own_text().is_none() {
            held.set_text(self.message(finding), self.fix(finding));
        }
        held
    }
}

/// A finding with what fills in its texts; it serializes as the finding of `check`'s JSON
/// and, with its rule named by id alone, of the JSON report (`docs/report-schema.json`).
#[derive(Clone, Copy)]
pub struct Shown<'a> {
    pub finding: &'a Finding,
    pub texts: &'a Texts<'a>,
    pub rule: RuleShown,
}

/// How a shown finding names its rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleShown {
    /// With the rule's title, STRIDE categories and references: the finding stands alone.
    WithFacts,
    /// By its id alone: the document holds a table of the rules' facts.
    ById,
}

/// Each of `findings` with `texts`, standing alone.
pub fn shown<'a>(findings: &'a [Finding], texts: &'a Texts<'a>) -> Vec<Shown<'a>> {
    shown_naming(findings, texts, RuleShown::WithFacts)
}

/// Each of `findings` with `texts`, naming its rule as `rule` says.
pub fn shown_naming<'a>(
    findings: &'a [Finding],
    texts: &'a Texts<'a>,
    rule: RuleShown,
) -> Vec<Shown<'a>> {
    findings
        .iter()
        .map(|finding| Shown {
            finding,
            texts,
            rule,
        })
        .collect()
}

impl Serialize for Shown<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let finding = self.finding;
        let with_facts = self.rule == RuleShown::WithFacts;
        let fields = 9 + usize::from(finding.deployed().is_some()) + 3 * usize::from(with_facts);
        let mut out = serializer.serialize_struct("Finding", fields)?;
        out.serialize_field("id", &finding.id())?;
        out.serialize_field("rule", &finding.rule.id)?;
        if with_facts {
            out.serialize_field("title", &finding.rule.title)?;
            out.serialize_field("stride", &finding.rule.stride)?;
        }
        out.serialize_field("severity", &finding.severity)?;
        out.serialize_field("status", &finding.status)?;
        out.serialize_field("element", &finding.element)?;
        out.serialize_field("location", &finding.location)?;
        match finding.deployed() {
            Some(deployed) => out.serialize_field("deployed", deployed)?,
            None => out.skip_field("deployed")?,
        }
        let mut text = String::new();
        self.texts.message_into(finding, &mut text);
        out.serialize_field("message", &text)?;
        text.clear();
        let has_fix = self.texts.fix_into(finding, &mut text);
        out.serialize_field("fix", &has_fix.then_some(&text))?;
        if with_facts {
            out.serialize_field("refs", &finding.rule.refs)?;
        }
        out.serialize_field("note", &finding.note())?;
        out.end()
    }
}
