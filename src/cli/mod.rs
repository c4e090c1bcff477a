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

/// Lets go of a large value without freeing it: the process exits right after, and freeing the
/// millions of small allocations of a large model one by one costs more than the work itself.
pub fn release_at_exit<T>(value: T) {
    std::mem::forget(value);
}
