//! Unit tests of the derived graph facts on a small model.

use super::*;
use crate::compile::compile_clean;

fn model(text: &str) -> Model {
    compile_clean(text).model
}

fn id(model: &Model, name: &str) -> ElementId {
    ElementId(model.elements.iter().position(|e| e.name == name).unwrap() as u32)
}

const TEXT: &str = r#"model "G" { owner "t" }
use aws
data Public : public
data Secret : restricted
boundary internet : internet {
  actor visitor
}
boundary prod : aws.account {
  api open_api : aws.http_api
  api closed_api : aws.http_api { authorizer jwt }
  boundary app : zone {
    function open_fn : aws.lambda
    function closed_fn : aws.lambda
  }
  table t : aws.dynamodb
  function lonely : aws.lambda
}
flow visitor -> open_api { data Public }
flow visitor -> closed_api { data Public }
flow open_api -> open_fn { data Public }
flow closed_api -> closed_fn { data Secret }
flow closed_fn -> t { data Secret  ops write }
flow lonely -> t { data Public  ops read }
"#;

#[test]
fn boundary_chains_and_crossings() {
    let model = model(TEXT);
    let graph = Graph::build(&model);
    let names = |chain: &[BoundaryId]| -> Vec<String> {
        chain
            .iter()
            .map(|b| model.boundary(*b).name.clone())
            .collect()
    };
    assert_eq!(
        names(&graph.chains[id(&model, "open_fn").index()]),
        ["app", "prod"]
    );
    assert_eq!(
        names(&graph.chains[id(&model, "visitor").index()]),
        ["internet"]
    );
    // closed_fn (prod/app) -> t (prod) leaves `app` and enters nothing.
    let flow = model
        .flows
        .iter()
        .position(|f| f.source == id(&model, "closed_fn"))
        .unwrap();
    let index = flow as FlowIndex;
    assert_eq!(names(&graph.leaves[flow]), ["app"]);
    assert!(graph.enters[flow].is_empty());
    assert!(graph.crosses(index));
    let crossed: Vec<BoundaryId> = graph.crossed(index).collect();
    assert_eq!(names(&crossed), ["app"]);
}

#[test]
fn data_reaching_elements_and_levels() {
    let model = model(TEXT);
    let graph = Graph::build(&model);
    let t = id(&model, "t");
    assert_eq!(
        graph.data[t.index()].len(),
        2,
        "a store holds what flows in and out"
    );
    assert_eq!(
        graph.highest_level(graph.data[t.index()].iter().copied()),
        Some(3)
    );
    assert_eq!(
        graph.highest_level(graph.data[id(&model, "open_fn").index()].iter().copied()),
        Some(0)
    );
}

#[test]
fn exposure_follows_authentication() {
    let model = model(TEXT);
    let graph = Graph::build(&model);
    let exposure = |name: &str| graph.exposure[id(&model, name).index()];
    assert_eq!(exposure("open_api"), Exposure::Open);
    assert_eq!(exposure("open_fn"), Exposure::Open);
    assert_eq!(exposure("closed_api"), Exposure::Authenticated);
    assert_eq!(exposure("closed_fn"), Exposure::Authenticated);
    assert_eq!(exposure("t"), Exposure::Authenticated);
    assert_eq!(exposure("lonely"), Exposure::Internal);
    assert_eq!(
        exposure("visitor"),
        Exposure::Internal,
        "the internet's own elements are callers"
    );
    let path: Vec<&str> = graph.exposure_paths[id(&model, "t").index()]
        .iter()
        .map(|e| model.element(*e).name.as_str())
        .collect();
    assert_eq!(path, ["visitor", "closed_api", "closed_fn"]);
    assert!(graph.exposure_paths[id(&model, "lonely").index()].is_empty());
}

#[test]
fn reachability_is_computed_backwards_once() {
    let model = model(TEXT);
    let graph = Graph::build(&model);
    let t = id(&model, "t");
    let reaching = graph.can_reach(|e| e == t);
    let names: Vec<&str> = model
        .elements
        .iter()
        .enumerate()
        .filter(|(i, _)| reaching[*i])
        .map(|(_, e)| e.name.as_str())
        .collect();
    assert_eq!(names, ["visitor", "closed_api", "closed_fn", "lonely"]);
}
