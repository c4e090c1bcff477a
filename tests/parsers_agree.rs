//! The fast hand-written parser and the reference pest parser build the same syntax tree:
//! whenever the fast one returns a tree, pest parses the text without a diagnostic and to an
//! equal tree (spans included); on every bundled file that pest reads cleanly, the fast one
//! does not give up. The same holds for the fast parser run in pieces, cut before every line
//! where it may cut. Checked on every `.flow` file in the repository and on thousands of
//! mutations of them, which mostly are not well-formed.

mod support;

use std::path::PathBuf;
use support::mutate::{Lcg, mutate};
use threatflow::span::FileId;
use threatflow::syntax::reference;
use threatflow::syntax::scan::scan;

#[derive(Debug, PartialEq)]
enum Outcome {
    /// The lexical pre-pass refused the text: neither parser runs.
    Unscanned,
    /// The fast parser gave up; pest reported this many diagnostics.
    GaveUp(usize),
    /// Both built the same tree.
    Agreed,
    /// The fast parser built pest's tree from the whole text, but gave up in pieces.
    AgreedWhole,
}

/// Asserts that a tree of the fast parser's (`how`) is pest's, and pest reported nothing.
fn assert_same(
    what: &str,
    how: &str,
    text: &str,
    fast: &threatflow::syntax::ast::File,
    pest: &(
        threatflow::syntax::ast::File,
        Vec<threatflow::diagnostic::Diagnostic>,
    ),
) {
    let (tree, diagnostics) = pest;
    assert!(
        diagnostics.is_empty(),
        "{what}: the fast parser ({how}) accepted text pest reports: {:?}\n---\n{text}",
        diagnostics.iter().map(|d| &d.message).collect::<Vec<_>>()
    );
    if fast != tree {
        panic!(
            "{what}: the trees differ ({how})\n{}",
            first_difference(fast, tree)
        );
    }
}

fn compare(what: &str, text: &str) -> Outcome {
    if scan(FileId(0), text)
        .diagnostics
        .iter()
        .any(|d| d.is_error())
    {
        return Outcome::Unscanned;
    }
    let pest = reference::pest(FileId(0), text);
    // Cut wherever it may: every piece as small as can be.
    let pieces = reference::fast_in_pieces(FileId(0), text, 1).expect("the text was scanned");
    if let Some(fast) = &pieces {
        assert_same(what, "in pieces", text, fast, &pest);
    }
    match reference::fast(FileId(0), text) {
        Some(fast) => {
            assert_same(what, "whole", text, &fast, &pest);
            if pieces.is_some() {
                Outcome::Agreed
            } else {
                Outcome::AgreedWhole
            }
        }
        None => Outcome::GaveUp(pest.1.len()),
    }
}

/// The first line where the two trees' debug forms differ, with a little context.
fn first_difference(fast: &impl std::fmt::Debug, pest: &impl std::fmt::Debug) -> String {
    let (fast, pest) = (format!("{fast:#?}"), format!("{pest:#?}"));
    let (fast, pest): (Vec<&str>, Vec<&str>) = (fast.lines().collect(), pest.lines().collect());
    let at = (0..fast.len().min(pest.len()))
        .find(|&i| fast[i] != pest[i])
        .unwrap_or(fast.len().min(pest.len()));
    let from = at.saturating_sub(12);
    format!(
        "pest:\n{}\nfast:\n{}",
        pest[from..(at + 3).min(pest.len())].join("\n"),
        fast[from..(at + 3).min(fast.len())].join("\n")
    )
}

fn repository_files() -> Vec<(PathBuf, String)> {
    support::flow_files_under(&["examples", "stdlib", "tests", "docs"])
        .into_iter()
        .filter_map(|path| {
            let text = String::from_utf8(std::fs::read(&path).ok()?).ok()?;
            Some((path, text))
        })
        .collect()
}

#[test]
fn every_clean_file_parses_the_same_on_the_fast_path() {
    let files = repository_files();
    assert!(files.len() > 50, "the repository's .flow files are found");
    let mut agreed = 0;
    for (path, text) in &files {
        match compare(&path.display().to_string(), text) {
            Outcome::Agreed => agreed += 1,
            Outcome::GaveUp(0) => panic!(
                "{}: pest reads it cleanly but the fast parser gave up",
                path.display()
            ),
            Outcome::AgreedWhole => panic!(
                "{}: the fast parser reads it whole but gave up in pieces",
                path.display()
            ),
            Outcome::GaveUp(_) | Outcome::Unscanned => {}
        }
    }
    // The fixtures of syntax errors are the only files left to pest.
    assert!(
        agreed * 10 > files.len() * 8,
        "{agreed} of {} files",
        files.len()
    );
}

#[test]
fn mutated_files_never_make_the_parsers_disagree() {
    // More cases for a longer local run: PARSER_CASES=200 cargo test --release --test parsers_agree
    let cases: usize = std::env::var("PARSER_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(12);
    let mut rng = Lcg(0xfa57);
    let (mut agreed, mut gave_up) = (0, 0);
    for (path, text) in repository_files() {
        for case in 0..cases {
            let mutated = mutate(&text, &mut rng);
            match compare(&format!("{} mutation {case}", path.display()), &mutated) {
                Outcome::Agreed | Outcome::AgreedWhole => agreed += 1,
                Outcome::GaveUp(_) => gave_up += 1,
                Outcome::Unscanned => {}
            }
        }
    }
    eprintln!("{agreed} mutations agreed, {gave_up} left to pest");
    // Both outcomes are exercised: some mutations stay well-formed, most do not.
    assert!(
        agreed > 100 && gave_up > 100,
        "{agreed} agreed, {gave_up} gave up"
    );
}

#[test]
fn the_fast_parser_reads_every_construct() {
    let text = r#"
model "m" { owner "o"; deploy "a.yaml", "b.yaml" }
use aws
use "./other.flow"
role process "doc" { aliases function, api }
capability encryption { options aws_owned, cmk }
classification secret "doc" { level 3 }
kind my.kind : store "doc" {
  resource "AWS::S3::Bucket"
  attr enc : enum(none, cmk(ref(aws.kms))) = cmk(key) "doc"
  attr n : int = -5
  attr when : date = 2026-01-31
}
data pii : secret "doc" { retention 30 }
boundary b : aws.vpc "label" {
  function f : aws.lambda "F" { rate 100/s, 5/min; label tag "x", y(1, "z") }
  actor u
  flow u -> f "call" { data pii }
  boundary inner { store s }
  owner "team"
}
flow f -> s
rule X-001 "title" {
  for process p
  where not p.attr("a") == "x" and (p.flows.any(f => f.encrypted or f.b < 3)) or count(p) >= -2
  severity high; stride spoofing
}
accept SVL-* on f { reason "r" until 2027-01-01 }
"#;
    assert_eq!(compare("every construct", text), Outcome::Agreed);
}

#[test]
fn a_file_cut_into_pieces_parses_as_the_whole() {
    // Top-level declarations of every kind, a flow head over two lines, an element named
    // after nothing reserved at the start of a line, comments and blank lines between.
    let text = "model \"m\" { owner \"o\" }\nuse aws\n\ndata pii : internal\n// a comment\nactor u\nprocess\np\nflow u\n  -> p { data pii }\nboundary b {\nflow x -> y\n}\nflow p -> u \"back\"\naccept STR-* on p { reason \"r\" }\n";
    assert_eq!(compare("cut into pieces", text), Outcome::Agreed);
    let whole = reference::fast(FileId(0), text).unwrap();
    for piece in [1, 10, 40, text.len()] {
        let pieces = reference::fast_in_pieces(FileId(0), text, piece).unwrap();
        assert_eq!(pieces.as_ref(), Some(&whole), "pieces of {piece} bytes");
    }
}

#[test]
fn a_comment_ends_at_a_carriage_return_in_both_parsers() {
    // Found by the `parsers` fuzz target: the reference parser's span of this block stopped
    // at its last attribute, taking the `}` after `///\r` for part of the comment.
    let text = "model \"m\" { ow\r\rkind m\r\n ///\r\r}\n";
    assert_eq!(
        compare("comment before a carriage return", text),
        Outcome::Agreed
    );
}

#[test]
fn whitespace_before_a_closing_parenthesis_stays_out_of_spans_in_both_parsers() {
    // Found by the `parsers` fuzz target: the reference parser's span of this `where` took
    // in the spaces after the last `)`, because a line break came before it.
    let text = "rule R-1 \"t\" {\n  for process p\n  where not (p.a and p.b.all(\tt => t.c )\n)  severity low\n}\n";
    assert_eq!(
        compare("parenthesis after a line break", text),
        Outcome::Agreed
    );
}

/// The `{…}` placeholders of the message and fix lines of every bundled `.flow` file.
fn bundled_placeholders() -> Vec<String> {
    let mut found = Vec::new();
    for (_, text) in repository_files() {
        for line in text.lines() {
            let line = line.trim_start();
            if !(line.starts_with("message") || line.starts_with("fix")) {
                continue;
            }
            let mut rest = line;
            while let Some(open) = rest.find('{') {
                let after = &rest[open + 1..];
                let Some(close) = after.find(['{', '}']) else {
                    break;
                };
                if after.as_bytes()[close] == b'}' && close > 0 {
                    found.push(after[..close].to_string());
                }
                rest = &after[close..];
            }
        }
    }
    found
}

/// Both parsers on a placeholder at byte 100 of its file: the fast one's expression, when it
/// reads one, is pest's, spans included.
fn compare_placeholder(text: &str) -> Option<bool> {
    let fast = reference::fast_placeholder(FileId(0), text, 100);
    let pest = reference::pest_placeholder(FileId(0), text, 100);
    match (fast, pest) {
        (Some(fast), Some(pest)) => {
            assert!(
                fast == pest,
                "placeholder `{text}`: the expressions differ\n{}",
                first_difference(&fast, &pest)
            );
            Some(true)
        }
        (Some(_), None) => panic!("placeholder `{text}`: the fast parser read what pest refuses"),
        (None, Some(_)) => Some(false),
        (None, None) => None,
    }
}

#[test]
fn every_bundled_placeholder_reads_the_same_on_the_fast_path() {
    let placeholders = bundled_placeholders();
    assert!(
        placeholders.len() > 100,
        "{} placeholders found",
        placeholders.len()
    );
    // The error fixtures hold placeholders that are no expression: pest refuses those too.
    let mut read = 0;
    for text in &placeholders {
        let outcome = compare_placeholder(text);
        assert_ne!(
            outcome,
            Some(false),
            "placeholder `{text}`: pest reads it, the fast parser must too"
        );
        read += usize::from(outcome == Some(true));
    }
    assert!(read > 100, "{read} placeholders read");
    // Trivia around the expression, and the spans shifted by the offset.
    assert_eq!(
        compare_placeholder("  e.data.any(d => d.level >= 3) "),
        Some(true)
    );
    let expr = reference::fast_placeholder(FileId(0), " e.name", 100).unwrap();
    assert!(format!("{expr:?}").contains("start: 101"), "{expr:?}");
}

#[test]
fn mutated_placeholders_never_make_the_parsers_disagree() {
    let mut rng = Lcg(0x91ace);
    let (mut read, mut refused) = (0, 0);
    for text in bundled_placeholders() {
        for _ in 0..8 {
            match compare_placeholder(&mutate(&text, &mut rng)) {
                Some(true) => read += 1,
                Some(false) | None => refused += 1,
            }
        }
    }
    assert!(
        read > 100 && refused > 100,
        "{read} read, {refused} refused"
    );
}

#[test]
fn a_placeholder_nested_too_deep_is_refused_without_recursing() {
    // Found by the `parsers` fuzz target: the fast parser read a placeholder without the depth
    // check the message's caller made, and deep brackets overflowed its stack.
    let depth = 100_000;
    let deep = format!("{}e{}", "(".repeat(depth), ")".repeat(depth));
    assert_eq!(reference::fast_placeholder(FileId(0), &deep, 0), None);
    assert_eq!(reference::pest_placeholder(FileId(0), &deep, 0), None);
    assert_eq!(
        threatflow::syntax::parse_placeholder(FileId(0), &deep, 0),
        None
    );
    let unclosed = "[".repeat(depth);
    assert_eq!(reference::fast_placeholder(FileId(0), &unclosed, 0), None);
    // At the limit it still reads.
    let limit = threatflow::syntax::MAX_NESTING;
    let nested = format!("{}e{}", "(".repeat(limit), ")".repeat(limit));
    assert_eq!(compare_placeholder(&nested), Some(true));
}
