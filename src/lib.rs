//! threatflow: a threat-modeling compiler.
//!
//! The library is the pure core of the pipeline. It takes text and returns values plus
//! diagnostics; it never touches the file system, the terminal or the process (the `threatflow`
//! binary does, through the [`load::Loader`] it implements).
//!
//! ```text
//! text ──syntax──▶ AST ──load (use)──▶ files ──resolve──▶ typed Model + diagnostics
//!                  AST + comments ──format──▶ canonical text
//! ```

pub mod compile;
pub mod diagnostic;
pub mod format;
pub mod load;
pub mod model;
pub mod resolve;
pub mod source;
pub mod span;
pub mod stdlib;
pub mod suggest;
pub mod syntax;

pub use compile::{Compilation, compile};
