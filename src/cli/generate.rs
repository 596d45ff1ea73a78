//! `claims-audit generate`: synthetic claims and notes exports at any size.
//!
//! ```text
//! claims-audit generate --lines N [--seed S] [--format csv|parquet] --out DIR
//! ```
//! Writes DIR/claims.{csv,parquet} (exactly N claim lines) and
//! DIR/notes.{csv,parquet}: patients in therapy episodes, physician
//! follow-ups, electrodiagnostic and R53.1 visits, with every check's true
//! cases and near misses and the look-alike traps of CHECKS.md in the note
//! text. Deterministic for a seed; streams to disk in chunks, so memory does
//! not grow with N. Parquet keeps native types (Date, Int32, Float64).

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
    let opts = GenOptions {
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
