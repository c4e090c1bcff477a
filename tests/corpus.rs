//! A sweep over the real templates in `../shared/corpus` (skipped with a message when it is
//! absent): every template is read or rejected with a located error, never a panic, and the
//! figures are printed (`cargo test --test corpus -- --nocapture`).

mod support;

use std::path::{Path, PathBuf};
use threatflow::template::cloudformation;

fn templates(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            templates(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e == "yaml" || e == "yml" || e == "json" || e == "template")
        {
            out.push(path);
        }
    }
}

/// `../shared/corpus/<sub>`, or `None` after saying what covers the feature on a fresh clone.
fn corpus(sub: &str, covered_by: &str) -> Option<std::path::PathBuf> {
    let path = support::repo_root().join("../shared/corpus").join(sub);
    if path.exists() {
        Some(path)
    } else {
        eprintln!("skipped: ../shared/corpus is not here (a fresh clone); {covered_by}");
        None
    }
}

#[test]
fn every_corpus_template_is_read_or_rejected_with_a_location() {
    let Some(corpus) = corpus("", "tests/drift covers the readers") else {
        return;
    };
    let mut files = Vec::new();
    templates(&corpus.join("cfn-templates"), &mut files);
    templates(&corpus.join("sam-translator/input"), &mut files);
    templates(&corpus.join("sam-translator/output"), &mut files);
    files.sort();
    assert!(
        files.len() > 1000,
        "the corpus has {} templates",
        files.len()
    );
    // The translator's `error_*` outputs are error reports, not templates: they must be rejected.
    let (mut read, mut rejected, mut resources, mut error_cases, mut read_real) = (0, 0, 0, 0, 0);
    let mut reasons: std::collections::BTreeMap<String, usize> = Default::default();
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let Ok(text) = String::from_utf8(bytes) else {
            rejected += 1;
            *reasons.entry("not UTF-8".into()).or_default() += 1;
            continue;
        };
        let name = path.to_string_lossy().into_owned();
        let error_case = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("error_"));
        error_cases += usize::from(error_case);
        match std::panic::catch_unwind(|| cloudformation::read(&name, &text)) {
            Ok(Ok(deployment)) => {
                read += 1;
                read_real += usize::from(!error_case);
                resources += deployment.resources.len();
            }
            Ok(Err(error)) => {
                rejected += 1;
                assert!(error.line >= 1 && error.column >= 1, "{name}: {error:?}");
                if !error_case {
                    let reason: String = error.message.chars().take(90).collect();
                    *reasons.entry(reason).or_default() += 1;
                }
            }
            Err(_) => panic!("{name}: the reader panicked"),
        }
    }
    println!(
        "corpus: {} templates, {read} read ({resources} resources), {rejected} rejected",
        files.len()
    );
    for (reason, count) in &reasons {
        println!("  {count:>4}  {reason}");
    }
    let real = files.len() - error_cases;
    println!("  ({error_cases} are the translator's error_* cases)");
    println!("  {read_real} of the {real} templates that are not error cases read");
    assert!(
        read_real * 100 >= real * 97,
        "at least 97% of real templates read: {read_real} of {real}"
    );
}

/// Sorted (id, type) pairs, (from, to) edges and (principal, target) grants.
type Pairs = Vec<(String, String)>;

/// What the comparison of our SAM expansion with the translator's output looks at.
fn summary(deployment: &threatflow::template::deployment::Deployment) -> (Pairs, Pairs, Pairs) {
    const CORE: &[&str] = &[
        "AWS::Lambda::Function",
        "AWS::IAM::Role",
        "AWS::Lambda::Url",
        "AWS::Lambda::EventSourceMapping",
        "AWS::SNS::Subscription",
        "AWS::DynamoDB::Table",
        "AWS::ApiGateway::RestApi",
        "AWS::ApiGatewayV2::Api",
        "AWS::StepFunctions::StateMachine",
    ];
    let mut resources: Vec<(String, String)> = deployment
        .resources
        .iter()
        .filter(|r| CORE.contains(&r.kind.as_str()))
        .map(|r| (r.id.clone(), r.kind.clone()))
        .collect();
    let mut edges: Vec<(String, String)> = deployment
        .edges
        .iter()
        .map(|e| (e.from.clone(), e.to.clone()))
        .collect();
    let mut grants: Vec<(String, String)> = deployment
        .grants
        .iter()
        .flat_map(|g| g.targets.iter().map(|t| (g.principal.clone(), t.clone())))
        .collect();
    for list in [&mut resources, &mut edges, &mut grants] {
        list.sort();
        list.dedup();
    }
    (resources, edges, grants)
}

#[test]
fn our_sam_expansion_against_the_translators() {
    let Some(corpus) = corpus("sam-translator", "tests/drift covers SAM") else {
        return;
    };
    let mut inputs = Vec::new();
    templates(&corpus.join("input"), &mut inputs);
    inputs.sort();
    let (mut pairs, mut resources_match, mut edges_match, mut grants_match, mut all_match) =
        (0, 0, 0, 0, 0);
    let (mut connectors, mut connectors_match) = (0, 0);
    for input in &inputs {
        let stem = input.file_stem().unwrap().to_string_lossy().into_owned();
        if stem.starts_with("error_") {
            continue;
        }
        let output = corpus.join("output").join(format!("{stem}.json"));
        let (Ok(input_text), Ok(output_text)) = (
            std::fs::read_to_string(input),
            std::fs::read_to_string(&output),
        ) else {
            continue;
        };
        let (Ok(ours), Ok(theirs)) = (
            cloudformation::read(&stem, &input_text),
            cloudformation::read(&stem, &output_text),
        ) else {
            continue;
        };
        pairs += 1;
        let (a, b) = (summary(&ours), summary(&theirs));
        if a.0 != b.0 && std::env::var_os("SAM_DIFF").is_some() {
            let only_ours: Vec<_> = a.0.iter().filter(|r| !b.0.contains(r)).collect();
            let only_theirs: Vec<_> = b.0.iter().filter(|r| !a.0.contains(r)).collect();
            println!("{stem}: ours only {only_ours:?}; theirs only {only_theirs:?}");
        }
        if stem.contains("connector") {
            connectors += 1;
            connectors_match += usize::from(a.1 == b.1 && a.2 == b.2);
            if (a.1 != b.1 || a.2 != b.2) && std::env::var_os("SAM_DIFF").is_some() {
                println!(
                    "{stem}: edges ours {:?} theirs {:?}; grants ours {:?} theirs {:?}",
                    a.1, b.1, a.2, b.2
                );
            }
        }
        resources_match += usize::from(a.0 == b.0);
        edges_match += usize::from(a.1 == b.1);
        grants_match += usize::from(a.2 == b.2);
        all_match += usize::from(a == b);
    }
    println!(
        "SAM pairs: {pairs}; core resources match in {resources_match}, edges in {edges_match}, grants in {grants_match}, all three in {all_match}"
    );
    println!("connector pairs: {connectors}; edges and grants match in {connectors_match}");
    assert!(pairs > 400, "{pairs} pairs compared");
    assert!(all_match > 0);
}

#[test]
fn importing_every_corpus_template_gives_a_model_that_checks_and_has_no_drift() {
    let Some(corpus) = corpus("", "tests/import covers import") else {
        return;
    };
    let mut files = Vec::new();
    templates(&corpus.join("cfn-templates"), &mut files);
    templates(&corpus.join("sam-translator/input"), &mut files);
    files.sort();
    let (mut imported, mut with_errors, mut drifting) = (0, Vec::new(), Vec::new());
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let Ok(deployment) = cloudformation::read("template.yaml", &text) else {
            continue;
        };
        let model = threatflow::import::import(&[deployment]).expect("import renders");
        imported += 1;
        let mut compilation = support::compile_bytes(
            &support::repo_root(),
            "imported.flow",
            model.clone().into_bytes(),
        );
        if compilation.has_errors() {
            with_errors.push(path.display().to_string());
            continue;
        }
        compilation.findings.clear();
        threatflow::drift::check_drift(
            &mut compilation,
            &[threatflow::drift::Template::new("template.yaml", text)],
        );
        if !compilation.findings.is_empty() {
            drifting.push(format!(
                "{}: {}",
                path.display(),
                compilation.texts().message(&compilation.findings[0])
            ));
        }
    }
    println!(
        "import: {imported} templates imported; {} with errors, {} with drift",
        with_errors.len(),
        drifting.len()
    );
    for line in with_errors.iter().chain(&drifting).take(10) {
        println!("  {line}");
    }
    assert!(imported > 1000);
    assert!(
        with_errors.is_empty(),
        "imported models with errors: {with_errors:?}"
    );
    assert!(drifting.is_empty(), "import then drift: {drifting:?}");
}
