//! The command-line layer: the only code that reads files, prints and chooses exit codes.

pub mod args;
pub mod check;
pub mod diff;
pub mod drift;
pub mod files;
pub mod fmt;
pub mod git;
pub mod import;
pub mod output;
pub mod render;
pub mod rules;
