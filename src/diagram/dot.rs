//! Graphviz DOT: boundaries as `subgraph cluster_*` (dashed), elements shaped by role, flows as
//! labelled edges. For teams that render with Graphviz.

use super::{Group, Scene};
use crate::escape;
use crate::rules::severity::Severity;
use std::fmt::Write;

/// The DOT shape for a role.
fn shape(role: &str) -> &'static str {
    match role {
        "actor" => "box",
        "process" => "ellipse",
        "store" => "cylinder",
        "queue" => "cds",
        "key" => "note",
        "identity" => "hexagon",
        "network" => "diamond",
        "monitor" => "folder",
        _ => "box",
    }
}

pub fn color(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "#b00020",
        Severity::High => "#d9480f",
        Severity::Medium => "#e6a700",
        Severity::Low => "#1c7ed6",
        Severity::Info => "#868e96",
    }
}

pub fn render(scene: &Scene) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "digraph threatflow {{");
    let _ = writeln!(
        out,
        "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=12, label=\"{}\", labelloc=t];",
        escape::dot(&scene.view.model.name)
    );
    let _ = writeln!(out, "  node [fontname=\"Helvetica\", fontsize=11];");
    let _ = writeln!(out, "  edge [fontname=\"Helvetica\", fontsize=9];");
    for group in &scene.groups {
        write_group(&mut out, scene, group, 1);
    }
    for &element in &scene.elements {
        write_node(&mut out, scene, element, 1);
    }
    for &flow in &scene.flows {
        let f = scene.flow(flow);
        let _ = writeln!(
            out,
            "  n{} -> n{} [label=\"{}\"];",
            scene.index_of(f.source),
            scene.index_of(f.target),
            escape::dot(&scene.flow_label(flow))
        );
    }
    out.push_str("}\n");
    out
}

fn write_group(out: &mut String, scene: &Scene, group: &Group, depth: usize) {
    let pad = "  ".repeat(depth);
    let boundary = &scene.view.boundaries[group.boundary];
    let _ = writeln!(out, "{pad}subgraph cluster_b{} {{", group.boundary);
    let _ = writeln!(
        out,
        "{pad}  label=\"{} ({})\"; style=dashed; color=\"#555555\";",
        escape::dot(boundary.label),
        escape::dot(boundary.kind)
    );
    for inner in &group.groups {
        write_group(out, scene, inner, depth + 1);
    }
    for &element in &group.elements {
        write_node(out, scene, element, depth + 1);
    }
    let _ = writeln!(out, "{pad}}}");
}

fn write_node(out: &mut String, scene: &Scene, index: usize, depth: usize) {
    let pad = "  ".repeat(depth);
    let element = scene.element(index);
    let (label, kind) = scene.element_label(index);
    let mut text = format!("{}\n{}", escape::dot(&label), escape::dot(&kind));
    let mut style = String::new();
    if let Some(severity) = scene.mark(index) {
        text.push_str(&format!("\\n⚠ {}", severity.as_str()));
        style = format!(", color=\"{}\", penwidth=2", color(severity));
    }
    let _ = writeln!(
        out,
        "{pad}n{index} [label=\"{}\", shape={}{style}];",
        text.replace('\n', "\\n"),
        shape(element.role)
    );
}
