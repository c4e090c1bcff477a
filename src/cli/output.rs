//! Printing diagnostics to the terminal or as JSON; writing rendered output.

use super::args::Color;
use super::check::EXIT_ERRORS;
use super::files;
use std::io::{IsTerminal, Write as _};
use std::path::Path;
use threatflow::diagnostic::{ColorChoice, Diagnostic, Severity, render_text};
use threatflow::source::SourceMap;

/// Whether text output on standard error should be coloured.
pub fn color_choice(color: Color) -> ColorChoice {
    let wanted = match color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal(),
    };
    if wanted {
        ColorChoice::Always
    } else {
        ColorChoice::Never
    }
}

/// Renders diagnostics for the terminal.
pub fn text(diagnostics: &[Diagnostic], sources: &SourceMap, color: ColorChoice) -> String {
    render_text(diagnostics, sources, color)
}

/// "2 errors, 1 warning"
pub fn counts(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diagnostics.len() - errors;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

/// Writes `text` to `output` atomically, or prints it; the exit status.
pub fn emit(text: &str, output: Option<&Path>) -> i32 {
    emit_with(output, |out| out.write_all(text.as_bytes()))
}

/// Like [`emit`], with the output written by `write` as it is produced. A file is written
/// atomically (nothing is left behind if writing fails); standard output ends quietly when
/// its reader goes away (`| head`).
pub fn emit_with(
    output: Option<&Path>,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> i32 {
    match output {
        None => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            let _ = write(&mut out).and_then(|()| out.flush());
            0
        }
        Some(path) => match files::write_atomically_with(path, write) {
            Ok(()) => 0,
            Err(reason) => {
                eprintln!("error: cannot write `{}`: {reason}", path.display());
                EXIT_ERRORS
            }
        },
    }
}

/// Refuses (with an error on standard error) an output file that is one of the run's inputs:
/// `report model.flow -o model.flow` would otherwise replace the model with its report.
/// Compares the files themselves, whatever paths name them.
pub fn overwrites_an_input<'a>(
    output: Option<&Path>,
    inputs: impl IntoIterator<Item = &'a Path>,
) -> bool {
    let Some(output) = output.filter(|output| output.exists()) else {
        return false;
    };
    let target = files::key(output);
    let Some(input) = inputs
        .into_iter()
        .find(|input| input.exists() && files::key(input) == target)
    else {
        return false;
    };
    eprintln!(
        "error: not writing `{}`: it is `{}`, an input of this run",
        output.display(),
        input.display()
    );
    true
}

/// The files a compilation read (the model and the files it uses).
pub fn model_files(sources: &SourceMap) -> impl Iterator<Item = &Path> {
    sources
        .files()
        .map(|(_, file)| Path::new(file.name.as_str()))
}
