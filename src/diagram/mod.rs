//! Data-flow diagrams of a [`ReportView`]: SVG laid out in-process ([`svg`]), Graphviz DOT with
//! clusters ([`dot`]) and Mermaid flowcharts ([`mermaid`]). [`Scene`] decides what is drawn
//! (one boundary or all of it) and nests elements in their boundaries; the writers only draw.

pub mod dot;
pub mod mermaid;
pub mod svg;

use crate::report::view::{ElementView, FlowView, ReportView};
use crate::rules::severity::Severity;

/// What to draw.
#[derive(Clone, Debug, Default)]
pub struct DiagramOptions {
    /// Draw only this boundary and what is inside it.
    pub boundary: Option<String>,
    /// Leave off the marks for the highest finding severity.
    pub no_findings: bool,
}

/// A boundary in the scene, with what it directly contains.
#[derive(Clone, Debug)]
pub struct Group {
    /// Index into the view's boundaries.
    pub boundary: usize,
    pub groups: Vec<Group>,
    /// Indices into the view's elements.
    pub elements: Vec<usize>,
}

/// What a diagram shows: the top-level elements and boundaries, and the flows between drawn
/// elements.
pub struct Scene<'v> {
    pub view: &'v ReportView<'v>,
    pub options: DiagramOptions,
    pub elements: Vec<usize>,
    pub groups: Vec<Group>,
    /// Indices into the view's flows.
    pub flows: Vec<usize>,
    /// Element index by element id, for flows.
    drawn: std::collections::HashMap<&'v str, usize>,
}

impl<'v> Scene<'v> {
    /// Builds the scene; `Err` names the boundary that does not exist.
    pub fn new(view: &'v ReportView<'v>, options: DiagramOptions) -> Result<Scene<'v>, String> {
        let root = match &options.boundary {
            Some(name) => match view.boundaries.iter().position(|b| b.id == name) {
                Some(index) => Some(index),
                None => return Err(name.clone()),
            },
            None => None,
        };
        // Depth below which boundary paths are drawn: with a root boundary, its path's length - 1.
        let skip = root.map_or(0, |r| view.boundaries[r].path.len() - 1);
        let inside = |path: &[&str]| match root {
            Some(r) => path.get(skip) == Some(&view.boundaries[r].id),
            None => true,
        };
        let mut scene = Scene {
            view,
            options,
            elements: Vec::new(),
            groups: Vec::new(),
            flows: Vec::new(),
            drawn: Default::default(),
        };
        for (i, b) in view.boundaries.iter().enumerate() {
            if inside(&b.path) {
                let path = b.path[skip..b.path.len() - 1].to_vec();
                let group = Group {
                    boundary: i,
                    groups: Vec::new(),
                    elements: Vec::new(),
                };
                insert_group(view, &mut scene.groups, &path, group);
            }
        }
        for (i, e) in view.elements.iter().enumerate() {
            if !inside(&e.boundary_path) {
                continue;
            }
            scene.drawn.insert(e.id, i);
            let path = &e.boundary_path[skip.min(e.boundary_path.len())..];
            if path.is_empty() {
                scene.elements.push(i);
            } else {
                insert_element(view, &mut scene.groups, path, i);
            }
        }
        for (i, f) in view.flows.iter().enumerate() {
            if scene.drawn.contains_key(f.source) && scene.drawn.contains_key(f.target) {
                scene.flows.push(i);
            }
        }
        Ok(scene)
    }

    pub fn element(&self, index: usize) -> &'v ElementView<'v> {
        &self.view.elements[index]
    }

    pub fn flow(&self, index: usize) -> &'v FlowView<'v> {
        &self.view.flows[index]
    }

    /// The drawn index of the element named `id`.
    pub fn index_of(&self, id: &str) -> usize {
        self.drawn[id]
    }

    /// The severity mark of an element, unless marks are off.
    pub fn mark(&self, index: usize) -> Option<Severity> {
        if self.options.no_findings {
            None
        } else {
            self.element(index).highest_severity
        }
    }

    /// A flow's label: its own label, then the data it carries.
    pub fn flow_label(&self, index: usize) -> String {
        let flow = self.flow(index);
        let data = flow.data.join(", ");
        match (&flow.label, data.is_empty()) {
            (Some(label), false) => format!("{label}: {data}"),
            (Some(label), true) => label.to_string(),
            (None, _) => data,
        }
    }

    /// An element's label: its label (or name), and its kind.
    pub fn element_label(&self, index: usize) -> (String, String) {
        let e = self.element(index);
        (e.label.to_string(), e.kind.to_string())
    }
}

fn insert_group(view: &ReportView, groups: &mut Vec<Group>, path: &[&str], group: Group) {
    match path.split_first() {
        None => groups.push(group),
        Some((first, rest)) => {
            if let Some(parent) = groups
                .iter_mut()
                .find(|g| view.boundaries[g.boundary].id == *first)
            {
                insert_group(view, &mut parent.groups, rest, group);
            }
        }
    }
}

fn insert_element(view: &ReportView, groups: &mut [Group], path: &[&str], element: usize) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    if let Some(group) = groups
        .iter_mut()
        .find(|g| view.boundaries[g.boundary].id == *first)
    {
        if rest.is_empty() {
            group.elements.push(element);
        } else {
            insert_element(view, &mut group.groups, rest, element);
        }
    }
}

/// Every group of the tree, depth first, with its depth.
pub fn walk(groups: &[Group]) -> Vec<(&Group, usize)> {
    let mut out = Vec::new();
    let mut stack: Vec<(&Group, usize)> = groups.iter().rev().map(|g| (g, 0)).collect();
    while let Some((group, depth)) = stack.pop() {
        out.push((group, depth));
        stack.extend(group.groups.iter().rev().map(|g| (g, depth + 1)));
    }
    out
}
