//! Mermaid `flowchart`: boundaries as nested `subgraph` blocks, elements shaped by role, flows
//! as labelled arrows. GitHub renders it inside Markdown.

use super::{Group, Scene};
use crate::escape;
use crate::rules::severity::Severity;
use std::fmt::Write;

/// The Mermaid node syntax for a role, around an already-escaped, quoted label.
fn node(role: &str, id: &str, label: &str) -> String {
    match role {
        "actor" => format!("{id}[\"{label}\"]"),
        "process" => format!("{id}(\"{label}\")"),
        "store" => format!("{id}[(\"{label}\")]"),
        "queue" => format!("{id}[/\"{label}\"/]"),
        "key" | "identity" => format!("{id}{{{{\"{label}\"}}}}"),
        "network" => format!("{id}>\"{label}\"]"),
        "monitor" => format!("{id}[[\"{label}\"]]"),
        _ => format!("{id}[\"{label}\"]"),
    }
}

pub fn render(scene: &Scene) -> String {
    let mut out = String::from("flowchart LR\n");
    for group in &scene.groups {
        write_group(&mut out, scene, group, 1);
    }
    for &element in &scene.elements {
        write_node(&mut out, scene, element, 1);
    }
    for &flow in &scene.flows {
        let f = scene.flow(flow);
        let label = scene.flow_label(flow);
        let source = scene.index_of(f.source);
        let target = scene.index_of(f.target);
        if label.is_empty() {
            let _ = writeln!(out, "  n{source} --> n{target}");
        } else {
            let _ = writeln!(
                out,
                "  n{source} -->|\"{}\"| n{target}",
                escape::mermaid(&label)
            );
        }
    }
    let mut marked: Vec<(usize, Severity)> = Vec::new();
    for index in all_elements(scene) {
        if let Some(severity) = scene.mark(index) {
            marked.push((index, severity));
        }
    }
    for severity in Severity::ALL {
        let ids: Vec<String> = marked
            .iter()
            .filter(|(_, s)| *s == severity)
            .map(|(i, _)| format!("n{i}"))
            .collect();
        if !ids.is_empty() {
            let _ = writeln!(
                out,
                "  classDef sev_{0} stroke:{1},stroke-width:3px\n  class {2} sev_{0}",
                severity.as_str(),
                super::dot::color(severity),
                ids.join(",")
            );
        }
    }
    out
}

fn all_elements(scene: &Scene) -> Vec<usize> {
    let mut out = scene.elements.clone();
    for (group, _) in super::walk(&scene.groups) {
        out.extend(&group.elements);
    }
    out.sort_unstable();
    out
}

fn write_group(out: &mut String, scene: &Scene, group: &Group, depth: usize) {
    let pad = "  ".repeat(depth);
    let boundary = &scene.view.boundaries[group.boundary];
    let _ = writeln!(
        out,
        "{pad}subgraph b{}[\"{} ({})\"]",
        group.boundary,
        escape::mermaid(boundary.label),
        escape::mermaid(boundary.kind)
    );
    for inner in &group.groups {
        write_group(out, scene, inner, depth + 1);
    }
    for &element in &group.elements {
        write_node(out, scene, element, depth + 1);
    }
    let _ = writeln!(out, "{pad}end");
}

fn write_node(out: &mut String, scene: &Scene, index: usize, depth: usize) {
    let pad = "  ".repeat(depth);
    let element = scene.element(index);
    let (label, kind) = scene.element_label(index);
    let mut text = format!("{}<br/>{}", escape::mermaid(&label), escape::mermaid(&kind));
    if let Some(severity) = scene.mark(index) {
        text.push_str(&format!("<br/>⚠ {}", severity.as_str()));
    }
    let _ = writeln!(
        out,
        "{pad}{}",
        node(element.role, &format!("n{index}"), &text)
    );
}
