//! `threatflow fmt`: print, check or rewrite files in the canonical layout.

use super::args::Color;
use std::path::PathBuf;

pub fn run(_paths: &[PathBuf], _write: bool, _check: bool, _color: Color) -> i32 {
    eprintln!("fmt is not available yet");
    2
}
