//! The `threatflow` binary: command-line definition and glue around the library.

mod cli;

/// mimalloc instead of the system allocator: compiling a large model makes millions of small
/// allocations, and the system allocator spent a third of the time on them. Built without asking
/// for transparent huge pages (`no_thp`): a short run gains little from them, and each is zeroed
/// whole on first touch, which took a fifth of a 1,000,000-element check.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser;
use cli::args::{Cli, Command};

fn main() {
    // The SVG layout recovers from layout-rs panics; keep them off the terminal.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !threatflow::diagram::svg::laying_out() {
            default_hook(info);
        }
    }));
    let cli = Cli::parse();
    let status = match cli.command {
        Command::Check {
            files,
            format,
            color,
            fail_on,
            disable,
            max_per_rule,
            all,
        } => {
            let per_rule = (!all).then_some(max_per_rule);
            cli::check::run(&files, format, color, fail_on, &disable, per_rule)
        }
        Command::Report {
            file,
            format,
            output,
            templates,
            disable,
        } => cli::render::report(
            &file,
            format,
            output.as_deref(),
            templates.as_deref(),
            &disable,
        ),
        Command::Diagram {
            file,
            format,
            output,
            boundary,
            no_findings,
        } => cli::render::diagram(&file, format, output.as_deref(), boundary, no_findings),
        Command::Diff {
            base,
            head,
            format,
            fail_on_new,
        } => cli::diff::run(&base, &head, format, fail_on_new),
        Command::Drift(args) => cli::drift::run(&args),
        Command::Import {
            templates,
            output,
            force,
        } => cli::import::run(&templates, output.as_deref(), force),
        Command::Rules { model, format } => cli::rules::list(model.as_deref(), format),
        Command::Explain { rule, model } => cli::rules::explain(&rule, model.as_deref()),
        Command::Fmt {
            files,
            write,
            check,
            color,
        } => cli::fmt::run(&files, write, check, color),
    };
    std::process::exit(status);
}
