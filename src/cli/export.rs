//! `claims-audit export`: the audit tables as Parquet files.
//!
//! ```text
//! claims-audit export --claims PATH --notes PATH --out DIR [--mapping FILE] [--config FILE]
//!                     [--period YYYY-MM | --from DATE --to DATE] [--checks-dir DIR]
//! ```
//! Builds the model as `run` does, runs every check (custom ones included)
//! and writes `claims`, `claim_dx`, `visits`, `notes`, `note_facts`,
//! `findings` and `icd10cm` as `<table>.parquet` into DIR (atomically, owner
//! only), with exactly the columns `claims-audit query` shows. The SQL in
//! queries/ then runs unchanged in DuckDB, Spark SQL or Trino over DIR, and
//! `claims-audit query --from-run DIR` reads it back without the inputs.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use polars::prelude::*;

use super::common::{InputArgs, PeriodArgs};
use crate::audit::{self, Inputs};
use crate::checks::{custom, registry};
use crate::config::Config;
use crate::error::exit;
use crate::input_error;
use crate::output::{self, FileWriter};
use crate::sql;

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub inputs: InputArgs,
    #[command(flatten)]
    pub period: PeriodArgs,
    /// TOML file overriding thresholds, code groups and text patterns (as for `run`).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Folder of custom checks (*.sql). Default: queries/checks when it exists.
    #[arg(long, value_name = "DIR")]
    pub checks_dir: Option<PathBuf>,
    /// Folder to write the tables into (replaced once complete).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn run(args: ExportArgs) -> Result<i32> {
    let config = match Config::load(args.config.as_deref()) {
        Ok(c) => c,
        Err(e) => input_error!("{}", e),
    };
    let period = args.period.period()?;
    let mut checks = registry();
    checks.extend(custom::load(args.checks_dir.as_deref(), &checks)?);
    let inputs = Inputs::load(&args.inputs.files())?;
    let model = audit::build_tables(&inputs, &config, period)?;
    let findings = audit::run_checks(&model, &config, &checks)?;

    let mut frames: Vec<(&'static str, DataFrame)> = Vec::new();
    for (name, lf) in sql::model_tables(&model) {
        frames.push((name, lf.collect()?));
    }
    frames.push(("findings", findings));
    frames.push(("icd10cm", sql::icd10cm()?));
    let counts: Vec<String> = frames
        .iter()
        .map(|(n, df)| format!("{n} {}", df.height()))
        .collect();
    let writers: Vec<FileWriter> = frames
        .iter()
        .map(|(name, df)| {
            let f: FileWriter = Box::new(move |dir| {
                output::write_parquet(df, &dir.join(format!("{name}.parquet")))
            });
            f
        })
        .collect();
    output::write_run_folder(&args.out, writers)?;
    if !args.quiet {
        eprintln!(
            "claims-audit: exported {} ({}) to {}",
            counts.join(", "),
            period.label(),
            args.out.display()
        );
    }
    Ok(exit::OK)
}
