//! Terminal rendering of findings: grouped by severity, each with its element's declaration
//! underlined, then accepted risks in one line each, then a summary line.

use super::render_plain::PlainRenderer;
use super::{Finding, LeftOut, RuleFacts, Status, Texts};
use crate::diagnostic::ColorChoice;
use crate::rules::severity::Severity;
use crate::source::SourceMap;
use ariadne::{Color, Config, IndexType, Label, Report, ReportKind};
use foldhash::HashMap;
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
    write_findings_limited(out, findings, &[], sources, texts, color, None).map(|_| ())
}

/// Writes findings as [`write_findings`] does, but at most `per_rule` of each rule in full
/// within a severity group (when given): the others of that rule are counted in one line after
/// the group, `… 4,990 more STR-001 findings (title)`, with the `left_out` of that severity
/// (findings counted but never made, see [`Keep`](super::Keep)). The group headings count
/// every finding. Returns how many findings were counted instead of printed.
pub fn write_findings_limited<'f>(
    out: &mut impl std::io::Write,
    findings: &'f [Finding],
    left_out: &'f [LeftOut],
    sources: &SourceMap,
    texts: &Texts,
    color: ColorChoice,
    per_rule: Option<usize>,
) -> std::io::Result<usize> {
    let plain = PlainRenderer::new(sources);
    let mut not_printed = 0;
    // The open findings sorted into their severities in one pass over them (a large model has
    // millions).
    let mut groups: [Group; Severity::ALL.len()] = Default::default();
    for finding in findings.iter().filter(|f| f.status.is_open()) {
        groups[finding.severity.position()].add(finding, per_rule);
    }
    for left_out in left_out {
        groups[left_out.severity.position()].count(&left_out.rule, left_out.count);
    }
    for (severity, group) in Severity::ALL.into_iter().zip(groups) {
        let Group {
            total,
            shown: group,
            rules,
            ..
        } = group;
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
                finding.note().unwrap_or("accepted")
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

/// The open findings of one severity while they are sorted out: how many there are, those
/// printed in full, and its rules in the order they first appear, each with how many of its
/// findings were printed and how many left out.
#[derive(Default)]
struct Group<'f> {
    total: usize,
    shown: Vec<&'f Finding>,
    rules: Vec<(&'f RuleFacts, usize, usize)>,
    /// Where each rule is in `rules`, by id (a drift finding holds its own copy of its
    /// check's facts, so the facts' address does not tell rules apart).
    place: HashMap<&'f str, usize>,
    /// The facts of the last finding added and their place: findings of one rule mostly come
    /// together, and are then not looked up.
    last: Option<(&'f RuleFacts, usize)>,
}

impl<'f> Group<'f> {
    /// Counts `finding`; keeps it to print unless `per_rule` of its rule are kept already.
    fn add(&mut self, finding: &'f Finding, per_rule: Option<usize>) {
        self.total += 1;
        let Some(limit) = per_rule else {
            self.shown.push(finding);
            return;
        };
        let index = self.place_of(&finding.rule);
        let (_, printed, left_out) = &mut self.rules[index];
        if *printed < limit {
            *printed += 1;
            self.shown.push(finding);
        } else {
            *left_out += 1;
        }
    }

    /// Counts `count` findings of the rule `facts` that were left out without being made.
    fn count(&mut self, facts: &'f RuleFacts, count: usize) {
        self.total += count;
        let index = self.place_of(facts);
        self.rules[index].2 += count;
    }

    /// Where the rule `facts` is in `rules`, added at the end when it is not there yet.
    fn place_of(&mut self, facts: &'f RuleFacts) -> usize {
        match self.last {
            Some((last, index)) if std::ptr::eq(last, facts) => index,
            _ => {
                let rules = &mut self.rules;
                let index = *self.place.entry(&facts.id).or_insert_with(|| {
                    rules.push((facts, 0, 0));
                    rules.len() - 1
                });
                self.last = Some((facts, index));
                index
            }
        }
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

/// "3 findings (1 high, 2 medium), 1 accepted": the findings made and those `left_out`.
pub fn summary(findings: &[Finding], left_out: &[LeftOut]) -> String {
    // Counted in one pass over the findings.
    let mut open_per_severity = [0usize; Severity::ALL.len()];
    let mut accepted = 0;
    for finding in findings {
        if finding.status.is_open() {
            open_per_severity[finding.severity.position()] += 1;
        } else {
            accepted += 1;
        }
    }
    for left_out in left_out {
        open_per_severity[left_out.severity.position()] += left_out.count;
    }
    let mut parts = Vec::new();
    for (severity, n) in Severity::ALL.into_iter().zip(open_per_severity) {
        if n > 0 {
            parts.push(format!("{n} {}", severity.as_str()));
        }
    }
    let open: usize = open_per_severity.iter().sum();
    let mut text = format!("{open} finding{}", if open == 1 { "" } else { "s" });
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
    if let Some(extra) = finding.note() {
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
    use super::{count_of_findings, summary, thousands, write_findings_limited};
    use crate::diagnostic::ColorChoice;
    use crate::findings::{Finding, Location, RuleFacts, Status, Texts};
    use crate::rules::Item;
    use crate::rules::severity::Severity;
    use crate::source::{SourceFile, SourceMap};
    use crate::span::Span;
    use std::sync::Arc;

    /// The finding, saying `ELEMENT is wrong`.
    fn wrong(mut finding: Finding, element: &str) -> Finding {
        finding.set_text(format!("{element} is wrong"), None::<String>);
        finding
    }

    /// A finding of rule `id` on `element`, holding its own copy of the rule's facts (as
    /// drift findings do).
    fn finding(sources: &SourceMap, id: &str, element: &str) -> Finding {
        let span = Span::new(crate::span::FileId(0), 6, 7);
        let finding = Finding {
            rule: Arc::new(RuleFacts {
                id: id.to_string(),
                title: format!("title of {id}"),
                stride: Vec::new(),
                refs: Vec::new(),
                compiled: None,
            }),
            severity: Severity::High,
            status: Status::Active,
            element: element.into(),
            location: Location::of(sources, span),
            extra: None,
            item: Item::Resource,
            span,
        };
        wrong(finding, element)
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
            &[],
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
    fn findings_of_every_severity_are_grouped_and_counted_in_one_pass() {
        let mut sources = SourceMap::new();
        sources.add(SourceFile::new("m.flow", "actor a\n"));
        let one = finding(&sources, "R-1", "a");
        let other = finding(&sources, "R-2", "x");
        // Findings of R-1 sharing one copy of its facts, interrupted by R-2's, of several
        // severities, and one accepted.
        let like = |base: &Finding, element: &str, severity: Severity, status: Status| {
            let finding = Finding {
                element: element.into(),
                severity,
                status,
                ..base.clone()
            };
            wrong(finding, element)
        };
        let findings = vec![
            like(&one, "a", Severity::Low, Status::Active),
            like(&one, "b", Severity::High, Status::Active),
            like(&other, "x", Severity::High, Status::Active),
            like(&one, "c", Severity::High, Status::Expired),
            like(&one, "d", Severity::High, Status::Active),
            like(&other, "y", Severity::Low, Status::Accepted),
        ];
        let mut out = Vec::new();
        let texts = Texts::held();
        let not_printed = write_findings_limited(
            &mut out,
            &findings,
            &[],
            &sources,
            &texts,
            ColorChoice::Never,
            Some(1),
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(not_printed, 2, "{text}");
        let high = text.find("── high (4) ──").expect("a high group");
        let low = text.find("── low (1) ──").expect("a low group");
        assert!(high < low, "{text}");
        assert!(
            text.contains("… 2 more R-1 findings (title of R-1)\n"),
            "{text}"
        );
        assert!(!text.contains("more R-2"), "{text}");
        assert!(text.contains("── accepted (1) ──"), "{text}");
        assert_eq!(
            summary(&findings, &[]),
            "5 findings (4 high, 1 low), 1 accepted"
        );
        assert_eq!(summary(&findings[..1], &[]), "1 finding (1 low)");
        assert_eq!(summary(&[], &[]), "0 findings");
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
