//! The command line, as clap sees it.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// How many findings of one rule `check` prints in full by default, as compilers stop after so
/// many errors: a model with a million elements has millions of findings, and the text of all
/// of them (gigabytes) helps no reader; reports and `--format json` hold every one.
pub const DEFAULT_PER_RULE: usize = 10;

#[derive(Parser, Debug)]
#[command(
    name = "threatflow",
    version,
    about = "A threat-modeling compiler for .flow models"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check models and derive their threats; print every problem and the findings.
    ///
    /// Exit status: 2 when a model has errors; otherwise 1 when an open finding reaches the
    /// `--fail-on` severity; otherwise 0.
    Check {
        /// The model files to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// How to print diagnostics and findings.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// When to colour the text output.
        #[arg(long, value_enum, default_value_t = Color::Auto)]
        color: Color,
        /// Exit with status 1 when an open (not accepted) finding has this severity or higher.
        #[arg(long, value_enum)]
        fail_on: Option<FailOn>,
        /// Do not run these rules: ids or prefixes such as `SVL-*` (repeat, or separate with commas).
        #[arg(long, value_delimiter = ',')]
        disable: Vec<String>,
        /// In text, print at most this many findings of each rule in each severity in full, and
        /// count the rest in one line (`--format json` always lists every finding).
        #[arg(long, value_name = "N", default_value_t = DEFAULT_PER_RULE, conflicts_with = "all")]
        max_per_rule: usize,
        /// In text, print every finding in full.
        #[arg(long)]
        all: bool,
    },
    /// Write the threat report of a model for design reviews and CI.
    ///
    /// Exit status: 2 when the model has errors (no report is written), else 0.
    Report {
        /// The model file.
        file: PathBuf,
        /// The report format.
        #[arg(long, value_enum, default_value_t = ReportFormat::Md)]
        format: ReportFormat,
        /// Where to write the report (written atomically); standard output when absent.
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
        /// A directory with templates (report.md.tera, report.html.tera) replacing the built-in ones.
        #[arg(long)]
        templates: Option<PathBuf>,
        /// Do not run these rules: ids or prefixes such as `SVL-*`.
        #[arg(long, value_delimiter = ',')]
        disable: Vec<String>,
    },
    /// Draw the data-flow diagram of a model, trust boundaries as nested boxes.
    ///
    /// Exit status: 2 when the model has errors or the boundary does not exist, else 0.
    Diagram {
        /// The model file.
        file: PathBuf,
        /// The diagram format.
        #[arg(long, value_enum, default_value_t = DiagramFormat::Svg)]
        format: DiagramFormat,
        /// Where to write the diagram (written atomically); standard output when absent.
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
        /// Draw only this boundary and what is inside it.
        #[arg(long)]
        boundary: Option<String>,
        /// Leave off the marks for each element's highest finding severity.
        #[arg(long)]
        no_findings: bool,
    },
    /// Compare two versions of a model: findings added, resolved and changed in severity,
    /// elements and flows added and removed.
    ///
    /// Each side is a .flow file or REV:PATH read from git (PATH from the repository's root, or
    /// ./PATH from here). Exit status: 2 when a side has errors; 1 when --fail-on-new is given
    /// and the change adds an open finding of that severity or higher; else 0.
    Diff {
        /// The version before the change.
        base: String,
        /// The version after the change.
        head: String,
        /// How to print the changes.
        #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
        format: DiffFormat,
        /// Exit with status 1 when the change adds an open finding of this severity or higher.
        #[arg(long, value_enum)]
        fail_on_new: Option<FailOn>,
    },
    /// Compare a model with its deployed CloudFormation, SAM or Terraform templates.
    ///
    /// Exit status: 2 when the model or a template cannot be read; 1 when a drift finding
    /// reaches --fail-on; else 0.
    Drift(DriftArgs),
    /// Write a first model from CloudFormation, SAM or Terraform templates (plans or `.tf` files).
    ///
    /// Elements get kinds and `deployed` bindings, one account boundary and a VPC boundary,
    /// flows from grants, event sources and integrations; data is left as marked TODOs.
    Import {
        /// The templates.
        #[arg(required = true)]
        templates: Vec<PathBuf>,
        /// Where to write the model (standard output when absent).
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
        /// Replace the output file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// List every rule: the standard library's and the model's own.
    Rules {
        /// A model whose own rules should be listed too.
        #[arg(long)]
        model: Option<PathBuf>,
        /// How to print the list.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print a rule's documentation: what, why, an example and the fix.
    Explain {
        /// The rule id, such as SVL-001.
        rule: String,
        /// A model that declares the rule, for a team's own rules.
        #[arg(long)]
        model: Option<PathBuf>,
    },
    /// Print models in the canonical layout.
    ///
    /// Without options the formatted text goes to standard output. Comments are kept; the
    /// formatted model means the same as the original.
    Fmt {
        /// The model files to format.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Rewrite the files in place.
        #[arg(long, conflicts_with = "check")]
        write: bool,
        /// Change nothing; exit with status 1 when a file is not formatted.
        #[arg(long)]
        check: bool,
        /// When to colour diagnostics.
        #[arg(long, value_enum, default_value_t = Color::Auto)]
        color: Color,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// The command line of `drift`.
#[derive(clap::Args, Debug)]
pub struct DriftArgs {
    /// The model file.
    pub model: PathBuf,
    /// Templates to compare with (default: the model's `deploy` lines).
    #[arg(long = "template")]
    pub templates: Vec<PathBuf>,
    /// How to print the findings: text, JSON (as `check --format json`) or SARIF (located
    /// in the model and in the template).
    #[arg(long, value_enum, default_value_t = DriftFormat::Text)]
    pub format: DriftFormat,
    /// Write the JSON or SARIF output to this file instead of standard output.
    #[arg(short = 'o', long = "output")]
    pub output: Option<PathBuf>,
    /// When to colour the text output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Exit with status 1 when a drift finding has this severity or higher.
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DriftFormat {
    Text,
    Json,
    Sarif,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Md,
    Html,
    Json,
    Sarif,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiagramFormat {
    Svg,
    Dot,
    Mermaid,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Text,
    Md,
    Json,
}

/// The lowest severity that fails `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}
