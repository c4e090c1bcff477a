//! threatflow: a threat-modeling compiler.
//!
//! The library is the pure core of the pipeline. It takes text and returns values plus
//! diagnostics; it never touches the file system, the terminal or the process (the `threatflow`
//! binary does, through the [`load::Loader`] it implements).
//!
//! ```text
//! text ──syntax──▶ AST ──load (use)──▶ files ──resolve──▶ typed Model + diagnostics
//!      Model ──graph──▶ data-flow graph ──rules──▶ hits ──findings──▶ findings (accepted risks applied)
//!                  AST + comments ──format──▶ canonical text
//! ```
//!
//! Compiling a model held in memory:
//!
//! ```
//! use threatflow::load::{LoadedFile, NoFiles};
//! use threatflow::compile::Options;
//!
//! let text = "model \"Shop\" { owner \"me\" }\ndata Order : internal\nactor customer\nprocess shop\nflow customer -> shop { data Order }\n";
//! let root = LoadedFile { key: "shop.flow".into(), name: "shop.flow".into(), bytes: text.into() };
//! let today = time::Date::from_calendar_date(2026, time::Month::June, 1).unwrap();
//! let compilation = threatflow::compile(root, &mut NoFiles, Options::new(today));
//! assert!(compilation.diagnostics.is_empty());
//! assert_eq!(compilation.model.flows.len(), 1);
//! ```
//!
//! Formatting one file:
//!
//! ```
//! let formatted = threatflow::format::format(threatflow::span::FileId(0), "actor   a {}\n").unwrap();
//! assert_eq!(formatted, "actor a\n");
//! ```

pub mod compile;
pub mod diagnostic;
pub mod diagram;
pub mod drift;
pub mod escape;
pub mod findings;
pub mod format;
pub mod graph;
pub mod import;
pub mod lines;
pub mod load;
pub mod model;
pub mod report;
pub mod resolve;
pub mod rules;
pub mod source;
pub mod span;
pub mod stdlib;
pub mod suggest;
pub mod syntax;
pub mod template;

pub use compile::{Compilation, compile};
