//! SARIF 2.1.0 for GitHub code scanning: one run, the rules as the driver's rule descriptors
//! (with help text from their documentation), one result per finding located at its element's
//! line and column, the stable finding id as the partial fingerprint, accepted risks as
//! in-source suppressions. Drift findings are located twice: in the model and in the template.

use super::ReportView;
use crate::drift::DriftCheck;
use crate::findings::{Finding, Location, Status, Texts};
use crate::rules::CompiledRule;
use crate::rules::severity::Severity;
use serde_json::{Value, json};

/// SARIF's level for a severity.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's `security-severity` score for a severity.
fn score(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.5",
    }
}

/// What SARIF says about a rule or drift check.
pub struct Descriptor {
    pub id: String,
    pub title: String,
    pub what: Option<String>,
    /// Plain text: what, why, fix, example, references.
    pub help: String,
    pub stride: Vec<String>,
    pub default: Severity,
}

impl From<&CompiledRule> for Descriptor {
    fn from(rule: &CompiledRule) -> Descriptor {
        let default = match rule.severity {
            crate::rules::severity::SeverityRule::Fixed(s) => s,
            crate::rules::severity::SeverityRule::Matrix { .. } => Severity::Medium,
        };
        let mut help = String::new();
        for (heading, text) in [
            ("What", &rule.what),
            ("Why", &rule.why),
            ("Fix", &rule.fix_text),
            ("Example", &rule.example),
        ] {
            if let Some(text) = text {
                help.push_str(&format!("{heading}: {text}\n"));
            }
        }
        if !rule.refs.is_empty() {
            help.push_str(&format!("References: {}\n", rule.refs.join(", ")));
        }
        Descriptor {
            id: rule.id.clone(),
            title: rule.title.clone(),
            what: rule.what.clone(),
            help,
            stride: rule.stride.to_vec(),
            default,
        }
    }
}

impl From<&DriftCheck> for Descriptor {
    fn from(check: &DriftCheck) -> Descriptor {
        Descriptor {
            id: check.id.to_string(),
            title: check.title.to_string(),
            what: Some(check.what.to_string()),
            help: format!("What: {}\n", check.what),
            stride: check.stride.iter().map(|s| s.to_string()).collect(),
            default: check.severity,
        }
    }
}

fn rule_descriptor(rule: &Descriptor) -> Value {
    let mut tags: Vec<String> = vec!["security".to_string(), "threat-model".to_string()];
    tags.extend(rule.stride.iter().cloned());
    json!({
        "id": rule.id,
        "name": rule.id.replace('-', ""),
        "shortDescription": { "text": rule.title },
        "fullDescription": { "text": rule.what.clone().unwrap_or_else(|| rule.title.clone()) },
        "help": { "text": rule.help },
        "defaultConfiguration": { "level": level(rule.default) },
        "properties": {
            "tags": tags,
            "security-severity": score(rule.default),
        },
    })
}

/// A SARIF location: a file, line and column, named by the element or resource it shows.
fn location(at: &Location, name: &str, kind: &str) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": at.file },
            "region": { "startLine": at.line, "startColumn": at.column },
        },
        "logicalLocations": [{ "name": name, "kind": kind }],
    })
}

/// The report of a model's rule findings.
pub fn render(view: &ReportView, rules: &[CompiledRule]) -> String {
    let descriptors: Vec<Descriptor> = rules.iter().map(Descriptor::from).collect();
    render_findings(view.findings, &view.texts, &descriptors)
}

/// Findings as one SARIF run, with the descriptors of the rules or checks they come from. A
/// drift finding is located in the model and in the template (`locations` in that order).
///
/// Each result is built as it is written, so a model with many findings is never held as one
/// JSON tree. The keys come out in alphabetical order, as they always have.
pub fn render_findings(findings: &[Finding], texts: &Texts, rules: &[Descriptor]) -> String {
    let mut used: Vec<&Descriptor> = rules
        .iter()
        .filter(|r| findings.iter().any(|f| f.rule.id == r.id))
        .collect();
    used.sort_by(|a, b| a.id.cmp(&b.id));
    let descriptors: Vec<Value> = used.iter().map(|r| rule_descriptor(r)).collect();
    let document = Document {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        runs: [Run {
            column_kind: "unicodeCodePoints",
            results: Results {
                findings,
                texts,
                used: &used,
            },
            tool: json!({
                "driver": {
                    "name": "threatflow",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": descriptors,
                },
            }),
        }],
        version: "2.1.0",
    };
    let mut text = serde_json::to_string_pretty(&document).expect("SARIF serializes");
    text.push('\n');
    text
}

/// The SARIF log, its fields in alphabetical order.
#[derive(serde::Serialize)]
struct Document<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [Run<'a>; 1],
    version: &'static str,
}

/// The one run, its fields in alphabetical order.
#[derive(serde::Serialize)]
struct Run<'a> {
    #[serde(rename = "columnKind")]
    column_kind: &'static str,
    results: Results<'a>,
    tool: Value,
}

/// The results, each made from its finding while it is written.
struct Results<'a> {
    findings: &'a [Finding],
    texts: &'a Texts<'a>,
    used: &'a [&'a Descriptor],
}

impl serde::Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            self.findings
                .iter()
                .map(|finding| result(finding, self.texts, self.used)),
        )
    }
}

/// The SARIF result of one finding.
fn result(finding: &Finding, texts: &Texts, used: &[&Descriptor]) -> Value {
    let index = used.iter().position(|r| r.id == finding.rule.id);
    let mut message = texts.message(finding);
    if let Some(fix) = texts.fix(finding) {
        message.push_str(&format!(" Fix: {fix}"));
    }
    let mut locations = vec![location(&finding.location, &finding.element, "element")];
    if let Some(deployed) = finding.deployed()
        && *deployed != finding.location
    {
        locations[0]["message"] = json!({ "text": "in the model" });
        let mut template = location(deployed, &finding.element, "resource");
        template["message"] = json!({ "text": "in the deployed template" });
        locations.push(template);
    }
    let mut result = json!({
        "ruleId": finding.rule.id,
        "level": level(finding.severity),
        "message": { "text": message },
        "locations": locations,
        "partialFingerprints": { "threatflowFindingId/v1": finding.id().to_string() },
        "properties": {
            "severity": finding.severity.as_str(),
            "security-severity": score(finding.severity),
            "stride": finding.rule.stride,
            "status": finding.status,
        },
    });
    if let Some(index) = index {
        result["ruleIndex"] = json!(index);
    }
    if finding.status == Status::Accepted {
        result["suppressions"] = json!([{
            "kind": "inSource",
            "justification": finding.note().unwrap_or_default(),
        }]);
    }
    result
}
