//! The report templates (tera), embedded in the binary and replaceable by a team's own.

use super::ReportView;
use crate::escape;
use std::collections::HashMap;

/// The embedded templates, by name.
pub const MARKDOWN: (&str, &str) = ("report.md", include_str!("../../templates/report.md.tera"));
pub const HTML: (&str, &str) = (
    "report.html",
    include_str!("../../templates/report.html.tera"),
);

fn filter(escape: fn(&str) -> String) -> impl tera::Filter {
    move |value: &tera::Value, _: &HashMap<String, tera::Value>| -> tera::Result<tera::Value> {
        let text = match value {
            tera::Value::String(s) => s.clone(),
            tera::Value::Null => String::new(),
            other => other.to_string(),
        };
        Ok(tera::Value::String(escape(&text)))
    }
}

/// Renders the template `name` with `text` (the embedded one or a team's override) over the
/// view and the extra values (pre-rendered diagrams). A broken override is an `Err` that says
/// what tera found, never a panic or a half-written report.
pub fn render(
    name: &str,
    text: &str,
    view: &ReportView,
    extra: &[(&str, String)],
) -> Result<String, String> {
    let mut tera = tera::Tera::default();
    tera.register_filter("md", filter(escape::markdown));
    tera.register_filter("xml", filter(escape::xml));
    tera.add_raw_template(name, text).map_err(describe)?;
    let mut context = tera::Context::from_serialize(view).map_err(describe)?;
    for (key, value) in extra {
        context.insert(*key, value);
    }
    let rendered = tera.render(name, &context).map_err(describe)?;
    Ok(format!("{}\n", rendered.trim_end()))
}

/// A tera error with its causes, on one line.
fn describe(error: tera::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}
