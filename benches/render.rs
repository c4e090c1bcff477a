//! Rendering time: every report and diagram format of the largest example, and the SVG diagram
//! of a generated model of about 300 elements.
//!
//! Run with `cargo bench --bench render`. The model is compiled once per case; the median wall
//! time of rendering (view, then the format) is printed.

mod common;

use common::{DirLoader, generated};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use threatflow::compile::Options;
use threatflow::diagram::{self, DiagramOptions, Scene};
use threatflow::load::LoadedFile;
use threatflow::report::{ReportView, json, sarif, templates};

fn compile(base: &Path, name: &str, bytes: Vec<u8>) -> threatflow::Compilation {
    let today = time::Date::from_calendar_date(2026, time::Month::June, 1).unwrap();
    let root = LoadedFile {
        key: name.to_string(),
        name: name.to_string(),
        bytes,
    };
    let compilation = threatflow::compile(
        root,
        &mut DirLoader(base.to_path_buf()),
        Options::new(today),
    );
    assert!(!compilation.has_errors());
    compilation
}

fn time(label: &str, runs: usize, mut render: impl FnMut() -> String) {
    let mut times: Vec<Duration> = Vec::new();
    let mut bytes = 0;
    for _ in 0..runs {
        let started = Instant::now();
        let text = render();
        times.push(started.elapsed());
        bytes = text.len();
        std::hint::black_box(text);
    }
    times.sort();
    println!(
        "{label:<44} median {:>8.3} ms  ({bytes} bytes, {runs} runs)",
        times[times.len() / 2].as_secs_f64() * 1e3
    );
}

fn scene_of<'a>(view: &'a ReportView<'a>) -> Scene<'a> {
    Scene::new(view, DiagramOptions::default()).unwrap()
}

fn all_formats(name: &str, compilation: &threatflow::Compilation, runs: usize) {
    time(&format!("{name}: json"), runs, || {
        json::render(&ReportView::new(compilation))
    });
    time(&format!("{name}: sarif"), runs, || {
        sarif::render(&ReportView::new(compilation), &compilation.rules)
    });
    time(&format!("{name}: svg"), runs, || {
        diagram::svg::render(&scene_of(&ReportView::new(compilation)))
    });
    time(&format!("{name}: dot"), runs, || {
        diagram::dot::render(&scene_of(&ReportView::new(compilation)))
    });
    time(&format!("{name}: mermaid"), runs, || {
        diagram::mermaid::render(&scene_of(&ReportView::new(compilation)))
    });
    for (format, template) in [("md", templates::MARKDOWN), ("html", templates::HTML)] {
        time(&format!("{name}: {format}"), runs, || {
            let view = ReportView::new(compilation);
            let scene = scene_of(&view);
            let extra = [
                ("mermaid", diagram::mermaid::render(&scene)),
                ("svg", diagram::svg::render(&scene)),
            ];
            templates::render(template.0, template.1, &view, &extra).unwrap()
        });
    }
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let example = "examples/multi-account/platform.flow";
    let bytes = std::fs::read(root.join(example)).unwrap();
    let base = root.join("examples/multi-account");
    let compilation = compile(&base, "platform.flow", bytes);
    all_formats("multi-account (largest example)", &compilation, 20);

    // 75 services: 300 service elements plus the shared ones.
    let text = generated(75);
    let compilation = compile(&root, "generated.flow", text.into_bytes());
    let elements = compilation.model.elements.len();
    time(&format!("generated, {elements} elements: svg"), 5, || {
        let view = ReportView::new(&compilation);
        diagram::svg::render(&Scene::new(&view, DiagramOptions::default()).unwrap())
    });
}
