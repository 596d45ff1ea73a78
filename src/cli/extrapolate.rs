//! `claims-audit extrapolate`: the reviewed sample's overpayment, extrapolated to the frame.
//!
//! ```text
//! claims-audit extrapolate DIR [--reviewed FILE] [--confidence 90] [--from-run RUN]
//! ```
//! Reads DIR/sample.json and the reviewed worksheet (FILE, else
//! DIR/sample.csv), refuses items without `audited_amount` (exit 2, naming
//! them), prints the estimate as a table and writes DIR/extrapolation.json.
//! When DIR sits in a run folder (or `--from-run` names one), the run's
//! summary.json must be the one the sample was drawn from.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use crate::error::exit;
use crate::output;
use crate::sampling::extrapolation::{self, enclosing_run};
use crate::sampling::record::SampleRecord;
use crate::sampling::worksheet;

#[derive(Debug, Args)]
pub struct ExtrapolateArgs {
    /// The sample folder (written by `claims-audit sample`).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// The reviewed worksheet. Default: DIR/sample.csv.
    #[arg(long, value_name = "FILE")]
    pub reviewed: Option<PathBuf>,
    /// Two-sided confidence level of the interval, percent.
    #[arg(long, value_name = "PERCENT", default_value_t = 90.0)]
    pub confidence: f64,
    /// Check that the sample was drawn from this run folder (default: the
    /// run folder DIR sits in, if any).
    #[arg(long, value_name = "RUN")]
    pub from_run: Option<PathBuf>,
    /// Print nothing but errors (extrapolation.json is still written).
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn run(args: ExtrapolateArgs) -> Result<i32> {
    let record = SampleRecord::read(&args.dir)?;
    if let Some(run_dir) = args.from_run.as_deref().or(enclosing_run(&args.dir)) {
        extrapolation::check_run(&record, &args.dir, run_dir)?;
    }
    let file = args
        .reviewed
        .clone()
        .unwrap_or_else(|| args.dir.join("sample.csv"));
    let name = file.display().to_string();
    let reviewed = worksheet::read_reviewed(&file)?;
    let result = extrapolation::extrapolate(&record, &reviewed, &name, args.confidence)?;
    let json = serde_json::to_string_pretty(&result)? + "\n";
    output::write_text(&json, &args.dir.join("extrapolation.json"))?;
    if !args.quiet {
        print!("{}", result.table());
        eprintln!(
            "claims-audit: wrote {}",
            args.dir.join("extrapolation.json").display()
        );
    }
    Ok(exit::OK)
}
