//! The threat engine end to end: finding ids are stable under reordering and unrelated edits,
//! accepted risks match by rule, prefix, element, boundary or `all`, expire against an injected
//! date, and stale acceptances and unknown disabled rules are reported.

mod support;

use std::collections::BTreeSet;
use std::path::Path;
use threatflow::compile::Options;
use threatflow::findings::{Keep, Status};
use threatflow::load::LoadedFile;
use threatflow::span::FileId;
use threatflow::{Compilation, compile};

fn compile_text(text: &str, today: time::Date, disabled: &[&str]) -> Compilation {
    let root = LoadedFile {
        key: "model.flow".into(),
        name: "model.flow".into(),
        bytes: text.as_bytes().to_vec(),
    };
    let mut loader = support::DirLoader {
        base: support::repo_root(),
    };
    let options = Options {
        today,
        disabled: disabled.iter().map(|s| s.to_string()).collect(),
        keep: Keep::All,
    };
    compile(root, &mut loader, options)
}

/// Compiles `text` at the fixed date, making the findings `keep` keeps.
fn compile_keeping(text: &str, keep: Keep) -> Compilation {
    let root = LoadedFile {
        key: "model.flow".into(),
        name: "model.flow".into(),
        bytes: text.as_bytes().to_vec(),
    };
    let options = Options {
        keep,
        ..Options::new(support::fixed_today())
    };
    compile(root, &mut threatflow::load::NoFiles, options)
}

fn date(y: i32, m: u8, d: u8) -> time::Date {
    time::Date::from_calendar_date(y, time::Month::try_from(m).unwrap(), d).unwrap()
}

fn codes(c: &Compilation) -> Vec<&'static str> {
    c.diagnostics.iter().map(|d| d.code.id()).collect()
}

fn status_of(c: &Compilation, id: &str) -> Status {
    c.findings
        .iter()
        .find(|f| f.id().to_string() == id)
        .unwrap_or_else(|| panic!("no finding {id}: {:?}", ids(c)))
        .status
}

fn ids(c: &Compilation) -> BTreeSet<String> {
    c.findings.iter().map(|f| f.id().to_string()).collect()
}

/// A small model with findings of several rules on elements in two boundaries.
const MODEL: &str = r#"model "Shop" { owner "tests" }
use stride
use serverless
data Order : confidential
boundary internet : internet {
  actor visitor
}
boundary prod : aws.account {
  api shop_api : aws.http_api
  boundary app : zone {
    function save : aws.lambda
  }
  table orders : aws.dynamodb
}
flow visitor -> shop_api {
  data     Order
  protocol https
}
flow shop_api -> save {
  data Order
}
flow save -> orders {
  data Order
  ops  write
}
"#;

#[test]
fn the_model_has_the_findings_the_tests_rely_on() {
    let c = compile_text(MODEL, support::fixed_today(), &[]);
    assert!(c.diagnostics.is_empty(), "{:?}", codes(&c));
    let found = ids(&c);
    for id in [
        "SVL-030@prod/shop_api",
        "SVL-034@prod/shop_api",
        "STR-012@prod/orders",
        "SVL-071@prod/app/save",
        "SVL-062@prod/orders",
    ] {
        assert!(found.contains(id), "{id} missing from {found:?}");
    }
    assert!(c.findings.iter().all(|f| f.status == Status::Active));
}

#[test]
fn an_exact_acceptance_covers_one_finding() {
    let text = format!(
        "{MODEL}accept SVL-062 on orders {{\n  reason \"Restores come from the nightly export.\"\n  until  2027-01-01\n}}\n"
    );
    let c = compile_text(&text, support::fixed_today(), &[]);
    assert!(c.diagnostics.is_empty(), "{:?}", codes(&c));
    assert_eq!(status_of(&c, "SVL-062@prod/orders"), Status::Accepted);
    assert_eq!(status_of(&c, "STR-012@prod/orders"), Status::Active);
    let note = c
        .findings
        .iter()
        .find(|f| f.id().to_string() == "SVL-062@prod/orders")
        .and_then(|f| f.note().map(str::to_string))
        .unwrap();
    assert!(
        note.contains("2027-01-01") && note.contains("nightly export"),
        "{note}"
    );
}

#[test]
fn a_prefix_on_all_covers_every_finding_of_those_rules() {
    let text =
        format!("{MODEL}accept SVL-* on all {{\n  reason \"Pilot.\"\n  until  2027-01-01\n}}\n");
    let c = compile_text(&text, support::fixed_today(), &[]);
    for finding in &c.findings {
        let expected = if finding.rule.id.starts_with("SVL-") {
            Status::Accepted
        } else {
            Status::Active
        };
        assert_eq!(finding.status, expected, "{}", finding.id());
    }
}

#[test]
fn a_boundary_acceptance_covers_what_is_inside_it() {
    let text = format!(
        "{MODEL}accept SVL-071 on app {{\n  reason \"Scanned in CI.\"\n  until  2027-01-01\n}}\n"
    );
    let c = compile_text(&text, support::fixed_today(), &[]);
    assert!(c.diagnostics.is_empty(), "{:?}", codes(&c));
    assert_eq!(status_of(&c, "SVL-071@prod/app/save"), Status::Accepted);
}

#[test]
fn acceptances_expire_after_their_date_and_count_again() {
    let text = format!(
        "{MODEL}accept SVL-062 on orders {{\n  reason \"Until the migration.\"\n  until  2026-05-31\n}}\n"
    );
    // The day itself is still covered; the day after, the finding is active again.
    let on_the_day = compile_text(&text, date(2026, 5, 31), &[]);
    assert_eq!(
        status_of(&on_the_day, "SVL-062@prod/orders"),
        Status::Accepted
    );
    assert!(on_the_day.diagnostics.is_empty());

    let after = compile_text(&text, date(2026, 6, 1), &[]);
    assert_eq!(status_of(&after, "SVL-062@prod/orders"), Status::Expired);
    assert!(Status::Expired.is_open());
    assert_eq!(codes(&after), ["TF0804"]);
    let note = after
        .findings
        .iter()
        .find(|f| f.id().to_string() == "SVL-062@prod/orders")
        .and_then(|f| f.note().map(str::to_string))
        .unwrap();
    assert!(note.contains("has passed"), "{note}");
}

#[test]
fn an_acceptance_that_matches_nothing_is_reported() {
    let text = format!(
        "{MODEL}accept SVL-062 on save {{\n  reason \"Wrong element.\"\n  until  2027-01-01\n}}\n"
    );
    let c = compile_text(&text, support::fixed_today(), &[]);
    assert_eq!(codes(&c), ["TF0809"]);
    assert_eq!(status_of(&c, "SVL-062@prod/orders"), Status::Active);
}

#[test]
fn rules_can_be_disabled_by_option_and_in_the_model() {
    let c = compile_text(MODEL, support::fixed_today(), &["SVL-06*", "STR-012"]);
    assert!(c.diagnostics.is_empty(), "{:?}", codes(&c));
    assert!(
        c.findings
            .iter()
            .all(|f| !f.rule.id.starts_with("SVL-06") && f.rule.id != "STR-012")
    );
    assert!(c.findings.iter().any(|f| f.rule.id == "SVL-030"));

    let in_model = MODEL.replace(
        "model \"Shop\" { owner \"tests\" }",
        "model \"Shop\" {\n  owner   \"tests\"\n  disable \"SVL-030\", \"NOPE-1\"\n}",
    );
    let c = compile_text(&in_model, support::fixed_today(), &["XYZ-*"]);
    assert!(c.findings.iter().all(|f| f.rule.id != "SVL-030"));
    assert_eq!(codes(&c), ["TF0811", "TF0811"]);
}

#[test]
fn finding_ids_survive_unrelated_edits() {
    let before = ids(&compile_text(MODEL, support::fixed_today(), &[]));
    let edited = MODEL.replace(
        "  table orders : aws.dynamodb\n",
        "  table orders : aws.dynamodb\n  queue audit : aws.sqs\n",
    ) + "flow save -> audit {\n  data Order\n}\n";
    let after = ids(&compile_text(&edited, support::fixed_today(), &[]));
    let lost: Vec<&String> = before.difference(&after).collect();
    assert!(lost.is_empty(), "ids lost by an unrelated edit: {lost:?}");
}

/// A tiny deterministic generator, so the shuffles are the same on every run.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

/// The top-level declarations of a file, each with the comments before it.
fn declarations(text: &str) -> Vec<String> {
    let parsed = threatflow::syntax::parse(FileId(0), text);
    assert!(parsed.diagnostics.is_empty());
    let mut chunks = Vec::new();
    let mut start = 0;
    for item in &parsed.file.items {
        let end = item.span().end as usize;
        chunks.push(text[start..end].trim().to_string());
        start = end;
    }
    let rest = text[start..].trim();
    if !rest.is_empty() {
        chunks.last_mut().unwrap().push_str(&format!("\n{rest}"));
    }
    chunks
}

#[test]
fn shuffling_declarations_keeps_every_finding_id() {
    let examples = [
        "examples/orders-api/orders.flow",
        "examples/upload-pipeline/upload.flow",
        "examples/multi-account/platform.flow",
    ];
    for example in examples {
        let path = support::repo_root().join(example);
        let base = path.parent().unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let original = support::compile_bytes(base, &name, text.clone().into_bytes());
        let expected: Vec<(String, String)> = summary(&original);
        assert!(!expected.is_empty(), "{example} has findings to compare");
        let chunks = declarations(&text);
        let mut random = Lcg(example.len() as u64);
        for round in 0..25 {
            let mut shuffled = chunks.clone();
            for i in (1..shuffled.len()).rev() {
                let j = random.below(i + 1);
                shuffled.swap(i, j);
            }
            let reordered =
                support::compile_bytes(Path::new(base), &name, shuffled.join("\n\n").into_bytes());
            assert!(
                !reordered.has_errors(),
                "{example} round {round}: reordering produced errors"
            );
            assert_eq!(
                summary(&reordered),
                expected,
                "{example} round {round}: findings changed"
            );
        }
    }
}

/// Each finding's id with its severity and status, in id order.
fn summary(c: &Compilation) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = c
        .findings
        .iter()
        .map(|f| {
            (
                f.id().to_string(),
                format!("{:?} {:?}", f.severity, f.status),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn an_acceptance_without_a_date_holds_but_is_warned_about() {
    let text = format!(
        "{MODEL}accept SVL-062 on orders {{\n  reason \"Restores come from exports.\"\n  owner  \"data-team\"\n}}\n"
    );
    let c = compile_text(&text, support::fixed_today(), &[]);
    assert_eq!(codes(&c), ["TF0812"]);
    assert_eq!(status_of(&c, "SVL-062@prod/orders"), Status::Accepted);
}

#[test]
fn flows_joining_the_same_two_elements_are_told_apart_by_label_or_place() {
    let text = MODEL.to_string()
        + "flow save -> orders \"audit\" {\n  data Order\n}\nflow save -> orders {\n  data Order\n}\n";
    let c = compile_text(&text, support::fixed_today(), &[]);
    assert!(!c.has_errors(), "{:?}", codes(&c));
    let graph = threatflow::graph::Graph::build(&c.model);
    let elements = threatflow::findings::element_paths(&graph);
    assert_eq!(
        elements.iter().map(|p| &**p).collect::<Vec<_>>(),
        [
            "internet/visitor",
            "prod/shop_api",
            "prod/app/save",
            "prod/orders"
        ]
    );
    let flows = threatflow::findings::flow_paths(&graph, &elements);
    assert_eq!(
        flows.iter().map(|p| &**p).collect::<Vec<_>>(),
        [
            "internet/visitor->prod/shop_api",
            "prod/shop_api->prod/app/save",
            "prod/app/save->prod/orders#1",
            "prod/app/save->prod/orders#audit",
            "prod/app/save->prod/orders#3",
        ]
    );
    let on_flows: BTreeSet<String> = c
        .findings
        .iter()
        .filter_map(|f| {
            f.id()
                .to_string()
                .split_once('@')
                .map(|(_, path)| path.to_string())
        })
        .filter(|path| path.contains("->prod/orders"))
        .collect();
    assert!(
        on_flows
            .iter()
            .all(|path| flows.iter().any(|f| **f == **path)),
        "{on_flows:?}"
    );
}

/// A rule `X-{n}` over every element whose condition is `condition`, with the elements it holds
/// for.
fn holds_for(condition: &str) -> BTreeSet<String> {
    holds_for_each("element", condition)
}

/// A rule over every `subject` (`element` or `flow`) whose condition is `condition` (naming
/// it `e`), with the elements or flows it holds for.
fn holds_for_each(subject: &str, condition: &str) -> BTreeSet<String> {
    let text = format!(
        "{MODEL}rule X-1 \"probe\" {{\n  for {subject} e\n  where {condition}\n  severity low\n  stride tampering\n  message \"m\"\n}}\n"
    );
    let c = compile_text(&text, date(2026, 6, 1), &[]);
    assert!(!c.has_errors(), "{condition}: {:?}", c.diagnostics);
    c.findings
        .iter()
        .filter(|f| f.rule.id == "X-1")
        .map(|f| f.element.to_string())
        .collect()
}

#[test]
fn quantifiers_over_an_elements_links_agree_with_the_same_lists_built() {
    // `x.F.filter(_ => true)` is the list itself, built; `x.F.any(…)` walks the graph.
    let lists = [
        ("flows_in", "v => v.crosses"),
        ("flows_out", "v => v.crosses"),
        ("sources", "v => v.exposed"),
        ("targets", "v => v.role == store"),
        ("boundaries", "v => v.kind == zone"),
        ("data", "v => v.level >= 2"),
    ];
    let mut held = 0;
    for (field, body) in lists {
        for quantifier in ["any", "all"] {
            let walked = format!("e.{field}.{quantifier}({body})");
            let built = format!("e.{field}.filter(w => true).{quantifier}({body})");
            let found = holds_for(&walked);
            held += found.len();
            assert_eq!(found, holds_for(&built), "{walked}");
        }
        let walked = format!("e.{field}.count({body}) == 1");
        let built = format!("e.{field}.filter(w => true).count({body}) == 1");
        assert_eq!(holds_for(&walked), holds_for(&built), "{walked}");
        let walked = format!("e.{field}.filter({body}).size == 1");
        let built = format!("e.{field}.filter(w => true).filter({body}).size == 1");
        assert_eq!(holds_for(&walked), holds_for(&built), "{walked}");
    }
    assert!(held > 10, "the probes hold somewhere: {held}");
    // Sizes are counted where the graph holds the lists; the same as counting them built.
    let element_lists = lists.map(|(field, _)| ("element", field));
    let flow_lists = [("flow", "data"), ("flow", "leaves"), ("flow", "enters")];
    let mut sized = 0;
    for (subject, field) in element_lists.into_iter().chain(flow_lists) {
        for test in ["size == 0", "size == 1", "size >= 2", "empty", "size > 0"] {
            let counted = format!("e.{field}.{test}");
            let built = format!("e.{field}.filter(w => true).{test}");
            let found = holds_for_each(subject, &counted);
            sized += found.len();
            assert_eq!(found, holds_for_each(subject, &built), "{counted}");
        }
    }
    assert!(sized > 10, "the sizes hold somewhere: {sized}");
    // visitor -> shop_api leaves the internet, the other two flows enter or leave `app`.
    assert_eq!(
        holds_for("e.flows_in.any(v => v.crosses)"),
        BTreeSet::from(["prod/app/save", "prod/orders", "prod/shop_api"].map(String::from)),
    );
}

/// A model of `n` stores and `n` flows, large enough for the resolver to share its elements and
/// flows out among tasks: every 997th flow names an element that does not exist, and every
/// 1,499th store has an encryption that is no option.
fn large_model_with_mistakes(n: usize) -> String {
    let mut text = String::from(
        "model \"Big\" { owner \"tests\" }\nuse aws\ndata Order : confidential\nboundary prod : aws.account {\n  function app : aws.lambda\n",
    );
    for i in 0..n {
        let encryption = if i % 1499 == 7 { "bogus" } else { "cmk" };
        text.push_str(&format!(
            "  store t{i} : aws.dynamodb {{ encryption {encryption} }}\n"
        ));
    }
    text.push_str("}\n");
    // Boundaries with attributes, typed on every core too: every 701st with one it cannot have.
    for i in 0..n / 2 {
        let attribute = if i % 701 == 5 {
            "colour red"
        } else {
            "owner \"team\""
        };
        text.push_str(&format!("boundary z{i} : zone {{ {attribute} }}\n"));
    }
    for i in 0..n {
        let target = if i % 997 == 3 {
            format!("ghost{i}")
        } else {
            format!("t{i}")
        };
        text.push_str(&format!("flow app -> {target} \"w{i}\" {{ data Order }}\n"));
    }
    text
}

#[test]
fn a_large_model_resolves_the_same_on_one_core_and_on_several() {
    let text = large_model_with_mistakes(5000);
    let on = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| compile_text(&text, support::fixed_today(), &[]))
    };
    let (one, several) = (on(1), on(3));
    let shape = |c: &Compilation| {
        let flows: Vec<String> = c
            .model
            .flows
            .iter()
            .map(|f| {
                format!(
                    "{}->{} {:?} {:?}",
                    c.model.element(f.source).name,
                    c.model.element(f.target).name,
                    f.label,
                    f.attrs.iter().map(|a| &a.name).collect::<Vec<_>>()
                )
            })
            .collect();
        let diagnostics: Vec<String> = c
            .diagnostics
            .iter()
            .map(|d| {
                format!(
                    "{} {:?} {}",
                    d.code.id(),
                    d.primary.as_ref().map(|l| l.span),
                    d.message
                )
            })
            .collect();
        (flows, diagnostics)
    };
    let (flows, diagnostics) = shape(&one);
    assert_eq!((flows.clone(), diagnostics.clone()), shape(&several));
    let owners = |c: &Compilation| -> Vec<Option<String>> {
        c.model
            .boundaries
            .iter()
            .map(|b| b.attrs.text("owner").map(str::to_string))
            .collect()
    };
    assert_eq!(owners(&one), owners(&several));
    // Each boundary has its own attributes: all but those with the unknown one have an owner.
    let unknown = (0..2500).filter(|i| i % 701 == 5).count();
    for boundary in &one.model.boundaries {
        if let Some(i) = boundary.name.strip_prefix('z') {
            let i: usize = i.parse().expect("a number");
            let owner = boundary.attrs.text("owner");
            assert_eq!(owner.is_none(), i % 701 == 5, "{}", boundary.name);
        }
    }
    assert_eq!(
        diagnostics.iter().filter(|d| d.contains("colour")).count(),
        unknown
    );
    // Every flow but the ones to missing elements, in the order written.
    let missing = (0..5000).filter(|i| i % 997 == 3).count();
    assert_eq!(flows.len(), 5000 - missing);
    assert!(flows[0].starts_with("app->t0 Some(\"w0\")"), "{}", flows[0]);
    assert!(
        flows.last().unwrap().starts_with("app->t4999 "),
        "{}",
        flows.last().unwrap()
    );
    // Each mistake reported once, and (as the compilation sorts them) in the order of the text.
    let bogus = (0..5000).filter(|i| i % 1499 == 7).count();
    let unknown = diagnostics
        .iter()
        .filter(|d| d.contains("no element `ghost"))
        .count();
    let wrong = diagnostics.iter().filter(|d| d.contains("bogus")).count();
    assert_eq!((unknown, wrong), (missing, bogus), "{diagnostics:#?}");
    let starts: Vec<u32> = one
        .diagnostics
        .iter()
        .filter_map(|d| d.primary.as_ref().map(|l| l.span.start))
        .collect();
    assert!(starts.windows(2).all(|w| w[0] <= w[1]), "{starts:?}");
}

#[test]
fn looking_up_one_member_agrees_with_the_lists_of_members() {
    // The rule checker looks a member up by name without building the lists; the lists still
    // serve the help of unknown members and the docs. Both must say the same for every type.
    use threatflow::rules::types::{self, Ty};
    let c = compile_text(MODEL, support::fixed_today(), &[]);
    let model = &c.model;
    let mut tys = vec![
        Ty::Element(types::element_kinds(model)),
        Ty::Flow,
        Ty::Data,
        Ty::Classification,
        Ty::Boundary,
        Ty::Kind,
        Ty::List(Box::new(Ty::Flow)),
        Ty::Str,
    ];
    tys.extend(
        types::element_kinds(model)
            .into_iter()
            .map(|k| Ty::Element(vec![k])),
    );
    let mut checked = 0;
    for ty in &tys {
        for (name, attr_ty) in types::attributes(model, ty) {
            assert_eq!(
                types::attribute(model, ty, &name),
                Some(attr_ty),
                "{ty}: {name}"
            );
            checked += 1;
        }
        for (name, field, field_ty) in types::fields(model, ty) {
            assert_eq!(
                types::field(model, ty, name),
                Some((field, field_ty)),
                "{ty}: {name}"
            );
            checked += 1;
        }
        assert_eq!(types::attribute(model, ty, "no_such_member"), None, "{ty}");
        assert_eq!(types::field(model, ty, "no_such_member"), None, "{ty}");
    }
    assert!(checked > 500, "{checked} members compared");
}

/// A model with many findings of each rule, in two boundaries (with `accepting`: an
/// acceptance in force on a boundary, one expired on one store, one in force on one flow's end,
/// and one that covers nothing; with `twice`: two flows of one label joining the same two
/// elements, whose findings have one id).
fn model_with_many_findings(n: usize, accepting: bool, twice: bool) -> String {
    let mut text = String::from(
        "model \"Many\" { owner \"tests\" }\nuse stride\nuse serverless\ndata Order : confidential\nboundary internet : internet {\n  actor visitor\n}\nboundary prod : aws.account {\n  api shop_api : aws.http_api\n  boundary app : zone {\n",
    );
    for i in 0..n {
        text.push_str(&format!("    function f{i} : aws.lambda\n"));
    }
    text.push_str("  }\n");
    for i in 0..n {
        text.push_str(&format!("  table t{i} : aws.dynamodb\n"));
    }
    text.push_str("}\nflow visitor -> shop_api {\n  data Order\n  protocol https\n}\n");
    if twice {
        let flow = "flow visitor -> f1 \"direct\" {\n  data Order\n  protocol http\n}\n";
        text.push_str(flow);
        text.push_str(flow);
    }
    for i in 0..n {
        text.push_str(&format!(
            "flow shop_api -> f{i} {{ data Order }}\nflow f{i} -> t{i} {{\n  data Order\n  ops write\n}}\n"
        ));
    }
    if !accepting {
        return text;
    }
    text.push_str(
        "accept SVL-071 on app {\n  reason \"Scanned in CI.\"\n  until 2027-01-01\n}\n\
         accept STR-012 on t3 {\n  reason \"Until the migration.\"\n  until 2026-05-31\n}\n\
         accept SVL-062 on t5 {\n  reason \"Restores come from exports.\"\n  until 2027-01-01\n}\n\
         accept SVL-062 on visitor {\n  reason \"Nothing there.\"\n  until 2027-01-01\n}\n",
    );
    text
}

/// What `check` prints for a compilation's findings with at most `limit` of each rule.
fn printed(c: &Compilation, limit: usize) -> (String, usize, String) {
    let mut out = Vec::new();
    let not_printed = threatflow::findings::write_findings_limited(
        &mut out,
        &c.findings,
        &c.left_out,
        &c.unit.sources,
        &c.texts(),
        threatflow::diagnostic::ColorChoice::Never,
        Some(limit),
    )
    .expect("writing to memory succeeds");
    let text = String::from_utf8(out).expect("UTF-8");
    (
        text,
        not_printed,
        threatflow::findings::summary(&c.findings, &c.left_out),
    )
}

#[test]
fn making_only_the_first_findings_of_each_rule_prints_and_counts_what_making_all_does() {
    for (accepting, twice) in [(true, false), (false, false), (false, true)] {
        let text = model_with_many_findings(12, accepting, twice);
        first_findings_print_as_all_do(&text, accepting, twice);
    }
}

fn first_findings_print_as_all_do(text: &str, accepting: bool, twice: bool) {
    let every = compile_keeping(text, Keep::All);
    assert!(!every.has_errors(), "{:?}", codes(&every));
    assert!(every.left_out.is_empty());
    let statuses: BTreeSet<String> = every
        .findings
        .iter()
        .map(|f| format!("{:?}", f.status))
        .collect();
    let statuses: Vec<String> = statuses.into_iter().collect();
    let messages = |c: &Compilation| -> Vec<String> {
        c.diagnostics
            .iter()
            .map(|d| format!("{} {}", d.code.id(), d.message))
            .collect()
    };
    if accepting {
        assert_eq!(statuses, ["Accepted", "Active", "Expired"], "every status");
        assert!(
            messages(&every)
                .iter()
                .any(|m| m.contains("matches no finding"))
        );
    } else {
        assert_eq!(statuses, ["Active"]);
    }
    if twice {
        assert!(
            every
                .findings
                .iter()
                .any(|f| f.element.ends_with("#direct")),
            "the flows of one label have findings"
        );
    }
    for limit in [0, 1, 3, 1000] {
        let few = compile_keeping(text, Keep::FirstOfEachRule(limit));
        assert_eq!(
            printed(&few, limit),
            printed(&every, limit),
            "limit {limit}"
        );
        assert_eq!(messages(&few), messages(&every), "limit {limit}");
        let left_out: usize = few.left_out.iter().map(|l| l.count).sum();
        assert_eq!(few.findings.len() + left_out, every.findings.len());
        if limit < 12 {
            assert!(left_out > 0, "limit {limit} leaves findings out");
        } else {
            assert!(few.left_out.is_empty());
        }
        // Every accepted finding is made, with its note.
        let accepted = |c: &Compilation| -> Vec<(String, Option<String>)> {
            c.findings
                .iter()
                .filter(|f| f.status == Status::Accepted)
                .map(|f| (f.id().to_string(), f.note().map(str::to_string)))
                .collect()
        };
        assert_eq!(accepted(&few), accepted(&every), "limit {limit}");
    }
}
