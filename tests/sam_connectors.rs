//! SAM connectors (`tests/drift/connectors.yaml`): every mechanism a connector profile uses
//! becomes the grant or edge the drift check compares with the model's flows.

mod support;

use threatflow::drift::{Template, check_drift};
use threatflow::template::{self, deployment::Deployment};

fn deployment() -> (Deployment, String) {
    let text =
        std::fs::read_to_string(support::repo_root().join("tests/drift/connectors.yaml")).unwrap();
    let deployment = template::read("connectors.yaml", &text).expect("the template reads");
    (deployment, text)
}

fn actions(deployment: &Deployment, principal: &str, target: &str) -> Vec<String> {
    let mut actions: Vec<String> = deployment
        .grants
        .iter()
        .filter(|g| g.principal == principal && g.targets.iter().any(|t| t == target))
        .flat_map(|g| g.actions.clone())
        .collect();
    actions.sort();
    actions
}

#[test]
fn connectors_become_grants_on_the_right_role() {
    let (deployment, text) = deployment();
    assert_eq!(deployment.format, "sam");
    // Embedded, Read only: the table's read actions on the function's implicit role.
    let orders = actions(&deployment, "Worker", "Orders");
    assert!(
        orders.contains(&"dynamodb:GetItem".to_string()),
        "{orders:?}"
    );
    assert!(
        orders
            .iter()
            .all(|a| !a.contains("Put") && !a.contains("Delete")),
        "{orders:?}"
    );
    // A destination given by type and ARN, Write only.
    let audit = actions(&deployment, "Worker", "Audit");
    assert!(audit.contains(&"s3:PutObject".to_string()), "{audit:?}");
    assert!(!audit.contains(&"s3:GetObject".to_string()), "{audit:?}");
    // A queue polled by the function: the policy goes on the destination's role.
    assert_eq!(
        actions(&deployment, "Worker", "Jobs"),
        [
            "sqs:DeleteMessage",
            "sqs:GetQueueAttributes",
            "sqs:ReceiveMessage"
        ]
    );
    // Grants are located at the connector that asks for them.
    let grant = deployment
        .grants
        .iter()
        .find(|g| g.targets.iter().any(|t| t == "Jobs"))
        .unwrap();
    let connector_line = text
        .lines()
        .position(|l| l.trim() == "JobsToWorker:")
        .unwrap()
        + 2;
    assert_eq!(grant.line, connector_line);
    // The connector resources themselves are gone, as after the SAM translator.
    assert!(deployment.resource("JobsToWorker").is_none());
}

#[test]
fn resource_policy_connectors_become_edges() {
    let (deployment, _) = deployment();
    let mut edges: Vec<(&str, &str)> = deployment
        .edges
        .iter()
        .map(|e| (e.from.as_str(), e.to.as_str()))
        .collect();
    edges.sort();
    assert_eq!(
        edges,
        [
            ("Alerts", "Jobs"),
            ("Nightly", "Alerts"),
            ("PublicApi", "Worker"),
        ]
    );
}

#[test]
fn drift_compares_connector_grants_with_the_models_flows() {
    let base = support::repo_root().join("tests/drift");
    let model = r#"
model "Connectors" {
  owner "tests"
}

use aws

data Job : internal

boundary prod : aws.account {
  function worker : aws.lambda {
    deployed "Worker"
  }
  table orders : aws.dynamodb {
    deployed "Orders"
  }
  bucket audit : aws.s3 {
    deployed "Audit"
  }
  queue jobs : aws.sqs {
    deployed "Jobs"
  }
}

flow jobs -> worker {
  data Job
}
flow worker -> orders {
  data Job
  ops  read
}
"#;
    let mut compilation = support::compile_bytes(&base, "model.flow", model.as_bytes().to_vec());
    assert!(!compilation.has_errors(), "{:?}", compilation.diagnostics);
    compilation.findings.clear();
    let text = std::fs::read_to_string(base.join("connectors.yaml")).unwrap();
    check_drift(&mut compilation, &[Template::new("connectors.yaml", text)]);
    let ids: Vec<String> = compilation
        .findings
        .iter()
        .map(|f| f.id().to_string())
        .filter(|id| !id.starts_with("DRF-003"))
        .collect();
    // The write connector to the bucket has no flow; the read connector to the table matches
    // the model's read-only flow, and the queue's connector backs jobs -> worker.
    assert_eq!(ids, ["DRF-020@prod/worker->prod/audit"]);
}
