//! A rule's documentation as `threatflow explain` prints it, and its one-line description as
//! `threatflow rules` lists it.

use super::CompiledRule;
use super::severity::SeverityRule;
use crate::model::{Model, Subject};
use serde::Serialize;

impl SeverityRule {
    /// `high`, or `impact data × likelihood exposure`.
    pub fn describe(&self) -> String {
        match self {
            SeverityRule::Fixed(severity) => severity.as_str().to_string(),
            SeverityRule::Matrix { impact, likelihood } => {
                let level = |l: &Option<super::severity::Level>, derived: &str| match l {
                    Some(level) => format!("{level:?}").to_lowercase(),
                    None => derived.to_string(),
                };
                format!(
                    "impact {} × likelihood {}",
                    level(impact, "data"),
                    level(likelihood, "exposure")
                )
            }
        }
    }
}

/// What a rule ranges over, in words.
pub fn subject_name(model: &Model, subject: Subject) -> String {
    match subject {
        Subject::Elements => "element".to_string(),
        Subject::Flows => "flow".to_string(),
        Subject::Role(role) => model.role(role).name.clone(),
        Subject::Kind(kind) => model.kind(kind).name.clone(),
    }
}

/// One line of `threatflow rules --format json`.
#[derive(Serialize)]
pub struct RuleSummary {
    pub id: String,
    pub title: String,
    pub stride: Vec<String>,
    pub severity: String,
    pub applies_to: String,
    pub source: String,
}

pub fn summarize(model: &Model, rule: &CompiledRule) -> RuleSummary {
    RuleSummary {
        id: rule.id.clone(),
        title: rule.title.clone(),
        stride: rule.stride.to_vec(),
        severity: rule.severity.describe(),
        applies_to: subject_name(model, rule.subject),
        source: rule.file.clone(),
    }
}

/// The full documentation of a rule.
pub fn explain(model: &Model, rule: &CompiledRule) -> String {
    let mut out = format!("{}: {}\n\n", rule.id, rule.title);
    out.push_str(&format!(
        "  applies to  {}\n",
        subject_name(model, rule.subject)
    ));
    out.push_str(&format!("  stride      {}\n", rule.stride.join(", ")));
    out.push_str(&format!("  severity    {}\n", rule.severity.describe()));
    out.push_str(&format!("  defined in  {}\n", rule.file));
    let sections = [
        ("What", rule.what.as_deref()),
        ("Why", rule.why.as_deref()),
        ("Example", rule.example.as_deref()),
        ("Finding", Some(rule.message_text.as_str())),
        ("Fix", rule.fix_text.as_deref()),
    ];
    for (heading, text) in sections {
        if let Some(text) = text {
            out.push_str(&format!("\n{heading}\n"));
            for line in text.lines() {
                out.push_str(&format!("  {line}\n"));
            }
        }
    }
    if !rule.refs.is_empty() {
        out.push_str(&format!("\nReferences\n  {}\n", rule.refs.join(", ")));
    }
    out
}
