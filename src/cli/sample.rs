//! `claims-audit sample`: a reproducible random sample of a run's claims for chart review.
//!
//! ```text
//! claims-audit sample --from-run RUN --size N --seed S --out DIR
//!                     [--frame audited|flagged|CHECK_ID] [--strata amount:B1,B2,...]
//!                     [--spares K] [--quiet]
//! ```
//! Reads the run folder only. Writes DIR/sample.csv (the reviewers'
//! worksheet), DIR/spares.csv, DIR/sample.json (everything needed to redraw
//! it, and the run's summary.json hash) and DIR/sample.html (the worksheet
//! to print, with each claim's findings). The same run, frame, seed and
//! options always give the same sample (see `sampling::draw`).

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use crate::error::exit;
use crate::run_folder::RunFolder;
use crate::sampling::{self, SampleOptions};

#[derive(Debug, Args)]
pub struct SampleArgs {
    /// The run folder to sample (written by `claims-audit run`).
    #[arg(long, value_name = "RUN")]
    pub from_run: PathBuf,
    /// Number of claims in the sample (all strata together).
    #[arg(long, value_name = "N")]
    pub size: usize,
    /// Seed of the random draw (record it: the same seed redraws the same sample).
    #[arg(long, value_name = "S")]
    pub seed: u64,
    /// Folder to write the sample into (new or empty).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Claims to draw from: `flagged` (any finding), `audited` (every claim
    /// audited) or a check id (the claims that check flagged).
    #[arg(
        long,
        value_name = "audited|flagged|CHECK_ID",
        default_value = "flagged"
    )]
    pub frame: String,
    /// Stratify by amount paid: `amount:100,500` makes strata below 100,
    /// 100 to below 500, and 500 and up; the size is allocated in proportion
    /// to the strata's claims, at least 2 each.
    #[arg(long, value_name = "amount:B1,B2,...")]
    pub strata: Option<String>,
    /// Spare claims drawn after the sample (spares.csv), to replace in order
    /// an item that cannot be reviewed.
    #[arg(long, value_name = "K", default_value_t = 0)]
    pub spares: usize,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn run(args: SampleArgs) -> Result<i32> {
    let run = RunFolder::open_to_sample(&args.from_run)?;
    let opts = SampleOptions {
        size: args.size,
        seed: args.seed,
        frame: args.frame.clone(),
        strata: args.strata.clone(),
        spares: args.spares,
    };
    let sample = sampling::draw_sample(&run, &args.from_run.display().to_string(), &opts)?;
    sample.write(&args.out)?;
    if !args.quiet {
        let r = &sample.record;
        eprintln!(
            "claims-audit: drew {} of {} claims ({} frame, {}, seed {}) and {} spare(s); wrote {} (sample.csv, spares.csv, sample.json, sample.html)",
            r.sample_size,
            r.frame_size,
            r.frame,
            r.strata_option.as_deref().unwrap_or("unrestricted"),
            r.seed,
            r.spares,
            args.out.display()
        );
    }
    Ok(exit::OK)
}
