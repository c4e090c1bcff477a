//! `threatflow import TEMPLATE… [-o model.flow]`: a first model from deployed templates. An
//! existing output file is only replaced with `--force`.

use super::check::EXIT_ERRORS;
use super::files;
use std::path::{Path, PathBuf};
use threatflow::template;

pub fn run(templates: &[PathBuf], out: Option<&Path>, force: bool) -> i32 {
    if let Some(path) = out
        && path.exists()
        && !force
    {
        eprintln!(
            "error: `{}` exists; pass --force to replace it",
            path.display()
        );
        return EXIT_ERRORS;
    }
    if super::output::overwrites_an_input(out, templates.iter().map(PathBuf::as_path)) {
        return EXIT_ERRORS;
    }
    let mut deployments = Vec::new();
    let mut failed = false;
    for path in templates {
        // The model names templates relative to itself; the output's directory is that place.
        let shown = match out.and_then(Path::parent) {
            Some(dir) if !dir.as_os_str().is_empty() => pathdiff(path, dir),
            _ => path.display().to_string(),
        };
        let text = match files::read(path)
            .and_then(|b| String::from_utf8(b).map_err(|_| "it is not UTF-8".into()))
        {
            Ok(text) => text,
            Err(reason) => {
                eprintln!("error: cannot read `{}`: {reason}", path.display());
                failed = true;
                continue;
            }
        };
        match template::read(&shown, &text) {
            Ok(deployment) => deployments.push(deployment),
            Err(error) => {
                eprintln!(
                    "error[TF0901]: cannot read `{}`: {} (line {}, column {})",
                    path.display(),
                    error.message,
                    error.line,
                    error.column
                );
                failed = true;
            }
        }
    }
    if failed {
        return EXIT_ERRORS;
    }
    match threatflow::import::import(&deployments) {
        Ok(model) => match out {
            None => {
                print!("{model}");
                0
            }
            Some(path) => match files::write_atomically(path, model.as_bytes()) {
                Ok(()) => 0,
                Err(reason) => {
                    eprintln!("error: cannot write `{}`: {reason}", path.display());
                    EXIT_ERRORS
                }
            },
        },
        Err(reason) => {
            eprintln!("error: cannot import: {reason}");
            EXIT_ERRORS
        }
    }
}

/// `path` relative to `base` when `path` is inside it, else as given.
fn pathdiff(path: &Path, base: &Path) -> String {
    let absolute = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (path_abs, base_abs) = (absolute(path), absolute(base));
    match path_abs.strip_prefix(&base_abs) {
        Ok(relative) => relative.display().to_string(),
        Err(_) => path.display().to_string(),
    }
}
