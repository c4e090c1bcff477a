//! The `threatflow` binary: command-line definition and glue around the library.

mod cli;

use clap::Parser;
use cli::args::{Cli, Command};

fn main() {
    let cli = Cli::parse();
    let status = match cli.command {
        Command::Check {
            files,
            format,
            color,
        } => cli::check::run(&files, format, color),
        Command::Fmt {
            files,
            write,
            check,
            color,
        } => cli::fmt::run(&files, write, check, color),
    };
    std::process::exit(status);
}
