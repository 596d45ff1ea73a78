//! `claims-audit diff`: what changed between two runs.
//!
//! ```text
//! claims-audit diff OLD_RUN NEW_RUN [--out FILE.csv] [--force]
//! ```
//! Compares the findings of two run folders: every (check_id, claim_id) of
//! either run once, `new`, `resolved` or `persisting` (CONTRACT.md). Prints
//! one line of counts on stdout; with `--out`, writes the rows as CSV
//! (columns status, check_id, claim_id, severity, amount_at_risk_old,
//! amount_at_risk_new). Refuses (exit 2) a folder that is not a run folder,
//! and two runs whose code sets or check versions differ, unless `--force`.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use crate::error::exit;
use crate::history::diff;
use crate::input_error;
use crate::output;
use crate::run_folder::RunFolder;

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier run folder.
    #[arg(value_name = "OLD_RUN")]
    pub old: PathBuf,
    /// The later run folder.
    #[arg(value_name = "NEW_RUN")]
    pub new: PathBuf,
    /// Write every (check_id, claim_id) with its status to this CSV file.
    #[arg(long, value_name = "FILE.csv")]
    pub out: Option<PathBuf>,
    /// Compare even when the runs used different code sets or check versions.
    #[arg(long)]
    pub force: bool,
}

fn open(role: &str, dir: &std::path::Path) -> Result<RunFolder> {
    match RunFolder::open(dir) {
        Ok(run) => Ok(run),
        Err(why) => input_error!("{role} {}: {why}", dir.display()),
    }
}

pub fn run(args: DiffArgs) -> Result<i32> {
    let old = open("OLD_RUN", &args.old)?;
    let new = open("NEW_RUN", &args.new)?;
    if let Some(what) = old.summary.version_mismatch(&new.summary)
        && !args.force
    {
        input_error!(
            "OLD_RUN {} and NEW_RUN {} are not comparable: {what} (--force compares them anyway)",
            args.old.display(),
            args.new.display()
        );
    }
    let rows = diff::compare(old.findings_csv()?, new.findings_csv()?);
    let (counts, _) = diff::counts(rows.clone())?;
    if let Some(out) = &args.out {
        let df = diff::sorted(rows).collect()?;
        output::write_csv(&df, out)?;
    }
    println!(
        "{} new, {} resolved, {} persisting",
        counts.new, counts.resolved, counts.persisting
    );
    Ok(exit::OK)
}
