//! SVG diagrams, laid out in-process (no Graphviz).

use super::Scene;

pub fn render(_scene: &Scene) -> String {
    String::new()
}
