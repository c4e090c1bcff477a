//! The JSON report: the [`ReportView`] itself, pretty-printed. `docs/report-schema.json` is its
//! JSON Schema; `schema_version` says which version of it a report follows.

use super::ReportView;

pub fn render(view: &ReportView) -> String {
    let mut text = serde_json::to_string_pretty(view).expect("the report view serializes");
    text.push('\n');
    text
}
