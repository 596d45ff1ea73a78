//! `claims-audit part`: the audit of one partition of patients, for a
//! cluster job (spark/claims_audit_spark.py) that splits an export by a hash
//! of patient_id and merges the parts with `claims-audit merge`.
//!
//! ```text
//! claims-audit part --claims PATH --notes PATH --out PART_DIR [--mapping FILE]
//!                   [--config FILE] [--period YYYY-MM | --from DATE --to DATE]
//!                   [--checks-dir DIR]
//! ```
//! The inputs are any input `run` reads, usually Arrow IPC or Parquet files
//! written by the cluster job. Two optional columns, `__source_file` and
//! `__source_row`, give each row's file and data row number (from 1) in the
//! original export, so that rejects name them as one `run` would. Every
//! patient's claims and notes must be in the same partition (each check
//! relates one patient's own rows; a custom check that compares patients is
//! detected and refused: see `checks::per_patient`). The part folder is complete once its part.json exists.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::common::{InputArgs, PeriodArgs};
use crate::audit;
use crate::checks::{custom, registry};
use crate::config::Config;
use crate::error::exit;
use crate::input_error;

#[derive(Debug, Args)]
pub struct PartArgs {
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
    /// Part folder to write (created; it must not hold a part already).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

pub fn run(args: PartArgs) -> Result<i32> {
    let config = match Config::load(args.config.as_deref()) {
        Ok(c) => c,
        Err(e) => input_error!("{}", e),
    };
    let period = args.period.period()?;
    let mut checks = registry();
    checks.extend(custom::load(args.checks_dir.as_deref(), &checks)?);
    // A partition holds some patients only: custom checks must not compare patients.
    crate::checks::per_patient::set_enabled(true);
    let files = args.inputs.files();
    let options = audit::AuditOptions {
        inputs: &files,
        config: &config,
        period,
        checks: &checks,
    };
    let audited = match audit::audit(options, None, |_, _| {}) {
        Ok(a) => a,
        Err(e) => match crate::checks::per_patient::take_refusal() {
            Some(refusal) => input_error!("{refusal}"),
            None => return Err(e),
        },
    };
    crate::part::write(&args.out, &audited)?;
    Ok(exit::OK)
}
