//! Threat diffs between two versions of a model, for reviews: open findings added, resolved
//! and changed in severity, elements and flows added and removed. Findings are matched by
//! their stable ids, elements by name and flows by their ids, so a reordered model diffs empty.

use super::ReportView;
use crate::escape;
use crate::findings::{Finding, FindingId, Status, Texts};
use crate::rules::severity::Severity;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

#[derive(Clone, Debug, Serialize)]
pub struct SeverityChange {
    pub id: String,
    pub title: String,
    pub before: Severity,
    pub after: Severity,
    pub message: String,
}

/// The findings added and resolved hold their texts ([`Texts::hold`]): they outlive the two
/// compilations compared.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Diff {
    #[serde(serialize_with = "held")]
    pub findings_added: Vec<Finding>,
    #[serde(serialize_with = "held")]
    pub findings_resolved: Vec<Finding>,
    pub severity_changed: Vec<SeverityChange>,
    pub elements_added: Vec<String>,
    pub elements_removed: Vec<String>,
    pub flows_added: Vec<String>,
    pub flows_removed: Vec<String>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.findings_added.is_empty()
            && self.findings_resolved.is_empty()
            && self.severity_changed.is_empty()
            && self.elements_added.is_empty()
            && self.elements_removed.is_empty()
            && self.flows_added.is_empty()
            && self.flows_removed.is_empty()
    }

    /// Whether the change adds an open finding at or above `threshold` (a new finding, or one
    /// whose severity rose to it).
    pub fn adds_at_least(&self, threshold: Severity) -> bool {
        self.findings_added.iter().any(|f| f.severity >= threshold)
            || self
                .severity_changed
                .iter()
                .any(|c| c.after >= threshold && c.before < threshold)
    }
}

/// Findings that hold their texts, serialized as the JSON report's findings.
fn held<S: serde::Serializer>(findings: &[Finding], serializer: S) -> Result<S::Ok, S::Error> {
    crate::findings::shown(findings, &Texts::held()).serialize(serializer)
}

/// The message of a finding that holds its texts.
fn message(finding: &Finding) -> String {
    Texts::held().message(finding)
}

fn open<'v>(view: &ReportView<'v>) -> BTreeMap<FindingId<'v>, &'v Finding> {
    view.findings
        .iter()
        .filter(|f| f.status != Status::Accepted)
        .map(|f| (f.id(), f))
        .collect()
}

fn added_and_removed(base: Vec<&str>, head: Vec<&str>) -> (Vec<String>, Vec<String>) {
    let added = head
        .iter()
        .filter(|h| !base.contains(h))
        .map(|s| s.to_string())
        .collect();
    let removed = base
        .iter()
        .filter(|b| !head.contains(b))
        .map(|s| s.to_string())
        .collect();
    (added, removed)
}

/// What changed from `base` to `head`.
pub fn compare(base: &ReportView, head: &ReportView) -> Diff {
    let (before, after) = (open(base), open(head));
    let mut diff = Diff::default();
    for (id, finding) in &after {
        match before.get(id) {
            None => diff.findings_added.push(head.texts.hold(finding)),
            Some(old) if old.severity != finding.severity => {
                diff.severity_changed.push(SeverityChange {
                    id: id.to_string(),
                    title: finding.rule.title.clone(),
                    before: old.severity,
                    after: finding.severity,
                    message: head.texts.message(finding),
                })
            }
            Some(_) => {}
        }
    }
    for (id, finding) in &before {
        if !after.contains_key(id) {
            diff.findings_resolved.push(base.texts.hold(finding));
        }
    }
    let by_severity = |a: &Finding, b: &Finding| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.id().cmp(&b.id()))
    };
    diff.findings_added.sort_by(by_severity);
    diff.findings_resolved.sort_by(by_severity);
    let names =
        |v: &ReportView| -> Vec<String> { v.elements.iter().map(|e| e.path.to_string()).collect() };
    let (base_elements, head_elements) = (names(base), names(head));
    (diff.elements_added, diff.elements_removed) = added_and_removed(
        base_elements.iter().map(String::as_str).collect(),
        head_elements.iter().map(String::as_str).collect(),
    );
    (diff.flows_added, diff.flows_removed) = added_and_removed(
        base.flows.iter().map(|f| &*f.id).collect(),
        head.flows.iter().map(|f| &*f.id).collect(),
    );
    diff
}

/// The diff for a terminal: one line per change.
pub fn render_text(diff: &Diff) -> String {
    if diff.is_empty() {
        return "No changes in threats, elements or flows.\n".to_string();
    }
    let mut out = String::new();
    for f in &diff.findings_added {
        let _ = writeln!(
            out,
            "+ {:<8} {}  {}",
            f.severity.as_str(),
            f.id(),
            message(f)
        );
    }
    for c in &diff.severity_changed {
        let _ = writeln!(
            out,
            "~ {:<8} {}  {} -> {}: {}",
            c.after.as_str(),
            c.id,
            c.before.as_str(),
            c.after.as_str(),
            c.message
        );
    }
    for f in &diff.findings_resolved {
        let _ = writeln!(out, "- {:<8} {}  resolved", f.severity.as_str(), f.id());
    }
    for e in &diff.elements_added {
        let _ = writeln!(out, "+ element  {e}");
    }
    for e in &diff.elements_removed {
        let _ = writeln!(out, "- element  {e}");
    }
    for f in &diff.flows_added {
        let _ = writeln!(out, "+ flow     {f}");
    }
    for f in &diff.flows_removed {
        let _ = writeln!(out, "- flow     {f}");
    }
    let _ = writeln!(
        out,
        "{} new, {} resolved, {} changed in severity",
        diff.findings_added.len(),
        diff.findings_resolved.len(),
        diff.severity_changed.len()
    );
    out
}

/// The diff as a pull-request comment.
pub fn render_markdown(diff: &Diff) -> String {
    let mut out = String::from("## Threat model changes\n\n");
    if diff.is_empty() {
        out.push_str("No changes in threats, elements or flows.\n");
        return out;
    }
    let _ = writeln!(
        out,
        "{} new, {} resolved, {} changed in severity.\n",
        diff.findings_added.len(),
        diff.findings_resolved.len(),
        diff.severity_changed.len()
    );
    let table = |out: &mut String, title: &str, rows: Vec<[String; 3]>| {
        if rows.is_empty() {
            return;
        }
        let _ = writeln!(
            out,
            "### {title}\n\n| Severity | Finding | Details |\n|---|---|---|"
        );
        for [a, b, c] in rows {
            let _ = writeln!(
                out,
                "| {a} | {} | {} |",
                escape::markdown(&b),
                escape::markdown(&c)
            );
        }
        out.push('\n');
    };
    table(
        &mut out,
        "New findings",
        diff.findings_added
            .iter()
            .map(|f| {
                [
                    f.severity.as_str().to_string(),
                    f.id().to_string(),
                    message(f),
                ]
            })
            .collect(),
    );
    table(
        &mut out,
        "Severity changed",
        diff.severity_changed
            .iter()
            .map(|c| {
                [
                    format!("{} → {}", c.before.as_str(), c.after.as_str()),
                    c.id.clone(),
                    c.message.clone(),
                ]
            })
            .collect(),
    );
    table(
        &mut out,
        "Resolved findings",
        diff.findings_resolved
            .iter()
            .map(|f| {
                [
                    f.severity.as_str().to_string(),
                    f.id().to_string(),
                    f.rule.title.clone(),
                ]
            })
            .collect(),
    );
    let list = |out: &mut String, title: &str, items: &[String]| {
        if !items.is_empty() {
            let _ = writeln!(out, "### {title}\n");
            for item in items {
                let _ = writeln!(out, "- {}", escape::markdown(item));
            }
            out.push('\n');
        }
    };
    list(&mut out, "Elements added", &diff.elements_added);
    list(&mut out, "Elements removed", &diff.elements_removed);
    list(&mut out, "Flows added", &diff.flows_added);
    list(&mut out, "Flows removed", &diff.flows_removed);
    format!("{}\n", out.trim_end())
}

pub fn render_json(diff: &Diff) -> String {
    let mut text = serde_json::to_string_pretty(diff).expect("the diff serializes");
    text.push('\n');
    text
}
