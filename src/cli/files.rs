//! Reading model files from disk: the root file given on the command line and the files it uses.

use std::path::{Path, PathBuf};
use threatflow::load::{LoadedFile, Loader};

/// Reads a file, explaining failures in a sentence ("is a directory", "No such file…").
pub fn read(path: &Path) -> Result<Vec<u8>, String> {
    let size = match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => return Err("it is a directory, not a file".to_string()),
        Ok(meta) => meta.len(),
        Err(error) => return Err(describe(&error)),
    };
    // Read at most one byte more than any reader accepts, so that memory stays bounded even
    // for endless files (`/dev/zero`).
    let limit = threatflow::load::MAX_FILE_BYTES;
    let file = std::fs::File::open(path).map_err(|error| describe(&error))?;
    // Room for the whole file up front (a file's size can be wrong, for pipes and files still
    // being written: then the buffer grows as usual), not a buffer doubled up to a quarter
    // larger than the file.
    let mut bytes = Vec::with_capacity(usize::try_from(size).map_or(limit, |n| n.min(limit)) + 1);
    std::io::Read::read_to_end(&mut std::io::Read::take(file, limit as u64 + 1), &mut bytes)
        .map_err(|error| describe(&error))?;
    if bytes.len() > limit {
        return Err(format!(
            "it is larger than {} MiB, the most threatflow reads",
            limit / (1024 * 1024)
        ));
    }
    Ok(bytes)
}

fn describe(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => error.to_string(),
    }
}

/// The identity of a file: its canonical path when it exists, else the path as given.
pub fn key(path: &Path) -> String {
    std::fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .to_string_lossy()
        .into_owned()
}

/// Reads the files of `use "path"` relative to the file that uses them.
pub struct FsLoader;

impl Loader for FsLoader {
    fn load(&mut self, from: &str, path: &str) -> Result<LoadedFile, String> {
        let joined = threatflow::load::used_path(from, path);
        let bytes = read(&joined)?;
        Ok(LoadedFile {
            key: key(&joined),
            name: joined.to_string_lossy().into_owned(),
            bytes,
        })
    }
}

/// Today's date in UTC, for expiring accepted risks.
pub fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

/// Writes a file atomically: a sibling temporary file, then a rename over the target, so an
/// interrupted or failed run never leaves a half-written file. An existing file keeps its
/// permissions.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    write_atomically_with(path, |out| out.write_all(bytes))
}

/// Like [`write_atomically`], with the content written by `write` (through a buffer) instead
/// of held in memory first.
pub fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<(), String> {
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".threatflow.tmp");
    let temporary = PathBuf::from(temporary);
    let written = std::fs::File::create(&temporary).and_then(|file| {
        let mut buffered = std::io::BufWriter::new(file);
        write(&mut buffered)?;
        std::io::Write::flush(&mut buffered)
    });
    let result = written.and_then(|()| {
        if let Ok(meta) = std::fs::metadata(path) {
            std::fs::set_permissions(&temporary, meta.permissions())?;
        }
        std::fs::rename(&temporary, path)
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result.map_err(|e| describe(&e))
}
