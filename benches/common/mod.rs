//! Shared by the benchmarks: a loader reading next to the model, and a model generator.

#![allow(dead_code)]

use std::path::PathBuf;
use threatflow::load::{LoadedFile, Loader};

pub struct DirLoader(pub PathBuf);

impl Loader for DirLoader {
    fn load(&mut self, from: &str, path: &str) -> Result<LoadedFile, String> {
        let full = threatflow::load::used_path(from, path);
        let bytes = std::fs::read(self.0.join(&full)).map_err(|e| e.to_string())?;
        let name = full.to_string_lossy().into_owned();
        Ok(LoadedFile {
            key: name.clone(),
            name,
            bytes,
        })
    }
}

/// A model with `services` Lambda functions, each with its own table, queue and key, in ten
/// accounts, and four flows per service.
pub fn generated(services: usize) -> String {
    let mut text = String::from(
        "model \"Generated\" { owner \"bench\" }\nuse aws\nuse stride\nuse serverless\n",
    );
    text.push_str("data Order : confidential\ndata Event : internal\n");
    text.push_str("boundary internet : internet { actor customer }\n");
    for account in 0..10 {
        text.push_str(&format!("boundary account{account} : aws.account {{\n"));
        text.push_str(&format!(
            "  api api{account} : aws.api_gateway {{ authorizer iam  throttle 100/s }}\n"
        ));
        text.push_str(&format!("  boundary vpc{account} : aws.vpc {{\n"));
        for i in (account..services).step_by(10) {
            text.push_str(&format!(
                "    function f{i} : aws.lambda {{ iam least_privilege  timeout 30  encryption cmk(k{i}) }}\n"
            ));
        }
        text.push_str("  }\n");
        for i in (account..services).step_by(10) {
            text.push_str(&format!(
                "  store t{i} : aws.dynamodb {{ encryption cmk(k{i})  pitr on }}\n"
            ));
            text.push_str(&format!(
                "  queue q{i} : aws.sqs {{ encryption cmk(k{i}) }}\n"
            ));
            text.push_str(&format!("  key k{i} : aws.kms {{ rotation on }}\n"));
        }
        text.push_str("}\n");
        text.push_str(&format!(
            "flow customer -> api{account} {{ data Order  protocol https }}\n"
        ));
    }
    for i in 0..services {
        let account = i % 10;
        text.push_str(&format!("flow api{account} -> f{i} {{ data Order }}\n"));
        text.push_str(&format!(
            "flow f{i} -> t{i} \"write\" {{ data Order  via vpc_endpoint  ops write }}\n"
        ));
        text.push_str(&format!(
            "flow f{i} -> q{i} {{ data Event  ops publish }}\n"
        ));
        text.push_str(&format!("flow q{i} -> f{i} \"retry\" {{ data Event }}\n"));
    }
    text
}
