//! Parsing speed in MB/s of `.flow` source: the lexical pre-pass and the parser, on the
//! benchmark's generated models (the shape `bench/run.sh` gives pytm) of 3,000 and 50,000
//! units, with the allocator the binary uses.
//!
//! Run with `cargo bench --bench parse` (`bench/run.sh` runs it too).

use std::time::{Duration, Instant};

#[allow(dead_code)]
#[path = "../examples/gen_model.rs"]
mod generator;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    for units in [3_000, 50_000] {
        let source = generator::model(units);
        let runs = if units > 10_000 { 10 } else { 40 };
        let mut times: Vec<Duration> = Vec::with_capacity(runs);
        for _ in 0..runs {
            let started = Instant::now();
            let parsed = threatflow::syntax::parse(threatflow::span::FileId(0), &source);
            times.push(started.elapsed());
            assert!(parsed.diagnostics.is_empty(), "the generated model parses");
            std::hint::black_box(&parsed);
        }
        times.sort();
        let median = times[times.len() / 2];
        println!(
            "parse {:>6} units {:>10} bytes  median {:>8.3} ms  {:>6.1} MB/s",
            units,
            source.len(),
            median.as_secs_f64() * 1e3,
            source.len() as f64 / median.as_secs_f64() / 1e6
        );
    }
}
