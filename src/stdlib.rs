//! The standard library: `.flow` modules embedded in the binary, used by name (`use aws`).
//!
//! `core` (roles, generic kinds, default classifications and the schemas of flows, data,
//! classifications, rules and accepted risks) is part of every model without a `use`.

/// Every module, by name.
pub const MODULES: &[(&str, &str)] = &[
    ("core", include_str!("../stdlib/core.flow")),
    ("aws", include_str!("../stdlib/aws.flow")),
    ("stride", include_str!("../stdlib/stride.flow")),
    ("serverless", include_str!("../stdlib/serverless.flow")),
];

/// The module every model includes.
pub const CORE: &str = "core";

/// The text of the module `name`.
pub fn module(name: &str) -> Option<&'static str> {
    MODULES
        .iter()
        .find(|(module, _)| *module == name)
        .map(|(_, text)| *text)
}

/// The name diagnostics show for a module's file.
pub fn file_name(module: &str) -> String {
    format!("<stdlib>/{module}.flow")
}

/// A model that uses every module: the whole catalogue and every rule library.
pub fn everything() -> String {
    let mut text = String::from("model \"Standard library\" {\n  owner \"threatflow\"\n}\n");
    for (name, _) in MODULES.iter().filter(|(name, _)| *name != CORE) {
        text.push_str(&format!("use {name}\n"));
    }
    text
}
