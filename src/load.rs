//! Loading a model: the root file, the files it `use`s (transitively) and the standard library.
//!
//! Reading files is the caller's business: a [`Loader`] turns a `use "path"` into bytes, so the
//! library itself does no IO. Files are parsed as they are loaded; a `use` that cannot be
//! satisfied, or that closes a cycle, is a diagnostic at the `use`, and loading goes on.

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{self, SourceFile, SourceMap};
use crate::span::{FileId, Span};
use crate::stdlib;
use crate::syntax::{self, Comment, ast};
use std::collections::{HashMap, HashSet};

/// The largest `.flow` file read (TF0008): about 2.4 million elements of typical text.
pub const MAX_FILE_BYTES: usize = 256 * 1024 * 1024;

/// The deepest chain of `use`s followed (TF0205).
pub const MAX_USE_DEPTH: usize = 64;

/// A file the loader read.
pub struct LoadedFile {
    /// What identifies the file (a canonical path), so that a file used twice is read once.
    pub key: String,
    /// The name to show in diagnostics.
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Reads the files a model uses.
pub trait Loader {
    /// Reads `path`, written in a `use` of the file named `from` (relative to that file).
    /// The error is a sentence such as "No such file or directory".
    fn load(&mut self, from: &str, path: &str) -> Result<LoadedFile, String>;
}

/// The path named by `use "path"` in the file `from`: relative to that file's directory, with
/// `.` and `..` components resolved lexically (`a/./b/../c.flow` → `a/c.flow`).
pub fn used_path(from: &str, path: &str) -> std::path::PathBuf {
    use std::path::{Component, Path, PathBuf};
    let joined = Path::new(from).parent().unwrap_or(Path::new("")).join(path);
    let mut out = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                let popped = matches!(out.components().next_back(), Some(Component::Normal(_)));
                if popped {
                    out.pop();
                } else {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// A loader for models that use no local files (stdlib modules still load).
pub struct NoFiles;

impl Loader for NoFiles {
    fn load(&mut self, _from: &str, _path: &str) -> Result<LoadedFile, String> {
        Err("this model cannot use local files".to_string())
    }
}

/// One parsed file of a model.
pub struct ParsedFile {
    pub id: FileId,
    pub ast: ast::File,
    pub comments: Vec<Comment>,
    pub origin: Origin,
}

/// Where a file comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    Stdlib,
    Root,
    Used,
}

/// Every file of a model, parsed, dependencies before the files that use them.
pub struct Unit {
    pub sources: SourceMap,
    pub files: Vec<ParsedFile>,
    pub root: FileId,
    pub diagnostics: Vec<Diagnostic>,
}

/// Loads the model whose root file is `root`, with `loader` reading the files it uses.
pub fn load(root: LoadedFile, loader: &mut dyn Loader) -> Unit {
    let mut state = State {
        sources: SourceMap::new(),
        files: Vec::new(),
        diagnostics: Vec::new(),
        loaded: HashMap::new(),
        pending: Vec::new(),
    };
    let core_key = stdlib::file_name(stdlib::CORE);
    let (core, core_uses) = state.add(
        core_key.clone(),
        core_key.clone(),
        stdlib::module(stdlib::CORE)
            .unwrap_or_default()
            .as_bytes()
            .to_vec(),
        Origin::Stdlib,
    );
    // core uses nothing; its frame is finished at once.
    debug_assert!(core_uses.is_empty());
    state.finish(core);
    let (root_id, root_uses) = state.add(root.key.clone(), root.name, root.bytes, Origin::Root);
    let mut in_progress: HashSet<String> = HashSet::from([root.key.clone()]);
    let mut stack = vec![Frame {
        file: root_id,
        key: root.key,
        uses: root_uses,
        next: 0,
        seen: HashSet::new(),
    }];
    while let Some(frame) = stack.last_mut() {
        let Some(use_decl) = frame.uses.get(frame.next).cloned() else {
            let done = stack.pop().expect("the frame exists");
            in_progress.remove(&done.key);
            state.finish(done.file);
            continue;
        };
        frame.next += 1;
        let from = frame.file;
        let Some((key, name, bytes, origin)) = state.read(&use_decl, from, loader) else {
            continue;
        };
        if !frame.seen.insert(key.clone()) {
            state.diagnostics.push(
                Diagnostic::warning(Code::DuplicateUse, format!("`{name}` is used twice"))
                    .with_primary(use_decl.span, "used again here")
                    .with_help("remove one of the `use` lines"),
            );
            continue;
        }
        if in_progress.contains(&key) {
            let mut chain: Vec<String> = stack
                .iter()
                .skip_while(|f| f.key != key)
                .map(|f| state.sources.get(f.file).name.to_string())
                .collect();
            chain.push(name.clone());
            state.diagnostics.push(
                Diagnostic::error(
                    Code::UseCycle,
                    format!("`use` cycle: {}", chain.join(" → ")),
                )
                .with_primary(use_decl.span, "this `use` closes the cycle")
                .with_help("move what both files need into a third file that both use"),
            );
            continue;
        }
        if state.loaded.contains_key(&key) {
            continue;
        }
        if stack.len() >= MAX_USE_DEPTH {
            state.diagnostics.push(
                Diagnostic::error(
                    Code::UseTooDeep,
                    format!("`{name}` is used more than {MAX_USE_DEPTH} files deep"),
                )
                .with_primary(use_decl.span, "not loaded")
                .with_help("have a top-level file use the others directly"),
            );
            continue;
        }
        let (file, uses) = state.add(key.clone(), name, bytes, origin);
        in_progress.insert(key.clone());
        stack.push(Frame {
            file,
            key,
            uses,
            next: 0,
            seen: HashSet::new(),
        });
    }
    let State {
        sources,
        files,
        diagnostics,
        ..
    } = state;
    debug_assert!(files.iter().any(|f| f.id == root_id));
    Unit {
        sources,
        files,
        root: root_id,
        diagnostics,
    }
}

struct Frame {
    file: FileId,
    key: String,
    uses: Vec<ast::UseDecl>,
    next: usize,
    seen: HashSet<String>,
}

struct State {
    sources: SourceMap,
    files: Vec<ParsedFile>,
    diagnostics: Vec<Diagnostic>,
    loaded: HashMap<String, FileId>,
    /// Indexed by file id: the parsed file until it is moved into `files`.
    pending: Vec<Option<Pending>>,
}

/// A parsed file waiting for the files it uses, so that `files` lists dependencies first.
struct Pending {
    ast: ast::File,
    comments: Vec<Comment>,
    origin: Origin,
}

impl State {
    /// Decodes and parses a file; returns its id and its `use` declarations.
    fn add(
        &mut self,
        key: String,
        name: String,
        bytes: Vec<u8>,
        origin: Origin,
    ) -> (FileId, Vec<ast::UseDecl>) {
        let id = self.sources.add(SourceFile::new(name, String::new()));
        let too_large = bytes.len() > MAX_FILE_BYTES;
        if too_large {
            self.diagnostics.push(
                Diagnostic::error(
                    Code::FileTooLarge,
                    format!(
                        "`{}` is {} bytes; threatflow reads .flow files of at most {MAX_FILE_BYTES} bytes",
                        self.sources.get(id).name,
                        bytes.len()
                    ),
                )
                .with_primary(Span::point(id, 0), "not read")
                .with_help("split the model into files joined with `use`"),
            );
        }
        let bytes = if too_large { Vec::new() } else { bytes };
        let decoded = source::decode(id, bytes);
        let decode_failed = !decoded.readable;
        self.diagnostics.extend(decoded.diagnostics);
        let name = self.sources.get(id).name.clone();
        self.sources.replace_text(id, decoded.text);
        let text = &self.sources.get(id).text;
        let parsed = syntax::parse(id, text);
        if !decode_failed
            && !too_large
            && parsed.diagnostics.is_empty()
            && parsed.file.items.is_empty()
        {
            self.diagnostics.push(
                Diagnostic::error(Code::EmptyFile, format!("`{name}` declares nothing"))
                    .with_primary(Span::point(id, 0), "empty model")
                    .with_help("a model starts with `model \"Name\" { owner \"team\" }`"),
            );
        }
        self.diagnostics.extend(parsed.diagnostics);
        let uses = parsed
            .file
            .items
            .iter()
            .filter_map(|item| match item {
                ast::Item::Use(use_decl) => Some((**use_decl).clone()),
                _ => None,
            })
            .collect();
        let pending = Pending {
            ast: parsed.file,
            comments: parsed.comments,
            origin,
        };
        self.loaded.insert(key, id);
        self.pending.push(Some(pending));
        (id, uses)
    }

    /// Moves a file whose uses are all loaded into the ordered list.
    fn finish(&mut self, id: FileId) {
        let pending = self.pending[id.0 as usize].take();
        if let Some(Pending {
            ast,
            comments,
            origin,
        }) = pending
        {
            self.files.push(ParsedFile {
                id,
                ast,
                comments,
                origin,
            });
        }
    }

    /// Resolves a `use` to the key, name and bytes of the file it names, or reports why not.
    fn read(
        &mut self,
        use_decl: &ast::UseDecl,
        from: FileId,
        loader: &mut dyn Loader,
    ) -> Option<(String, String, Vec<u8>, Origin)> {
        match &use_decl.target {
            ast::UseTarget::Module(module) => match stdlib::module(&module.name) {
                Some(text) => {
                    let name = stdlib::file_name(&module.name);
                    Some((name.clone(), name, text.as_bytes().to_vec(), Origin::Stdlib))
                }
                None => {
                    let names = stdlib::MODULES.iter().map(|(name, _)| *name);
                    self.diagnostics.push(
                        Diagnostic::error(
                            Code::UnknownModule,
                            format!("there is no standard library module `{}`", module.name),
                        )
                        .with_primary(module.span, "unknown module")
                        .with_help(
                            crate::suggest::did_you_mean(&module.name, names).unwrap_or_else(|| {
                                let all: Vec<&str> = stdlib::MODULES.iter().map(|(n, _)| *n).collect();
                                format!(
                                    "the modules are {}; a local file is used with `use \"./file.flow\"`",
                                    all.join(", ")
                                )
                            }),
                        ),
                    );
                    None
                }
            },
            ast::UseTarget::Path(path) => {
                let from_name = self.sources.get(from).name.clone();
                match loader.load(&from_name, &path.value) {
                    Ok(file) => Some((file.key, file.name, file.bytes, Origin::Used)),
                    Err(reason) => {
                        self.diagnostics.push(
                            Diagnostic::error(
                                Code::UseNotFound,
                                format!("cannot read `{}`: {reason}", path.value),
                            )
                            .with_primary(path.span, "used here")
                            .with_help("paths are relative to the file that uses them"),
                        );
                        None
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::used_path;
    use std::path::PathBuf;

    #[test]
    fn used_paths_are_relative_to_the_using_file() {
        assert_eq!(
            used_path("m/orders.flow", "./shared/c.flow"),
            PathBuf::from("m/shared/c.flow")
        );
        assert_eq!(
            used_path("m/orders.flow", "../c.flow"),
            PathBuf::from("c.flow")
        );
        assert_eq!(
            used_path("orders.flow", "../../c.flow"),
            PathBuf::from("../../c.flow")
        );
        assert_eq!(
            used_path("/abs/m.flow", "x.flow"),
            PathBuf::from("/abs/x.flow")
        );
    }
}
