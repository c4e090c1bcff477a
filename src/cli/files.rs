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
    if let Ok(size) = usize::try_from(size)
        && (READ_ON_EVERY_CORE..=limit).contains(&size)
        && let Some(bytes) = read_on_every_core(&file, size)
    {
        return Ok(bytes);
    }
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

/// From how many bytes a file is read a piece on each core: the copying and the fresh pages
/// of a large model's file took one core a tenth of a second.
const READ_ON_EVERY_CORE: usize = 16 << 20;

/// How many bytes of a file one core reads at a time.
const READ_PIECE: usize = 4 << 20;

/// The `size` bytes of `file`, read a piece on each core; `None` when the file does not hold
/// exactly that many (it changed, or is not a regular file), to be read in order instead.
#[cfg(unix)]
fn read_on_every_core(file: &std::fs::File, size: usize) -> Option<Vec<u8>> {
    use rayon::prelude::*;
    use std::os::unix::fs::FileExt;
    let mut bytes = vec![0; size];
    let read = bytes
        .par_chunks_mut(READ_PIECE)
        .enumerate()
        .all(|(index, piece)| {
            file.read_exact_at(piece, (index * READ_PIECE) as u64)
                .is_ok()
        });
    // Nothing past the end: the file did not grow since its size was read.
    let ended = matches!(file.read_at(&mut [0], size as u64), Ok(0));
    (read && ended).then_some(bytes)
}

#[cfg(not(unix))]
fn read_on_every_core(_file: &std::fs::File, _size: usize) -> Option<Vec<u8>> {
    None
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
/// permissions; a symbolic link keeps pointing where it did (the file it names is replaced);
/// a device or pipe (`/dev/null`, `/dev/stdout`, a FIFO) is written to as it is, never
/// replaced by a regular file.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    write_atomically_with(path, |out| out.write_all(bytes))
}

/// Like [`write_atomically`], with the content written by `write` (through a buffer) instead
/// of held in memory first.
pub fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<(), String> {
    let existing = std::fs::metadata(path).ok();
    if existing
        .as_ref()
        .is_some_and(|meta| !meta.is_file() && !meta.is_dir())
    {
        return write_in_place(path, write).map_err(|e| describe(&e));
    }
    // The file a link names is the one replaced, not the link (a link to nothing yet is
    // replaced itself).
    let path = std::fs::canonicalize(path)
        .ok()
        .filter(|_| existing.is_some())
        .unwrap_or_else(|| path.to_path_buf());
    let (temporary, file) = create_temporary(&path).map_err(|e| describe(&e))?;
    let written = write_buffered(file, write);
    let result = written.and_then(|()| {
        if let Some(meta) = &existing {
            std::fs::set_permissions(&temporary, meta.permissions())?;
        }
        std::fs::rename(&temporary, &path)
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result.map_err(|e| describe(&e))
}

/// Writes to a file that is not a regular one (a device or a pipe) directly.
fn write_in_place(
    path: &Path,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    write_buffered(std::fs::OpenOptions::new().write(true).open(path)?, write)
}

/// Runs `write` on `file` through a buffer, then flushes it.
fn write_buffered(
    file: std::fs::File,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut buffered = std::io::BufWriter::new(file);
    write(&mut buffered)?;
    std::io::Write::flush(&mut buffered)
}

/// A new temporary file beside `path`, never one that already exists (which may be the
/// user's).
fn create_temporary(path: &Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    let process = std::process::id();
    let mut attempt = 0u32;
    loop {
        let mut name = path.as_os_str().to_owned();
        name.push(format!(".threatflow-{process}-{attempt}.tmp"));
        let temporary = PathBuf::from(name);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temporary)
        {
            Ok(file) => return Ok((temporary, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{READ_ON_EVERY_CORE, READ_PIECE, read, read_on_every_core};

    #[test]
    fn a_large_file_read_on_every_core_is_the_file_and_a_changed_size_is_noticed() {
        let len = READ_ON_EVERY_CORE + 3 * READ_PIECE + 12_345;
        let bytes: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("large.flow");
        std::fs::write(&path, &bytes).expect("written");
        assert!(read(&path).expect("read") == bytes);
        let file = std::fs::File::open(&path).expect("opened");
        assert!(read_on_every_core(&file, len).is_some_and(|read| read == bytes));
        // A file longer or shorter than its size said is read in order instead.
        assert!(read_on_every_core(&file, len - 1).is_none());
        assert!(read_on_every_core(&file, len + 1).is_none());
    }
}
