//! Binding elements to deployed resources: by `deployed "LogicalId"` (or Terraform address),
//! else by name, ignoring case and punctuation; a Terraform address binds by its name part
//! (`aws_dynamodb_table.orders` → `orders`). Among resources of the same name, one whose type
//! fits the element's kind wins, then the first in template order.

use crate::model::*;
use crate::span::FileId;
use crate::template::deployment::Deployment;
use std::collections::HashMap;

/// Where an element is bound: (deployment index, resource index).
pub(crate) type Binding = Option<(usize, usize)>;

fn normalized(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase()
}

/// One binding per element of the model, in element order.
pub(crate) fn bind(model: &Model, deployments: &[(FileId, Deployment)]) -> Vec<Binding> {
    let mut by_id: HashMap<&str, (usize, usize)> = HashMap::new();
    let mut by_name: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
    for (d, (_, deployment)) in deployments.iter().enumerate() {
        for (r, resource) in deployment.resources.iter().enumerate() {
            by_id.entry(resource.id.as_str()).or_insert((d, r));
            let whole = normalized(&resource.id);
            let part = normalized(resource.id.rsplit('.').next().unwrap_or(&resource.id));
            if part != whole {
                by_name.entry(part).or_default().push((d, r));
            }
            by_name.entry(whole).or_default().push((d, r));
        }
    }
    let kind_of = |(d, r): (usize, usize)| deployments[d].1.resources[r].kind.as_str();
    model
        .elements
        .iter()
        .map(|element| {
            if let Some(deployed) = element.attrs.get("deployed") {
                return match deployed {
                    AttrValue::Str(id) => by_id.get(id.as_str()).copied(),
                    _ => None,
                };
            }
            let mut candidates = by_name.get(&normalized(&element.name))?.clone();
            candidates.sort_unstable();
            let fits = &model.kind(element.kind).resources;
            candidates
                .iter()
                .find(|c| fits.iter().any(|t| t == kind_of(**c)))
                .or(candidates.first())
                .copied()
        })
        .collect()
}
