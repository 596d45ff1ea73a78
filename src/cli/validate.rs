//! `claims-audit validate`: reads and validates the inputs without running checks.
//!
//! ```text
//! claims-audit validate --claims PATH [--notes PATH] [--mapping FILE] [--rejects FILE]
//! ```
//! Prints per input the rows read, used and rejected, and the first rejects.
//! Exit 0 when the inputs can be audited (rejected rows included), 2 when a
//! file-level problem stops a run.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::common::InputArgs;
use crate::audit::Inputs;
use crate::error::exit;

#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub inputs: InputArgs,
    /// Also write every rejected row (file, row, column, reason) to this CSV.
    #[arg(long, value_name = "FILE")]
    pub rejects: Option<PathBuf>,
}

pub fn run(args: ValidateArgs) -> Result<i32> {
    let inputs = Inputs::load(&args.inputs.files())?;
    let given: &[&crate::ingest::LoadedInput] = if args.inputs.notes.is_some() {
        &[&inputs.claims, &inputs.notes]
    } else {
        &[&inputs.claims]
    };
    for input in given {
        println!(
            "{}: {} file(s), {} rows read, {} used, {} rejected (sha256 {})",
            input.kind.name(),
            input.files.len(),
            input.rows_read,
            input.rows_used(),
            input.rows_rejected(),
            input.sha256
        );
    }
    let rejects = inputs.rejects()?;
    if rejects.height() > 0 {
        println!("first rejects (file, row, column, reason):");
        let shown = rejects.head(Some(20));
        let cols: Vec<Vec<String>> = ["file", "row", "column", "reason"]
            .iter()
            .map(|c| {
                let s = shown
                    .column(c)
                    .and_then(|s| s.cast(&polars::prelude::DataType::String))
                    .expect("rejects schema");
                s.str()
                    .expect("string")
                    .iter()
                    .map(|v| v.unwrap_or("").to_string())
                    .collect()
            })
            .collect();
        for i in 0..shown.height() {
            println!(
                "  {}, row {}, {}: {}",
                cols[0][i], cols[1][i], cols[2][i], cols[3][i]
            );
        }
    }
    if let Some(path) = &args.rejects {
        crate::output::write_csv(&rejects, path)?;
    }
    Ok(exit::OK)
}
