//! Terminal rendering of findings: grouped by severity, each with its element's declaration
//! underlined, then accepted risks in one line each, then a summary line.

use super::render_plain::PlainRenderer;
use super::{Finding, RuleFacts, Status, Texts};
use crate::diagnostic::ColorChoice;
use crate::rules::severity::Severity;
use crate::source::SourceMap;
use ariadne::{Color, Config, IndexType, Label, Report, ReportKind};
use foldhash::{HashMap, HashMapExt};
use rayon::prelude::*;

/// Renders findings the way `threatflow check` prints them, their texts filled in by `texts`.
pub fn render_findings(
    findings: &[Finding],
    sources: &SourceMap,
    texts: &Texts,
    color: ColorChoice,
) -> String {
    let mut out = Vec::new();
    write_findings(&mut out, findings, sources, texts, color).expect("writing to memory succeeds");
    String::from_utf8(out).expect("findings render as UTF-8")
}

/// Writes findings as [`render_findings`] renders them, a batch at a time, so a model with
/// millions of findings is printed without holding all of its text; the findings of a batch
/// are rendered on every core and written in order.
pub fn write_findings(
    out: &mut impl std::io::Write,
    findings: &[Finding],
    sources: &SourceMap,
    texts: &Texts,
    color: ColorChoice,
) -> std::io::Result<()> {
    write_findings_limited(out, findings, sources, texts, color, None).map(|_| ())
}

/// Writes findings as [`write_findings`] does, but at most `per_rule` of each rule in full
/// within a severity group (when given): the others of that rule are counted in one line after
/// the group, `… 4,990 more STR-001 findings (title)`. The group headings count every finding.
/// Returns how many findings were counted instead of printed.
pub fn write_findings_limited(
    out: &mut impl std::io::Write,
    findings: &[Finding],
    sources: &SourceMap,
    texts: &Texts,
    color: ColorChoice,
    per_rule: Option<usize>,
) -> std::io::Result<usize> {
    let plain = PlainRenderer::new(sources);
    let mut not_printed = 0;
    for severity in Severity::ALL {
        let mut total = 0;
        let mut group: Vec<&Finding> = Vec::new();
        // The rules of the group in the order they first appear, each with how many of its
        // findings were printed and how many left out; rules are told apart by id (a drift
        // finding holds its own copy of its check's facts).
        let mut rules: Vec<(&RuleFacts, usize, usize)> = Vec::new();
        let mut place: HashMap<&str, usize> = HashMap::new();
        for finding in findings
            .iter()
            .filter(|f| f.severity == severity && f.status.is_open())
        {
            total += 1;
            let Some(limit) = per_rule else {
                group.push(finding);
                continue;
            };
            let index = *place.entry(&finding.rule.id).or_insert_with(|| {
                rules.push((&finding.rule, 0, 0));
                rules.len() - 1
            });
            let (_, printed, left_out) = &mut rules[index];
            if *printed < limit {
                *printed += 1;
                group.push(finding);
            } else {
                *left_out += 1;
            }
        }
        if total == 0 {
            continue;
        }
        writeln!(out, "── {} ({}) ──", severity.as_str(), total)?;
        for batch in group.chunks(BATCH) {
            let texts: Vec<String> = batch
                .par_chunks(PIECE)
                .map(|piece| {
                    // ariadne's copy of the sources is made only where a finding needs it.
                    let mut cache = None;
                    let mut text = String::new();
                    for finding in piece {
                        if color == ColorChoice::Never
                            && plain.render_into(finding, sources, texts, &mut text)
                        {
                            continue;
                        }
                        let cache = cache.get_or_insert_with(|| ariadne_sources(sources));
                        for line in render_one(finding, sources, texts, cache, color).lines() {
                            text.push_str(line.trim_end());
                            text.push('\n');
                        }
                    }
                    text
                })
                .collect();
            for text in texts {
                out.write_all(text.as_bytes())?;
            }
        }
        for &(rule, _, left_out) in rules.iter().filter(|(_, _, left_out)| *left_out > 0) {
            not_printed += left_out;
            let (count, word) = count_of_findings(left_out);
            writeln!(out, "… {count} more {} {word} ({})", rule.id, rule.title)?;
        }
    }
    let accepted: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.status == Status::Accepted)
        .collect();
    if !accepted.is_empty() {
        writeln!(out, "── accepted ({}) ──", accepted.len())?;
        for finding in accepted {
            writeln!(
                out,
                "{} ({}): {}",
                finding.id(),
                finding.severity.as_str(),
                finding.note.as_deref().unwrap_or("accepted")
            )?;
        }
    }
    Ok(not_printed)
}

/// The two ways of printing one finding without colour, for the test that holds them
/// together: through ariadne (the reference) and the fast path (`None` where it does not
/// apply).
#[doc(hidden)]
pub mod reference {
    use super::*;

    /// Each finding through ariadne.
    pub fn ariadne(findings: &[Finding], sources: &SourceMap, texts: &Texts) -> Vec<String> {
        let mut cache = ariadne_sources(sources);
        findings
            .iter()
            .map(|finding| render_one(finding, sources, texts, &mut cache, ColorChoice::Never))
            .collect()
    }

    /// Each finding the fast way, `None` where it does not apply.
    pub fn plain(findings: &[Finding], sources: &SourceMap, texts: &Texts) -> Vec<Option<String>> {
        let renderer = PlainRenderer::new(sources);
        findings
            .iter()
            .map(|finding| renderer.render(finding, sources, texts))
            .collect()
    }
}

/// How many findings are rendered before their text is written.
const BATCH: usize = 8192;

/// How many findings one task renders.
const PIECE: usize = 1024;

/// The sources as ariadne reads them.
fn ariadne_sources(sources: &SourceMap) -> impl ariadne::Cache<String> + '_ {
    ariadne::sources(
        sources
            .files()
            .map(|(_, file)| (file.name.to_string(), file.text.as_str())),
    )
}

/// "3 findings: 1 high, 2 medium; 1 accepted"
pub fn summary(findings: &[Finding]) -> String {
    let open: Vec<&Finding> = findings.iter().filter(|f| f.status.is_open()).collect();
    let mut parts = Vec::new();
    for severity in Severity::ALL {
        let n = open.iter().filter(|f| f.severity == severity).count();
        if n > 0 {
            parts.push(format!("{n} {}", severity.as_str()));
        }
    }
    let accepted = findings.len() - open.len();
    let mut text = format!(
        "{} finding{}",
        open.len(),
        if open.len() == 1 { "" } else { "s" }
    );
    if !parts.is_empty() {
        text.push_str(&format!(" ({})", parts.join(", ")));
    }
    if accepted > 0 {
        text.push_str(&format!(", {accepted} accepted"));
    }
    text
}

fn render_one(
    finding: &Finding,
    sources: &SourceMap,
    texts: &Texts,
    cache: &mut impl ariadne::Cache<String>,
    color: ColorChoice,
) -> String {
    let tint = match finding.severity {
        Severity::Critical | Severity::High => Color::Red,
        Severity::Medium => Color::Yellow,
        Severity::Low | Severity::Info => Color::Blue,
    };
    let kind = ReportKind::Custom(finding.severity.as_str(), tint);
    let message = texts.message(finding);
    let name = sources.get(finding.span.file).name.to_string();
    let config = Config::default()
        .with_color(color == ColorChoice::Always)
        .with_index_type(IndexType::Byte);
    let mut report = Report::build(kind, (name.clone(), finding.span.range()))
        .with_config(config)
        .with_code(&finding.rule.id)
        .with_message(&finding.rule.title)
        .with_label(Label::new((name, finding.span.range())).with_message(&message));
    if let Some(fix) = texts.fix(finding) {
        report = report.with_help(fix);
    }
    let mut note = format!("{} · {}", finding.id(), finding.rule.stride.join(", "));
    if let Some(extra) = &finding.note {
        note.push_str(&format!(" · {extra}"));
    }
    report = report.with_note(note);
    let mut buffer = Vec::new();
    if report.finish().write(cache, &mut buffer).is_err() {
        return format!(
            "[{}] {}: {} ({}:{}:{})\n",
            finding.rule.id,
            finding.severity.as_str(),
            message,
            finding.location.file,
            finding.location.line,
            finding.location.column
        );
    }
    let text = String::from_utf8_lossy(&buffer).into_owned();
    // ariadne colours the header of a custom report kind even with colour off.
    match color {
        ColorChoice::Always => text,
        ColorChoice::Never => strip_ansi(&text),
    }
}

/// Removes ANSI colour sequences (`ESC [ … m`).
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for next in chars.by_ref() {
                if next.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A number of findings as printed: the count grouped by thousands and the word, `1 finding`
/// or `4,249,991 findings`, as its two parts.
pub fn count_of_findings(n: usize) -> (String, &'static str) {
    (thousands(n), if n == 1 { "finding" } else { "findings" })
}

/// `4249991` as `4,249,991`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{count_of_findings, thousands, write_findings_limited};
    use crate::diagnostic::ColorChoice;
    use crate::findings::{Finding, Location, RuleFacts, Status, Text, Texts};
    use crate::rules::Item;
    use crate::rules::severity::Severity;
    use crate::source::{SourceFile, SourceMap};
    use crate::span::Span;
    use std::sync::Arc;

    /// A finding of rule `id` on `element`, holding its own copy of the rule's facts (as
    /// drift findings do).
    fn finding(sources: &SourceMap, id: &str, element: &str) -> Finding {
        let span = Span::new(crate::span::FileId(0), 6, 7);
        Finding {
            rule: Arc::new(RuleFacts {
                id: id.to_string(),
                title: format!("title of {id}"),
                stride: Vec::new(),
                refs: Vec::new(),
            }),
            severity: Severity::High,
            status: Status::Active,
            element: element.into(),
            location: Location::of(sources, span),
            deployed: None,
            text: Text::own(format!("{element} is wrong"), None::<String>),
            note: None,
            item: Item::Resource,
            span,
        }
    }

    #[test]
    fn the_limit_counts_findings_by_rule_id_not_by_their_copy_of_the_facts() {
        let mut sources = SourceMap::new();
        sources.add(SourceFile::new("m.flow", "actor a\n"));
        let findings: Vec<Finding> = ["a", "b", "c", "d"]
            .iter()
            .map(|e| finding(&sources, "DRIFT-1", e))
            .chain([finding(&sources, "DRIFT-2", "e")])
            .collect();
        let mut out = Vec::new();
        let texts = Texts::held();
        let not_printed = write_findings_limited(
            &mut out,
            &findings,
            &sources,
            &texts,
            ColorChoice::Never,
            Some(2),
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(not_printed, 2, "{text}");
        assert!(text.contains("── high (5) ──"), "{text}");
        assert_eq!(text.matches("is wrong").count(), 3, "{text}");
        assert!(
            text.contains("b is wrong") && !text.contains("c is wrong"),
            "{text}"
        );
        assert!(
            text.contains("… 2 more DRIFT-1 findings (title of DRIFT-1)\n"),
            "{text}"
        );
        assert!(!text.contains("more DRIFT-2"), "{text}");
    }

    #[test]
    fn counts_are_grouped_by_thousands() {
        for (n, text) in [
            (0, "0"),
            (7, "7"),
            (999, "999"),
            (1000, "1,000"),
            (25410, "25,410"),
            (4249991, "4,249,991"),
        ] {
            assert_eq!(thousands(n), text);
        }
        assert_eq!(count_of_findings(1), ("1".to_string(), "finding"));
        assert_eq!(count_of_findings(1200), ("1,200".to_string(), "findings"));
    }
}
