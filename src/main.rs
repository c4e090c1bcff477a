//! The `threatflow` binary: command-line definition and glue around the library.

mod cli;

/// mimalloc instead of the system allocator: compiling a large model makes millions of small
/// allocations, and the system allocator spent a third of the time on them. Built without asking
/// for transparent huge pages (`no_thp`): a short run gains little from them, and each is zeroed
/// whole on first touch, which took a fifth of a 1,000,000-element check.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay`, as the bundled mimalloc 3 numbers its options
/// (`include/mimalloc.h`); recognised by its default before it is changed.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
/// mimalloc 3's default purge delay, in milliseconds.
const DEFAULT_PURGE_DELAY_MS: std::ffi::c_long = 1000;
/// How soon freed memory goes back to the system, in milliseconds.
const PURGE_DELAY_MS: std::ffi::c_long = 10;

/// Gives freed memory back to the system after 10 ms instead of mimalloc's second: each phase
/// of a large compilation frees what the next does not reuse (the syntax tree, the hits), and
/// a second's delay kept it resident beside what replaced it (the 1,000,000-element check
/// peaked at 1.17 GiB instead of 1.01 GiB). Left alone when the delay reads as anything but
/// the default: another value given in `MIMALLOC_PURGE_DELAY`, or a mimalloc whose options are
/// numbered otherwise.
fn give_back_freed_memory_soon() {
    // SAFETY: reading and setting an allocator option, which mimalloc allows at any time and
    // from any thread; an unknown option number is ignored by both calls.
    unsafe {
        if libmimalloc_sys::mi_option_get(PURGE_DELAY) == DEFAULT_PURGE_DELAY_MS {
            libmimalloc_sys::mi_option_set(PURGE_DELAY, PURGE_DELAY_MS);
        }
    }
}

use clap::Parser;
use cli::args::{Cli, Command};

fn main() {
    give_back_freed_memory_soon();
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
