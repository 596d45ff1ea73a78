//! `claims-audit generate`: synthetic claims and notes exports at any size.
//!
//! ```text
//! claims-audit generate --lines N [--seed S] [--format csv|parquet] [--bad-rate R] --out DIR
//! ```
//! Writes DIR/claims.{csv,parquet} (exactly N claim lines) and
//! DIR/notes.{csv,parquet}: patients in therapy episodes, physician
//! follow-ups, electrodiagnostic and R53.1 visits, with every check's true
//! cases and near misses and the look-alike traps of CHECKS.md in the note
//! text. Deterministic for a seed; streams to disk in chunks, so memory does
//! not grow with N. A share R of rows (default 0.5%) are bad rows, spread
//! through the files: amounts and dates that do not parse, codes of
//! impossible shape, lines and notes sent twice, claims whose lines
//! disagree. Parquet keeps native types (Date, Int32, Float64), except that
//! with bad rows dates and amounts are text (as CSV spells them), since a
//! typed column cannot hold a bad value.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use crate::error::exit;
use crate::generate::{GenOptions, OutFormat, generate};

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Claim lines to write (the claims file has exactly this many rows; notes follow in proportion).
    #[arg(long, value_name = "N")]
    pub lines: u64,
    /// Seed: the same seed gives byte-identical files.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output format.
    #[arg(long, value_parser = ["csv", "parquet"], default_value = "csv")]
    pub format: String,
    /// Share of rows written bad, what claims-audit must reject (0 for none; at most 0.5).
    #[arg(long, value_name = "R", default_value_t = crate::generate::DEFAULT_BAD_RATE)]
    pub bad_rate: f64,
    /// Folder to write claims.* and notes.* into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

pub fn run(args: GenerateArgs) -> Result<i32> {
    let format = if args.format == "parquet" {
        OutFormat::Parquet
    } else {
        OutFormat::Csv
    };
    if !(0.0..=0.5).contains(&args.bad_rate) {
        crate::input_error!(
            "--bad-rate {}: expected a share from 0 to 0.5",
            args.bad_rate
        );
    }
    let opts = GenOptions {
        bad_rate: args.bad_rate,
        lines: args.lines,
        seed: args.seed,
        format,
        out: args.out.clone(),
    };
    let s = generate(&opts)?;
    eprintln!(
        "claims-audit: generated {} claim lines ({} claims, {} patients) and {} notes in {}",
        s.lines,
        s.claims,
        s.patients,
        s.notes,
        args.out.display()
    );
    Ok(exit::OK)
}
