//! Reading models from git for `threatflow diff`: `REV:PATH` names a file as committed, and the
//! files it `use`s are read from the same revision.

use std::process::Command;
use threatflow::load::{LoadedFile, Loader, used_path};

/// `git show REV:PATH`, with git's own complaint as the error.
fn show(rev: &str, path: &str) -> Result<Vec<u8>, String> {
    let output = Command::new("git")
        .args(["show", &format!("{rev}:{path}")])
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        let message = String::from_utf8_lossy(&output.stderr);
        Err(message
            .lines()
            .next()
            .unwrap_or("git show failed")
            .trim()
            .to_string())
    }
}

/// The path of `path` (as written after `REV:`) relative to the repository's root.
fn root_relative(path: &str) -> String {
    if !(path.starts_with("./") || path.starts_with("../")) {
        return path.to_string();
    }
    let prefix = Command::new("git")
        .args(["rev-parse", "--show-prefix"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    used_path(&format!("{prefix}_"), path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// The root file `REV:PATH`.
pub fn root(rev: &str, path: &str) -> Result<LoadedFile, String> {
    let path = root_relative(path);
    let bytes = show(rev, &path)?;
    let name = format!("{rev}:{path}");
    Ok(LoadedFile {
        key: name.clone(),
        name,
        bytes,
    })
}

/// Reads used files from the revision of the file that uses them.
pub struct GitLoader;

impl Loader for GitLoader {
    fn load(&mut self, from: &str, path: &str) -> Result<LoadedFile, String> {
        let (rev, from_path) = from.split_once(':').ok_or("not a git path")?;
        let joined = used_path(from_path, path)
            .to_string_lossy()
            .replace('\\', "/");
        let bytes = show(rev, &joined)?;
        let name = format!("{rev}:{joined}");
        Ok(LoadedFile {
            key: name.clone(),
            name,
            bytes,
        })
    }
}
