//! The command line: one file per subcommand, each starting with its usage.

pub mod checks;
pub mod common;
pub mod diff;
pub mod export;
pub mod extrapolate;
pub mod generate;
pub mod merge;
pub mod part;
pub mod progress;
pub mod query;
pub mod run;
pub mod sample;
pub mod validate;

use clap::{Parser, Subcommand};

/// Audits historical healthcare claims for ICD-10-CM coding compliance.
///
/// Reads a claims export and a clinical-notes export (CSV, Parquet, Arrow
/// IPC or NDJSON), runs every audit check, and writes findings, a summary
/// and a chart report into a run folder.
#[derive(Debug, Parser)]
#[command(name = "claims-audit", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the audit and write a run folder (findings, summary, report).
    Run(run::RunArgs),
    /// Read and validate the inputs; report row counts and rejects without running checks.
    Validate(validate::ValidateArgs),
    /// List the check catalog (id, severity, scope, rule, documentation).
    Checks(checks::ChecksArgs),
    /// Run SQL over the audit tables (claims, visits, notes, note_facts, findings, icd10cm, ...).
    Query(query::QueryArgs),
    /// Write the audit tables as Parquet, for DuckDB, Spark SQL, Trino or `query --from-run`.
    Export(export::ExportArgs),
    /// Write synthetic claims and notes exports of any size (benchmarks, scale tests).
    Generate(generate::GenerateArgs),
    /// Draw a reproducible random sample of a run's claims for chart review.
    Sample(sample::SampleArgs),
    /// Extrapolate a reviewed sample's overpayment to its frame (point estimate, interval).
    Extrapolate(extrapolate::ExtrapolateArgs),
    /// Audit one partition of patients (Arrow IPC or Parquet files) into a part folder, for `merge`.
    Part(part::PartArgs),
    /// Merge part folders into the run folder one `run` over the whole input writes.
    Merge(merge::MergeArgs),
    /// Compare two run folders: findings new, resolved and persisting.
    Diff(diff::DiffArgs),
}
