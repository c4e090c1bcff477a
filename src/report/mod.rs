//! Reports and diagrams: the [`view`] of a compiled model rendered as JSON, Markdown, HTML and
//! SARIF reports, and as SVG, DOT and Mermaid diagrams. Every renderer is a pure function from
//! the view to text; every user-written string passes through the [`escape`](crate::escape) function
//! of its output format.

pub mod diff;
pub mod json;
pub mod pretty;
pub mod sarif;
pub mod templates;
pub mod view;

pub use view::ReportView;
