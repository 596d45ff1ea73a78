//! sample.json: everything needed to redraw a sample and to check it
//! belongs to its run (CONTRACT.md's keys first, then ours).

use std::path::Path;

use anyhow::Result;
use serde::{Deserialize, Serialize};

use crate::input_error;

/// The name of the generator, as sample.json records it.
pub const GENERATOR: &str = "splitmix64; partial Fisher-Yates per stratum in ascending order, j = i + floor(x * (N - i) / 2^64), frame in claim_id byte order";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SampleRecord {
    pub seed: u64,
    /// `audited`, `flagged` or a check id.
    pub frame: String,
    pub frame_size: usize,
    /// Sum of amount_paid over the frame, dollars.
    pub frame_amount: f64,
    /// Ascending; one stratum named "" when unrestricted.
    pub strata: Vec<StratumRecord>,
    /// SHA-256 of the run's summary.json: ties the sample to its run.
    pub summary_sha256: String,
    pub tool_version: String,
    pub tool: String,
    /// `unrestricted` or `stratified`.
    pub method: String,
    /// `--strata` as normalised (`amount:100.00,500.00`), null when unrestricted.
    pub strata_option: Option<String>,
    /// Total sample size (`--size`).
    pub sample_size: usize,
    /// Total spares (`--spares`).
    pub spares: usize,
    pub generator: String,
    /// `--from-run` as given.
    pub run: String,
    /// The run's summary.json `period.label`.
    pub period: Option<String>,
    /// True when the run's patient ids are pseudonyms (so are the sample's).
    pub pseudonymized: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StratumRecord {
    /// `1`, `2`, ... in ascending order of amount; "" when unrestricted.
    pub name: String,
    /// Lowest amount_paid of the stratum (inclusive), dollars; null: no bound.
    pub low: Option<f64>,
    /// Amount_paid the stratum stays below (exclusive), dollars; null: no bound.
    pub high: Option<f64>,
    pub frame_size: usize,
    pub frame_amount: f64,
    pub sample_size: usize,
    pub spares: usize,
}

/// Cents as dollars in JSON.
pub fn to_dollars(cents: i64) -> f64 {
    cents as f64 / 100.0
}

impl SampleRecord {
    pub fn write(&self, path: &Path) -> Result<()> {
        let text = serde_json::to_string_pretty(self)? + "\n";
        crate::output::write_text(&text, path)
    }

    /// Reads DIR/sample.json (exit 2 when missing or not ours).
    pub fn read(dir: &Path) -> Result<SampleRecord> {
        let path = dir.join("sample.json");
        let Ok(text) = std::fs::read_to_string(&path) else {
            input_error!(
                "{}: missing; expected a folder written by `claims-audit sample`",
                path.display()
            );
        };
        match serde_json::from_str(&text) {
            Ok(r) => Ok(r),
            Err(e) => input_error!(
                "{}: not a sample.json of claims-audit sample ({e})",
                path.display()
            ),
        }
    }
}
