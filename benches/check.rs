//! `check` time: the bundled examples and generated models of thousands of elements.
//!
//! Run with `cargo bench --bench check`. Each case is compiled repeatedly (parse, load the
//! standard library, resolve, build the graph, run the stride and serverless rules, apply
//! accepted risks) and the median wall time is printed with the diagnostics and findings.

mod common;

use common::{DirLoader, generated};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use threatflow::compile::Options;
use threatflow::load::LoadedFile;

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
    // Parsing alone (grammar and syntax tree), in MB/s of `.flow` source.
    let source = generated(2_500);
    let mut times = Vec::new();
    for _ in 0..30 {
        let started = Instant::now();
        let parsed = threatflow::syntax::parse(threatflow::span::FileId(0), &source);
        times.push(started.elapsed());
        std::hint::black_box(&parsed);
    }
    times.sort();
    let median = times[times.len() / 2];
    println!(
        "{:<38} {:>8} bytes  median {:>9.3} ms  min {:>9.3} ms  ({:.1} MB/s at the median)",
        "parse only: generated 10,011 elements",
        source.len(),
        median.as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        source.len() as f64 / median.as_secs_f64() / 1e6
    );
    for services in [250, 1_000, 2_500] {
        let text = generated(services);
        let elements = services * 4 + 10 + 1;
        let name = format!("generated: {elements} elements");
        measure(&name, &root, "generated.flow", text.as_bytes(), 10);
    }
}
