//! SVG diagrams, laid out in-process with layout-rs (no Graphviz).
//!
//! layout-rs has no clusters, so boundaries are laid out bottom-up: each boundary's direct
//! elements and child boundaries (as single boxes of their computed size) are placed by a
//! layout-rs run of their own, the boundary's size follows from the result, and its parent
//! places it as one box. Then everything is drawn at absolute positions, and flows are drawn
//! as straight arrows between the boxes' edges with their labels on a halo.

use super::{Group, Scene};
use crate::escape;
use crate::rules::severity::Severity;
use layout::core::base::Orientation;
use layout::core::color::Color;
use layout::core::format::{ClipHandle, RenderBackend};
use layout::core::geometry::Point;
use layout::core::style::StyleAttr;
use layout::std_shapes::shapes::{Arrow, Element as Shape, ShapeKind};
use layout::topo::layout::VisualGraph;
use std::collections::HashMap;
use std::fmt::Write;

const CHAR_WIDTH: f64 = 7.0;
const LINE_HEIGHT: f64 = 15.0;
const PADDING: f64 = 16.0;
const TITLE: f64 = 22.0;
/// The width of a character of a flow label (10px text).
const LABEL_CHAR_WIDTH: f64 = 5.6;

/// Something placed inside a boundary (or at the top level).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Item {
    Element(usize),
    /// A boundary, by its index in the view.
    Group(usize),
}

/// A box relative to its container's top-left corner.
#[derive(Clone, Copy, Debug)]
struct Placed {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

/// The layout of one container: its size and where its items are.
struct Laid {
    w: f64,
    h: f64,
    items: Vec<(Item, Placed)>,
}

/// A render backend that draws nothing: layout-rs places nodes while rendering.
struct NoDraw;

impl RenderBackend for NoDraw {
    fn draw_rect(
        &mut self,
        _: Point,
        _: Point,
        _: &StyleAttr,
        _: Option<String>,
        _: Option<ClipHandle>,
    ) {
    }
    fn draw_line(&mut self, _: Point, _: Point, _: &StyleAttr, _: Option<String>) {}
    fn draw_circle(&mut self, _: Point, _: Point, _: &StyleAttr, _: Option<String>) {}
    fn draw_text(&mut self, _: Point, _: &str, _: &StyleAttr) {}
    fn draw_arrow(
        &mut self,
        _: &[(Point, Point)],
        _: bool,
        _: (bool, bool),
        _: &StyleAttr,
        _: Option<String>,
        _: &str,
    ) {
    }
    fn create_clip(&mut self, _: Point, _: Point, _: usize) -> ClipHandle {
        0
    }
}

/// The lines of text in an element's box.
fn element_lines(scene: &Scene, index: usize) -> Vec<String> {
    let (label, kind) = scene.element_label(index);
    let mut lines = vec![label, kind];
    if let Some(severity) = scene.mark(index) {
        lines.push(format!("⚠ {}", severity.as_str()));
    }
    lines
}

fn element_size(scene: &Scene, index: usize) -> (f64, f64) {
    let lines = element_lines(scene, index);
    let longest = lines.iter().map(|l| l.chars().count()).max().unwrap_or(1) as f64;
    (
        (longest * CHAR_WIDTH + 2.0 * PADDING).max(90.0),
        lines.len() as f64 * LINE_HEIGHT + PADDING,
    )
}

/// For each drawn element, the boundaries (view indices) it sits in, outermost first.
fn ancestry(scene: &Scene) -> HashMap<usize, Vec<usize>> {
    fn visit(group: &Group, path: &mut Vec<usize>, out: &mut HashMap<usize, Vec<usize>>) {
        path.push(group.boundary);
        for &e in &group.elements {
            out.insert(e, path.clone());
        }
        for inner in &group.groups {
            visit(inner, path, out);
        }
        path.pop();
    }
    let mut out: HashMap<usize, Vec<usize>> =
        scene.elements.iter().map(|e| (*e, Vec::new())).collect();
    for group in &scene.groups {
        visit(group, &mut Vec::new(), &mut out);
    }
    out
}

/// Lays out a container holding `elements` and `groups`, at nesting `depth` (0: the top).
fn lay_out(
    scene: &Scene,
    elements: &[usize],
    groups: &[Group],
    depth: usize,
    title_width: f64,
    ancestry: &HashMap<usize, Vec<usize>>,
    laid: &mut HashMap<usize, Laid>,
) -> Laid {
    let mut sizes: Vec<(Item, f64, f64)> = Vec::new();
    for group in groups {
        let boundary = &scene.view.boundaries[group.boundary];
        let title = (boundary.label.chars().count() + boundary.kind.chars().count() + 3) as f64;
        let inner = lay_out(
            scene,
            &group.elements,
            &group.groups,
            depth + 1,
            title * 7.5 + 2.0 * PADDING,
            ancestry,
            laid,
        );
        sizes.push((Item::Group(group.boundary), inner.w, inner.h));
        laid.insert(group.boundary, inner);
    }
    for &e in elements {
        let (w, h) = element_size(scene, e);
        sizes.push((Item::Element(e), w, h));
    }
    // The item of this container that holds an element, if any.
    let holder = |element: usize| -> Option<Item> {
        let path = ancestry.get(&element)?;
        let here = sizes.iter().any(|(item, _, _)| match item {
            Item::Element(e) => *e == element,
            Item::Group(b) => path.get(depth) == Some(b),
        });
        if !here {
            return None;
        }
        Some(match path.get(depth) {
            Some(b) => Item::Group(*b),
            None => Item::Element(element),
        })
    };
    let mut edges: Vec<(Item, Item)> = Vec::new();
    for &flow in &scene.flows {
        let f = scene.flow(flow);
        if let (Some(a), Some(b)) = (
            holder(scene.index_of(f.source)),
            holder(scene.index_of(f.target)),
        ) && a != b
            && !edges.contains(&(a, b))
        {
            edges.push((a, b));
        }
    }
    let placed = place(&sizes, &edges);
    let min_x = placed.iter().map(|p| p.x).fold(f64::INFINITY, f64::min);
    let min_y = placed.iter().map(|p| p.y).fold(f64::INFINITY, f64::min);
    let (min_x, min_y) = if placed.is_empty() {
        (0.0, 0.0)
    } else {
        (min_x, min_y)
    };
    let top = if depth == 0 { PADDING } else { TITLE + PADDING };
    let items: Vec<(Item, Placed)> = sizes
        .iter()
        .zip(&placed)
        .map(|((item, _, _), p)| {
            (
                *item,
                Placed {
                    x: p.x - min_x + PADDING,
                    y: p.y - min_y + top,
                    w: p.w,
                    h: p.h,
                },
            )
        })
        .collect();
    let w = items.iter().map(|(_, p)| p.x + p.w).fold(160.0, f64::max) + PADDING;
    let w = w.max(title_width);
    let h = items
        .iter()
        .map(|(_, p)| p.y + p.h)
        .fold(top + 20.0, f64::max)
        + PADDING;
    Laid { w, h, items }
}

thread_local! {
    /// Set while layout-rs runs on this thread, whose panics `place` catches.
    static LAYING_OUT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether this thread is inside a layout-rs run. A panic hook can use it to stay quiet about
/// panics that `place` catches and recovers from.
pub fn laying_out() -> bool {
    LAYING_OUT.with(|flag| flag.get())
}

/// Places boxes of the given sizes with layout-rs; falls back to a grid if it fails.
fn place(sizes: &[(Item, f64, f64)], edges: &[(Item, Item)]) -> Vec<Placed> {
    if sizes.is_empty() {
        // layout-rs panics on an empty graph.
        return Vec::new();
    }
    let run = || {
        let mut graph = VisualGraph::new(Orientation::LeftToRight);
        let style = StyleAttr::new(Color::fast("black"), 1, None, 0, 12);
        let handles: Vec<_> = sizes
            .iter()
            .map(|(_, w, h)| {
                graph.add_node(Shape::create(
                    ShapeKind::new_box(""),
                    style.clone(),
                    Orientation::LeftToRight,
                    Point::new(*w, *h),
                ))
            })
            .collect();
        let index = |item: &Item| sizes.iter().position(|(i, _, _)| i == item);
        for (a, b) in edges {
            if let (Some(a), Some(b)) = (index(a), index(b)) {
                graph.add_edge(Arrow::simple(""), handles[a], handles[b]);
            }
        }
        graph.do_it(false, false, false, &mut NoDraw);
        handles
            .iter()
            .zip(sizes)
            .map(|(h, (_, w, hh))| {
                let center = graph.pos(*h).center();
                Placed {
                    x: center.x - w / 2.0,
                    y: center.y - hh / 2.0,
                    w: *w,
                    h: *hh,
                }
            })
            .collect::<Vec<Placed>>()
    };
    LAYING_OUT.with(|flag| flag.set(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(run));
    LAYING_OUT.with(|flag| flag.set(false));
    match result {
        Ok(placed) if placed.iter().all(|p| p.x.is_finite() && p.y.is_finite()) => placed,
        _ => grid(sizes),
    }
}

/// A plain placement: rows of at most six boxes.
fn grid(sizes: &[(Item, f64, f64)]) -> Vec<Placed> {
    let mut out = Vec::new();
    let (mut x, mut y, mut row_h) = (0.0, 0.0, 0.0f64);
    for (i, (_, w, h)) in sizes.iter().enumerate() {
        if i > 0 && i % 6 == 0 {
            x = 0.0;
            y += row_h + 2.0 * PADDING;
            row_h = 0.0;
        }
        out.push(Placed { x, y, w: *w, h: *h });
        x += w + 2.0 * PADDING;
        row_h = row_h.max(*h);
    }
    out
}

/// Absolute boxes of every element and boundary.
fn absolute(
    laid: &Laid,
    all: &HashMap<usize, Laid>,
    dx: f64,
    dy: f64,
    elements: &mut HashMap<usize, Placed>,
    groups: &mut Vec<(usize, Placed, usize)>,
    depth: usize,
) {
    for (item, p) in &laid.items {
        let at = Placed {
            x: p.x + dx,
            y: p.y + dy,
            w: p.w,
            h: p.h,
        };
        match item {
            Item::Element(e) => {
                elements.insert(*e, at);
            }
            Item::Group(b) => {
                groups.push((*b, at, depth));
                if let Some(inner) = all.get(b) {
                    absolute(inner, all, at.x, at.y, elements, groups, depth + 1);
                }
            }
        }
    }
}

fn mark_color(severity: Severity) -> &'static str {
    super::dot::color(severity)
}

/// The point where the line from the centre of `b` towards `toward` leaves the box.
fn exit_point(b: &Placed, toward: (f64, f64)) -> (f64, f64) {
    let (cx, cy) = (b.x + b.w / 2.0, b.y + b.h / 2.0);
    let (dx, dy) = (toward.0 - cx, toward.1 - cy);
    if dx == 0.0 && dy == 0.0 {
        return (cx, cy);
    }
    let sx = if dx != 0.0 {
        (b.w / 2.0) / dx.abs()
    } else {
        f64::INFINITY
    };
    let sy = if dy != 0.0 {
        (b.h / 2.0) / dy.abs()
    } else {
        f64::INFINITY
    };
    let s = sx.min(sy);
    (cx + dx * s, cy + dy * s)
}

/// Where a flow's label goes: the first point along the line, from the middle outwards, where
/// it covers no element and no other label (or the one covering fewest). The chosen box is
/// added to `taken`.
fn label_position(
    label: &str,
    start: (f64, f64),
    end: (f64, f64),
    offset: f64,
    elements: &HashMap<usize, Placed>,
    taken: &mut Vec<Placed>,
) -> (f64, f64) {
    let w = label.chars().count() as f64 * LABEL_CHAR_WIDTH + 4.0;
    let h = 13.0;
    let overlaps = |a: &Placed, b: &Placed| {
        a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
    };
    let mut best: Option<(usize, (f64, f64), Placed)> = None;
    for t in [0.5, 0.38, 0.62, 0.26, 0.74, 0.15, 0.85] {
        for lift in [-3.0, 14.0, -16.0, -30.0, 28.0] {
            let x = start.0 + (end.0 - start.0) * t;
            let y = start.1 + (end.1 - start.1) * t + offset + lift;
            let area = Placed {
                x: x - w / 2.0,
                y: y - h + 3.0,
                w,
                h,
            };
            let hits = elements.values().filter(|e| overlaps(e, &area)).count() * 2
                + taken.iter().filter(|l| overlaps(l, &area)).count();
            if best.as_ref().is_none_or(|(b, _, _)| hits < *b) {
                best = Some((hits, (x, y), area));
            }
            if hits == 0 {
                break;
            }
        }
        if best.as_ref().is_some_and(|(b, _, _)| *b == 0) {
            break;
        }
    }
    let (_, point, area) = best.expect("at least one candidate");
    taken.push(area);
    point
}

pub fn render(scene: &Scene) -> String {
    let ancestry = ancestry(scene);
    let mut laid = HashMap::new();
    let top = lay_out(
        scene,
        &scene.elements,
        &scene.groups,
        0,
        0.0,
        &ancestry,
        &mut laid,
    );
    let mut elements = HashMap::new();
    let mut groups = Vec::new();
    absolute(&top, &laid, 0.0, 0.0, &mut elements, &mut groups, 0);
    let (w, h) = (top.w.ceil(), top.h.ceil() + TITLE);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">"
    );
    let _ = writeln!(
        out,
        "<title>{}</title>",
        escape::xml(&scene.view.model.name)
    );
    out.push_str(concat!(
        "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\">",
        "<path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#444\"/></marker></defs>\n",
        "<style>.boundary rect{fill:none;stroke:#666;stroke-dasharray:6 4}.boundary text{fill:#444;font-weight:bold}",
        ".element text{fill:#111}.flow line{stroke:#444;stroke-width:1.2}.flow text{fill:#333;font-size:10px;paint-order:stroke;stroke:#fff;stroke-width:3px}</style>\n",
    ));
    let _ = writeln!(
        out,
        "<text x=\"{PADDING}\" y=\"16\" font-size=\"14\" font-weight=\"bold\">{}</text>",
        escape::xml(&scene.view.model.name)
    );
    let _ = writeln!(out, "<g transform=\"translate(0,{TITLE})\">");
    for (boundary, p, _) in &groups {
        let b = &scene.view.boundaries[*boundary];
        let _ = writeln!(
            out,
            "<g class=\"boundary\" data-boundary=\"{}\"><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"8\"/><text x=\"{:.1}\" y=\"{:.1}\">{} ({})</text></g>",
            escape::xml(b.id),
            p.x,
            p.y,
            p.w,
            p.h,
            p.x + 8.0,
            p.y + 16.0,
            escape::xml(b.label),
            escape::xml(b.kind)
        );
    }
    // Flows under the elements, so boxes stay readable; labels after, on a halo.
    let mut labels = String::new();
    let mut seen_pairs: HashMap<(usize, usize), usize> = HashMap::new();
    let mut taken: Vec<Placed> = Vec::new();
    for &flow in &scene.flows {
        let f = scene.flow(flow);
        let (s, t) = (scene.index_of(f.source), scene.index_of(f.target));
        let (Some(a), Some(b)) = (elements.get(&s), elements.get(&t)) else {
            continue;
        };
        let nth = seen_pairs.entry((s.min(t), s.max(t))).or_insert(0);
        let offset = *nth as f64 * 8.0;
        *nth += 1;
        let (ac, bc) = (
            (a.x + a.w / 2.0, a.y + a.h / 2.0 + offset),
            (b.x + b.w / 2.0, b.y + b.h / 2.0 + offset),
        );
        let start = exit_point(a, bc);
        let end = exit_point(b, ac);
        let _ = writeln!(
            out,
            "<g class=\"flow\" data-flow=\"{}\"><line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" marker-end=\"url(#arrow)\"/></g>",
            escape::xml(&f.id),
            start.0,
            start.1 + offset,
            end.0,
            end.1 + offset
        );
        let label = scene.flow_label(flow);
        if !label.is_empty() {
            let (x, y) = label_position(&label, start, end, offset, &elements, &mut taken);
            let _ = writeln!(
                labels,
                "<g class=\"flow\"><text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"middle\">{}</text></g>",
                escape::xml(&label)
            );
        }
    }
    let mut ordered: Vec<(&usize, &Placed)> = elements.iter().collect();
    ordered.sort_by_key(|(e, _)| **e);
    for (&index, p) in ordered {
        let element = scene.element(index);
        let (rx, fill, dash) = match element.role {
            "actor" => (0.0, "#f1f3f5", ""),
            "process" => (p.h / 2.0, "#e7f5ff", ""),
            "store" => (0.0, "#fff9db", ""),
            "queue" => (4.0, "#f3f0ff", " stroke-dasharray=\"3 2\""),
            "key" | "identity" => (10.0, "#ebfbee", ""),
            "network" => (2.0, "#fff4e6", " stroke-dasharray=\"1 2\""),
            "monitor" => (2.0, "#f8f0fc", ""),
            _ => (2.0, "#ffffff", ""),
        };
        let (stroke, width) = match scene.mark(index) {
            Some(severity) => (mark_color(severity), 2.5),
            None => ("#333", 1.2),
        };
        let _ = write!(
            out,
            "<g class=\"element role-{}\" data-element=\"{}\"><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"{rx:.1}\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{width}\"{dash}/>",
            escape::ident(element.role),
            escape::xml(element.id),
            p.x,
            p.y,
            p.w,
            p.h
        );
        if element.role == "store" {
            // Data-flow-diagram stores: open sides, lines above and below.
            let _ = write!(
                out,
                "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{stroke}\"/>",
                p.x + 6.0,
                p.y + 4.0,
                p.x + p.w - 6.0,
                p.y + 4.0
            );
        }
        for (i, line) in element_lines(scene, index).iter().enumerate() {
            let weight = if i == 0 { " font-weight=\"bold\"" } else { "" };
            let color = if i == 2 {
                format!(" fill=\"{stroke}\"")
            } else {
                String::new()
            };
            let _ = write!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\"{weight}{color}>{}</text>",
                p.x + p.w / 2.0,
                p.y + PADDING / 2.0 + LINE_HEIGHT * (i as f64 + 0.8),
                escape::xml(line)
            );
        }
        out.push_str("</g>\n");
    }
    out.push_str(&labels);
    out.push_str("</g>\n</svg>\n");
    out
}
