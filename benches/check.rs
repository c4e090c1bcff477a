//! `check` time: the bundled examples and generated models of thousands of elements.
//!
//! Run with `cargo bench --bench check`. Each case is compiled repeatedly (parse, load the
//! standard library, resolve, build the graph, run the stride and serverless rules, apply
//! accepted risks) and the median wall time is printed with the diagnostics and findings.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use threatflow::compile::Options;
use threatflow::load::{LoadedFile, Loader};

struct DirLoader(PathBuf);

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
fn generated(services: usize) -> String {
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

fn measure(name: &str, base: &Path, file: &str, bytes: &[u8], runs: usize) {
    let today = time::Date::from_calendar_date(2026, time::Month::June, 1).unwrap();
    let mut times: Vec<Duration> = Vec::with_capacity(runs);
    let mut errors = 0;
    let mut findings = 0;
    for _ in 0..runs {
        let root = LoadedFile {
            key: file.to_string(),
            name: file.to_string(),
            bytes: bytes.to_vec(),
        };
        let started = Instant::now();
        let compilation = threatflow::compile(
            root,
            &mut DirLoader(base.to_path_buf()),
            Options::new(today),
        );
        times.push(started.elapsed());
        errors = compilation.diagnostics.len();
        findings = compilation.findings.len();
        std::hint::black_box(&compilation);
    }
    times.sort();
    let median = times[times.len() / 2];
    println!(
        "{name:<38} {:>8} bytes  median {:>9.3} ms  min {:>9.3} ms  ({errors} diagnostics, {findings} findings, {runs} runs)",
        bytes.len(),
        median.as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
    );
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    for example in [
        "examples/orders-api/orders.flow",
        "examples/upload-pipeline/upload.flow",
        "examples/multi-account/platform.flow",
    ] {
        let bytes = std::fs::read(root.join(example)).unwrap();
        measure(example, &root, example, &bytes, 50);
    }
    // Error paths must stay linear too: one syntax error on each of 20,000 lines.
    let broken: String = (0..20_000)
        .map(|i| format!("boundary b{i} {{ x = }}\n"))
        .collect();
    measure(
        "20,000 syntax errors",
        &root,
        "broken.flow",
        broken.as_bytes(),
        3,
    );
    for services in [250, 1_000, 2_500] {
        let text = generated(services);
        let elements = services * 4 + 10 + 1;
        let name = format!("generated: {elements} elements");
        measure(&name, &root, "generated.flow", text.as_bytes(), 10);
    }
}
