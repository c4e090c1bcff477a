//! Helpers shared by the integration tests: compiling fixture files with a loader that reads
//! next to them, at a fixed date.

#![allow(dead_code)]

pub mod mutate;

use std::path::{Path, PathBuf};
use threatflow::compile::Options;
use threatflow::load::{LoadedFile, Loader};
use threatflow::{Compilation, compile};

/// The date fixtures are checked at, so expiry diagnostics do not change with the calendar.
pub fn fixed_today() -> time::Date {
    time::Date::from_calendar_date(2026, time::Month::June, 1).expect("a valid date")
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Reads used files relative to the file that uses them; names are relative to `base`.
pub struct DirLoader {
    pub base: PathBuf,
}

impl Loader for DirLoader {
    fn load(&mut self, from: &str, path: &str) -> Result<LoadedFile, String> {
        let relative = threatflow::load::used_path(from, path);
        let bytes =
            std::fs::read(self.base.join(&relative)).map_err(|_| "no such file".to_string())?;
        let name = relative.to_string_lossy().replace('\\', "/");
        Ok(LoadedFile {
            key: name.clone(),
            name,
            bytes,
        })
    }
}

/// Compiles `bytes` as the file `name` (relative to `base`).
pub fn compile_bytes(base: &Path, name: &str, bytes: Vec<u8>) -> Compilation {
    let root = LoadedFile {
        key: name.to_string(),
        name: name.to_string(),
        bytes,
    };
    let mut loader = DirLoader {
        base: base.to_path_buf(),
    };
    compile(root, &mut loader, Options::new(fixed_today()))
}

/// Compiles the file at `path`, naming it relative to `base`.
pub fn compile_file(base: &Path, path: &Path) -> Compilation {
    let name = path
        .strip_prefix(base)
        .expect("the file is under the base")
        .to_string_lossy()
        .replace('\\', "/");
    let bytes = std::fs::read(path).expect("the fixture is readable");
    compile_bytes(base, &name, bytes)
}

/// Every `.flow` file under `dir`, recursively, appended to `out`.
pub fn all_flow_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable directory") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            all_flow_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "flow") {
            out.push(path);
        }
    }
}

/// Every `.flow` file under the repository's directories `dirs`, recursively, sorted.
pub fn flow_files_under(dirs: &[&str]) -> Vec<PathBuf> {
    let root = repo_root();
    let mut files = Vec::new();
    for dir in dirs {
        all_flow_files(&root.join(dir), &mut files);
    }
    files.sort();
    files
}

/// The bundled models: the examples, the fixtures, the rule fixtures and the drift models.
pub fn bundled_models() -> Vec<PathBuf> {
    flow_files_under(&["examples", "tests/fixtures", "tests/rules", "tests/drift"])
}

/// Every `.flow` file directly in `dir`, sorted.
pub fn flow_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("the directory exists")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "flow"))
        .collect();
    files.sort();
    files
}

/// The OASIS SARIF 2.1.0 schema's validator, when `../shared` is present (else `None`, and the
/// caller skips with a message).
pub fn sarif_validator() -> Option<jsonschema::Validator> {
    let path = repo_root().join("../shared/reference/sarif-schema-2.1.0.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!(
            "skipped: {} is not here (a fresh clone); the structural SARIF tests still run",
            path.display()
        );
        return None;
    };
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    Some(jsonschema::validator_for(&schema).expect("the SARIF schema compiles"))
}
