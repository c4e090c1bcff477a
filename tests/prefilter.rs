//! Skipping the rules that cannot hold for an element's kind, role and written attributes, and
//! joining comparisons of one value, change no finding: on every bundled model and rule fixture,
//! and on a model of every role, the evaluation finds exactly the hits of running every rule, as
//! written, on every element and flow.

mod support;

use threatflow::graph::Graph;
use threatflow::rules::eval::ReachCache;
use threatflow::rules::{self, CompiledRule, Hit};

/// A hit as comparable text, its message and fix filled in.
fn key(rules: &[CompiledRule], graph: &Graph, hit: &Hit) -> String {
    let rule = &rules[hit.rule as usize];
    let reach = ReachCache::new();
    let mut message = String::new();
    rule.message_into(graph, &reach, hit.item, &mut message);
    let mut fix = String::new();
    let has_fix = rule.fix_into(graph, &reach, hit.item, &mut fix);
    format!(
        "{} {:?} {:?} {message} {:?}",
        hit.rule,
        hit.item,
        hit.severity,
        has_fix.then_some(fix)
    )
}

fn both_ways(compilation: &threatflow::Compilation) -> (Vec<String>, Vec<String>) {
    let graph = Graph::build(&compilation.model);
    let rules = &compilation.rules;
    let reach = ReachCache::new();
    let mut filtered: Vec<String> = rules::evaluate(rules, &graph, &reach, |_| false)
        .iter()
        .map(|hit| key(rules, &graph, hit))
        .collect();
    let mut everywhere: Vec<String> = rules::reference::evaluate_everywhere(rules, &graph)
        .iter()
        .map(|hit| key(rules, &graph, hit))
        .collect();
    filtered.sort();
    everywhere.sort();
    (filtered, everywhere)
}

#[test]
fn the_prefilter_keeps_every_hit_of_every_bundled_model() {
    let mut compared = 0;
    for path in support::bundled_models() {
        let compilation = support::compile_file(path.parent().unwrap(), &path);
        if compilation.has_errors() {
            continue;
        }
        let (filtered, everywhere) = both_ways(&compilation);
        assert_eq!(filtered, everywhere, "{}", path.display());
        compared += filtered.len();
    }
    assert!(compared > 250, "only {compared} hits compared");
}

#[test]
fn the_prefilter_keeps_every_hit_of_a_model_of_every_role() {
    let text = varied_model();
    let compilation = support::compile_bytes(&support::repo_root(), "gen.flow", text.into());
    assert!(!compilation.has_errors(), "{:?}", compilation.diagnostics);
    let (filtered, everywhere) = both_ways(&compilation);
    assert_eq!(filtered, everywhere);
    assert!(filtered.len() >= 40, "{} hits", filtered.len());
}

/// A small model of every role, in and out of a VPC and the internet, with and without
/// encryption, so that rules of every subject have something to hold for.
fn varied_model() -> String {
    let mut text = String::from(
        "model \"m\" { owner \"o\" }\nuse aws\nuse stride\nuse serverless\n\
         classification secret { level 4  at_rest cmk  in_transit mtls }\n\
         data pii : confidential\ndata key_material : secret\n\
         boundary internet : internet { actor user  actor partner }\n\
         boundary cloud : aws.account {\n  api gw : aws.api_gateway\n  queue q : aws.sqs\n\
         store bucket : aws.s3\n  store table : aws.dynamodb { encryption cmk(k) }\n\
         key k : aws.kms\n  boundary vpc : aws.vpc {\n",
    );
    // The functions write different attributes (or none), so that they fall in groups of
    // different layouts, and some attributes are decided per group, others per function.
    for i in 0..4 {
        text.push_str(&format!(
            "    function f{i} : aws.lambda {{ {} }}\n    store db{i} : aws.rds {{ encryption {} }}\n",
            ["", "tracing on  validates_input on", "tracing off", "secrets_in_env on"][i],
            ["none", "aws_managed", "cmk(k)", "none"][i]
        ));
    }
    text.push_str("  }\n}\n");
    text.push_str(
        "flow user -> gw { data pii  protocol https }\nflow partner -> q { data key_material }\n",
    );
    for i in 0..4 {
        text.push_str(&format!(
            "flow gw -> f{i} {{ data pii }}\nflow f{i} -> db{i} {{ data {}  {} }}\nflow f{i} -> bucket {{ data pii }}\n",
            ["pii", "key_material"][i % 2],
            ["", "protocol sql", "protocol https", "protocol tcp  authn none"][i]
        ));
    }
    text.push_str("flow q -> table { data key_material }\n");
    text
}
