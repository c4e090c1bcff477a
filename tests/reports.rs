//! Reports and diagrams: every format of every example is a reviewed snapshot and renders the
//! same bytes twice; the SVG is XML naming every element and boundary; the JSON follows
//! `docs/report-schema.json`; SARIF is structurally sound (and valid against the OASIS schema
//! when `../shared` is present); Mermaid passes mermaid's own parser (when Node and the checker
//! in `tests/tools/mermaid-check` are installed); hostile names cannot break any format.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use threatflow::Compilation;
use threatflow::diagram::{self, DiagramOptions, Scene};
use threatflow::report::{ReportView, json, sarif, templates};

const EXAMPLES: [&str; 3] = [
    "examples/orders-api/orders.flow",
    "examples/upload-pipeline/upload.flow",
    "examples/multi-account/platform.flow",
];

/// The JSON report's top-level lists, in the order it writes them.
const REPORT_LISTS: [&str; 7] = [
    "rules",
    "kinds",
    "elements",
    "flows",
    "boundaries",
    "data",
    "findings",
];

fn compile(relative: &str) -> Compilation {
    let path = support::repo_root().join(relative);
    let base = path.parent().unwrap().to_path_buf();
    let compilation = support::compile_file(&base, &path);
    assert!(!compilation.has_errors(), "{relative} has errors");
    compilation
}

/// Every format of one compiled model, by name.
fn render_all(compilation: &Compilation) -> Vec<(&'static str, String)> {
    let view = ReportView::new(compilation);
    let scene = Scene::new(&view, DiagramOptions::default()).unwrap();
    let mermaid = diagram::mermaid::render(&scene);
    let svg = diagram::svg::render(&scene);
    let extra = [("mermaid", mermaid.clone()), ("svg", svg.clone())];
    let md =
        templates::render(templates::MARKDOWN.0, templates::MARKDOWN.1, &view, &extra).unwrap();
    let html = templates::render(templates::HTML.0, templates::HTML.1, &view, &extra).unwrap();
    vec![
        ("md", md),
        ("html", html),
        ("json", json::render(&view)),
        ("sarif", sarif::render(&view, &compilation.rules)),
        ("svg", svg),
        ("dot", diagram::dot::render(&scene)),
        ("mermaid", mermaid),
    ]
}

fn name_of(relative: &str) -> String {
    Path::new(relative)
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

#[test]
fn every_format_of_every_example_is_a_reviewed_snapshot() {
    for example in EXAMPLES {
        let compilation = compile(example);
        let first = render_all(&compilation);
        let again = render_all(&compile(example));
        for ((format, text), (_, second)) in first.iter().zip(&again) {
            assert_eq!(text, second, "{example} {format}: two runs differ");
            insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
                insta::assert_snapshot!(format!("report_{}_{format}", name_of(example)), text);
            });
        }
    }
}

#[test]
fn the_svg_is_xml_naming_every_element_and_boundary() {
    for example in EXAMPLES
        .iter()
        .copied()
        .chain(["tests/reports/hostile.flow"])
    {
        let compilation = compile(example);
        let view = ReportView::new(&compilation);
        let svg = diagram::svg::render(&Scene::new(&view, DiagramOptions::default()).unwrap());
        let document = roxmltree::Document::parse(&svg)
            .unwrap_or_else(|e| panic!("{example}: the SVG is not XML: {e}"));
        let attribute_values = |name: &str| -> Vec<String> {
            document
                .descendants()
                .filter_map(|n| n.attribute(name).map(str::to_string))
                .collect()
        };
        let elements = attribute_values("data-element");
        for element in &view.elements {
            assert!(
                elements.iter().any(|e| e == element.id),
                "{example}: {} not drawn",
                element.id
            );
        }
        let boundaries = attribute_values("data-boundary");
        for boundary in &view.boundaries {
            assert!(
                boundaries.iter().any(|b| b == boundary.id),
                "{example}: {} not drawn",
                boundary.id
            );
        }
        let texts: String = document
            .descendants()
            .filter(|n| n.is_text())
            .map(|n| n.text().unwrap_or(""))
            .collect();
        for element in &view.elements {
            assert!(
                texts.contains(element.label),
                "{example}: label of {} missing",
                element.id
            );
        }
        assert!(!svg.contains("<script"), "no script in the SVG");
    }
}

#[test]
fn boxes_do_not_overlap() {
    // Elements are laid out per boundary; siblings must never overlap.
    for example in EXAMPLES {
        let compilation = compile(example);
        let view = ReportView::new(&compilation);
        let svg = diagram::svg::render(&Scene::new(&view, DiagramOptions::default()).unwrap());
        let document = roxmltree::Document::parse(&svg).unwrap();
        let boxes: Vec<(f64, f64, f64, f64)> = document
            .descendants()
            .filter(|n| n.attribute("data-element").is_some())
            .filter_map(|g| g.children().find(|c| c.has_tag_name("rect")))
            .map(|r| {
                let number = |a: &str| r.attribute(a).unwrap().parse::<f64>().unwrap();
                (number("x"), number("y"), number("width"), number("height"))
            })
            .collect();
        assert_eq!(boxes.len(), view.elements.len());
        for (i, a) in boxes.iter().enumerate() {
            for b in &boxes[i + 1..] {
                let overlap =
                    a.0 < b.0 + b.2 && b.0 < a.0 + a.2 && a.1 < b.1 + b.3 && b.1 < a.1 + a.3;
                assert!(!overlap, "{example}: boxes {a:?} and {b:?} overlap");
            }
        }
    }
}

#[test]
fn the_json_report_follows_its_schema() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(support::repo_root().join("docs/report-schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    for example in EXAMPLES
        .iter()
        .copied()
        .chain(["tests/reports/hostile.flow"])
    {
        let compilation = compile(example);
        let view = ReportView::new(&compilation);
        let report: serde_json::Value = serde_json::from_str(&json::render(&view)).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&report)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{example}: {errors:?}");
        assert_eq!(report["schema_version"], 2);
        for key in REPORT_LISTS {
            assert!(report[key].is_array(), "{key}");
        }
    }
}

fn sarif_of(example: &str) -> serde_json::Value {
    let compilation = compile(example);
    let view = ReportView::new(&compilation);
    serde_json::from_str(&sarif::render(&view, &compilation.rules)).unwrap()
}

#[test]
fn sarif_has_what_code_scanning_needs() {
    for example in EXAMPLES {
        let sarif = sarif_of(example);
        assert_eq!(sarif["version"], "2.1.0");
        let run = &sarif["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        let results = run["results"].as_array().unwrap();
        assert!(!results.is_empty());
        for result in results {
            let index = result["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[index]["id"], result["ruleId"]);
            assert!(!rules[index]["help"]["text"].as_str().unwrap().is_empty());
            let region = &result["locations"][0]["physicalLocation"]["region"];
            assert!(region["startLine"].as_u64().unwrap() >= 1);
            assert!(region["startColumn"].as_u64().unwrap() >= 1);
            let fingerprint = result["partialFingerprints"]["threatflowFindingId/v1"]
                .as_str()
                .unwrap();
            assert!(fingerprint.starts_with(result["ruleId"].as_str().unwrap()));
            assert!(["error", "warning", "note"].contains(&result["level"].as_str().unwrap()));
        }
    }
    // Accepted risks are suppressed, not dropped.
    let orders = sarif_of(EXAMPLES[0]);
    let suppressed = orders["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["suppressions"].is_array())
        .count();
    assert_eq!(suppressed, 2);
}

#[test]
fn sarif_is_valid_against_the_oasis_schema() {
    let Some(validator) = support::sarif_validator() else {
        return;
    };
    for example in EXAMPLES
        .iter()
        .copied()
        .chain(["tests/reports/hostile.flow"])
    {
        let sarif = sarif_of(example);
        let errors: Vec<String> = validator
            .iter_errors(&sarif)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{example}: {errors:?}");
    }
}

fn mermaid_checker() -> Option<PathBuf> {
    let dir = support::repo_root().join("tests/tools/mermaid-check");
    let node = Command::new("node").arg("--version").output().is_ok();
    if !node || !dir.join("node_modules/mermaid").exists() {
        eprintln!(
            "skipped: the Mermaid syntax check needs Node and `npm ci` in tests/tools/mermaid-check (.ci/run does both)"
        );
        return None;
    }
    Some(dir.join("check.mjs"))
}

fn mermaid_parses(checker: &Path, text: &str) -> Result<(), String> {
    use std::io::Write;
    let mut child = Command::new("node")
        .arg(checker)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

#[test]
fn mermaid_passes_mermaids_parser() {
    let Some(checker) = mermaid_checker() else {
        return;
    };
    // The checker itself must reject broken input, or this test proves nothing.
    assert!(mermaid_parses(&checker, "flowchart LR\n  a[\"x\"] --> |broken b\n").is_err());
    for example in EXAMPLES
        .iter()
        .copied()
        .chain(["tests/reports/hostile.flow"])
    {
        let compilation = compile(example);
        let view = ReportView::new(&compilation);
        let text = diagram::mermaid::render(&Scene::new(&view, DiagramOptions::default()).unwrap());
        if let Err(error) = mermaid_parses(&checker, &text) {
            panic!("{example}: mermaid rejects the diagram: {error}\n{text}");
        }
    }
}

#[test]
fn hostile_names_cannot_break_any_format() {
    let compilation = compile("tests/reports/hostile.flow");
    for (format, text) in render_all(&compilation) {
        match format {
            "html" => {
                // Exactly one script: ours. No injected tags or event handlers.
                assert_eq!(text.matches("<script").count(), 1, "html");
                assert!(!text.contains("<img"), "html");
                assert!(!text.contains("<svg onload"), "html");
                assert!(!text.contains("<b>"), "html");
            }
            "svg" => {
                assert!(roxmltree::Document::parse(&text).is_ok());
                assert!(!text.contains("<script") && !text.contains("<img"));
            }
            "md" => {
                for raw in ["<script", "<img", "<svg", "<b>", "<!--"] {
                    assert!(!text.contains(raw), "md contains {raw}");
                }
                // Table rows keep their column count: escaped pipes only.
                for line in text
                    .lines()
                    .filter(|l| l.starts_with("| ") && l.contains("Secret"))
                {
                    let cells = line.replace("\\|", "").matches('|').count();
                    assert!(cells >= 3, "{line}");
                }
            }
            "json" | "sarif" => {
                let value: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
                assert!(value.is_object());
            }
            "dot" => {
                for line in text.lines() {
                    let unescaped = line.replace("\\\\", "").replace("\\\"", "");
                    assert_eq!(
                        unescaped.matches('"').count() % 2,
                        0,
                        "unbalanced quotes: {line}"
                    );
                }
            }
            "mermaid" => {
                for line in text.lines().skip(1) {
                    assert_eq!(
                        line.matches('"').count() % 2,
                        0,
                        "unbalanced quotes: {line}"
                    );
                }
            }
            other => unreachable!("{other}"),
        }
        insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(format!("report_hostile_{format}"), text);
        });
    }
}

#[test]
fn awkward_shapes_still_draw() {
    let mut deep = String::from("model \"Deep\" { owner \"t\" }\n");
    for i in 0..40 {
        deep.push_str(&format!("boundary b{i} : zone {{\n"));
    }
    deep.push_str("process inner\n");
    deep.push_str(&"}\n".repeat(40));
    deep.push_str("actor outer\ndata D : public\nflow outer -> inner { data D }\nflow inner -> outer { data D }\n");
    let cases = [
        ("empty", "model \"Empty\" { owner \"t\" }\n".to_string()),
        ("lonely", "model \"One\" { owner \"t\" }\nprocess alone\n".to_string()),
        (
            "cycle",
            "model \"Cycle\" { owner \"t\" }\ndata D : public\nprocess a\nprocess b\nprocess c\nflow a -> b { data D }\nflow b -> c { data D }\nflow c -> a { data D }\nflow a -> b \"again\" { data D }\n".to_string(),
        ),
        ("empty boundaries", "model \"Boxes\" { owner \"t\" }\nboundary a : zone { boundary b : zone }\n".to_string()),
        ("deep", deep),
    ];
    for (name, text) in cases {
        let compilation =
            support::compile_bytes(&support::repo_root(), "case.flow", text.into_bytes());
        assert!(
            !compilation.has_errors(),
            "{name}: {:?}",
            compilation.diagnostics
        );
        let view = ReportView::new(&compilation);
        let scene = Scene::new(&view, DiagramOptions::default()).unwrap();
        let svg = diagram::svg::render(&scene);
        assert!(roxmltree::Document::parse(&svg).is_ok(), "{name}");
        for e in &view.elements {
            assert!(
                svg.contains(&format!("data-element=\"{}\"", e.id)),
                "{name}: {}",
                e.id
            );
        }
    }
}

/// A model whose element, flow and finding lists are each longer than the JSON writer's window.
fn long_lists_model(functions: usize) -> String {
    let mut text = String::from(
        "model \"long\" { owner \"tests\" }\nuse stride\nuse serverless\ndata pii : confidential\n\
         boundary internet : internet {\n  actor user\n}\nboundary cloud : aws.account {\n",
    );
    for i in 0..functions {
        text.push_str(&format!("  function f{i} : aws.lambda\n"));
    }
    text.push_str("}\n");
    for i in 0..functions {
        text.push_str(&format!(
            "flow user -> f{i} {{\n  data pii\n  protocol https\n}}\n"
        ));
    }
    text
}

#[test]
fn the_json_report_is_the_view_with_its_rules_and_kinds_held_once_one_item_per_line() {
    let mut models: Vec<(String, Compilation)> = EXAMPLES
        .iter()
        .chain(&["tests/reports/hostile.flow"])
        .map(|example| (example.to_string(), compile(example)))
        .collect();
    let long = support::compile_bytes(
        &support::repo_root(),
        "long.flow",
        long_lists_model(2_500).into_bytes(),
    );
    assert!(!long.has_errors());
    assert!(long.findings.len() > 5_000 && long.model.elements.len() > 2_500);
    models.push(("long.flow".into(), long));
    for (name, compilation) in &models {
        let view = ReportView::new(compilation);
        let text = json::render(&view);
        let report: serde_json::Value = serde_json::from_str(&text).unwrap();
        let expected = expected_report(serde_json::to_value(&view).unwrap());
        assert!(report == expected, "{name}: the JSON report differs");
        // One item per line: every line four spaces in is one whole item of a list.
        let items: usize = REPORT_LISTS
            .iter()
            .map(|key| report[*key].as_array().unwrap().len())
            .sum();
        let mut lines = 0;
        for line in text.lines().filter(|line| line.starts_with("    ")) {
            let item = line.trim_start().trim_end_matches(',');
            serde_json::from_str::<serde_json::Value>(item)
                .unwrap_or_else(|e| panic!("{name}: {e} in the line {line}"));
            lines += 1;
        }
        assert_eq!(lines, items, "{name}");
        assert!(
            text.lines().count() <= items + 20,
            "{name}: no item spans lines"
        );
    }
}

/// The JSON report's content, made from the view's own serialization (each finding with its
/// rule's facts, each element with its findings and its kind's responsibilities): the facts
/// moved to the `rules` and `kinds` tables, each once, by id.
fn expected_report(view: serde_json::Value) -> serde_json::Value {
    use serde_json::{Value, json};
    let (findings, rules) = held_once(&view["findings"], "rule", &["title", "stride", "refs"]);
    let (mut elements, kinds) = held_once(
        &view["elements"],
        "kind",
        &["provider_operates", "customer_owns"],
    );
    for element in &mut elements {
        let ids: Vec<Value> = element["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].clone())
            .collect();
        element["findings"] = Value::Array(ids);
    }
    json!({
        "schema_version": view["schema_version"],
        "model": view["model"],
        "summary": view["summary"],
        "rules": rules,
        "kinds": kinds,
        "elements": elements,
        "flows": view["flows"],
        "boundaries": view["boundaries"],
        "data": view["data"],
        "findings": findings,
    })
}

/// `items` with the `facts` fields taken out, and the table they go to: for each value of
/// `key`, in order, `{"id": value, facts…}`, the same facts wherever the value is repeated.
fn held_once(
    items: &serde_json::Value,
    key: &str,
    facts: &[&str],
) -> (Vec<serde_json::Value>, Vec<serde_json::Value>) {
    let mut table = std::collections::BTreeMap::new();
    let mut rest = Vec::new();
    for mut item in items.as_array().unwrap().clone() {
        let fields = item.as_object_mut().unwrap();
        let mut held = serde_json::Map::new();
        held.insert("id".into(), fields[key].clone());
        for fact in facts {
            held.insert(fact.to_string(), fields.remove(*fact).unwrap());
        }
        let held = serde_json::Value::Object(held);
        let id = fields[key].as_str().unwrap().to_string();
        let previous = table.insert(id, held.clone());
        assert!(
            previous.is_none_or(|p| p == held),
            "one {key}, one set of facts"
        );
        rest.push(item);
    }
    (rest, table.into_values().collect())
}
