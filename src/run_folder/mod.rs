//! A run folder read back, by `diff` and `run --history` (which compare runs)
//! and by `sample` (which draws from one). One reader below history, sampling
//! and the report, so none of them imports another to read a run.
//!
//! What identifies a run (also in the README, "Month over month"):
//! - **a run folder** is a folder holding a `summary.json` whose `tool.name`
//!   is `claims-audit` (comparisons also need its `findings.csv`, `sample` its
//!   `findings.parquet` and `audited_claims.parquet`);
//! - **its period** is summary.json's `period` (`from`, `to`, `label`, as
//!   `--period` or `--from`/`--to` set them): two runs with the same label
//!   audited the same period. Runs are ordered by the period's end, then its
//!   start; an open end (no `--to`, or no period at all) is taken from the
//!   months the run audited (summary.json `months`);
//! - **its code set** is `tool.code_set`, and **its check versions** are
//!   `check_list` (each check's `id` and `version`);
//! - **when it was written** is the modification time of its summary.json
//!   (the newest run of a period wins; summary.json itself holds no clock so
//!   that reruns stay byte-identical);
//! - **which run a sample was drawn from** is the SHA-256 of summary.json's
//!   bytes.

pub mod summary;

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::Result;
use polars::prelude::*;
use sha2::{Digest, Sha256};

use crate::ingest::sources::{Format, scan};
use crate::input_error;
pub use summary::{RunSummary, month_end};

/// Every claim the run audited (dated in its period), one row per claim,
/// sorted by claim_id: `claim_id`, `patient_id` (pseudonymised with the
/// findings), `provider_id`, `service_date`, `payer` (null when unknown) and
/// `amount_paid` (paid where known, else charged, summed over the claim's
/// lines: the findings' amount_at_risk). The `audited` frame of `sample`.
pub const AUDITED_CLAIMS_FILE: &str = "audited_claims.parquet";

/// The findings columns a comparison reads.
pub const FINDING_COLUMNS: [&str; 4] = ["check_id", "claim_id", "severity", "amount_at_risk"];

/// One run folder, read back.
pub struct RunFolder {
    pub path: PathBuf,
    /// The folder's name, as the trend lists it.
    pub name: String,
    pub summary: RunSummary,
    /// SHA-256 (hex) of summary.json's bytes.
    pub summary_sha256: String,
    /// Modification time of summary.json.
    pub written: SystemTime,
}

/// SHA-256 of a file's bytes, hex; None when it cannot be read.
pub fn file_sha256(path: &Path) -> Option<String> {
    Some(bytes_sha256(&std::fs::read(path).ok()?))
}

/// SHA-256 of a text's bytes, hex (a summary.json not yet written).
pub fn text_sha256(text: &str) -> String {
    bytes_sha256(text.as_bytes())
}

fn bytes_sha256(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// The folder's name, or its path when it has none.
fn folder_name(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| dir.display().to_string())
}

fn modified(path: &Path) -> SystemTime {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .unwrap_or(SystemTime::UNIX_EPOCH)
}

impl RunFolder {
    /// Reads `dir` as a run folder to compare (it must hold findings.csv);
    /// the error (one line) says why it is not one.
    pub fn open(dir: &Path) -> std::result::Result<RunFolder, String> {
        if !dir.is_dir() {
            return Err("not a folder".into());
        }
        let summary_path = dir.join("summary.json");
        let Ok(text) = std::fs::read_to_string(&summary_path) else {
            return Err("not a run folder (no readable summary.json)".into());
        };
        let summary = RunSummary::parse(&text).map_err(|e| format!("not a run folder: {e}"))?;
        if !dir.join("findings.csv").is_file() {
            return Err("not a run folder (no findings.csv)".into());
        }
        Ok(RunFolder {
            path: dir.to_path_buf(),
            name: folder_name(dir),
            summary,
            summary_sha256: text_sha256(&text),
            written: modified(&summary_path),
        })
    }

    /// Opens `path` to draw a sample from, refusing (exit 2) anything that is
    /// not a claims-audit run folder.
    pub fn open_to_sample(path: &Path) -> Result<RunFolder> {
        let summary_path = path.join("summary.json");
        let Ok(bytes) = std::fs::read(&summary_path) else {
            input_error!(
                "{}: not a claims-audit run folder (no summary.json)",
                path.display()
            );
        };
        let value: serde_json::Value = match serde_json::from_slice(&bytes) {
            Ok(v) => v,
            Err(e) => input_error!("{}: not valid JSON ({e})", summary_path.display()),
        };
        if value["tool"]["name"] != "claims-audit" {
            input_error!(
                "{}: not written by claims-audit (tool.name)",
                summary_path.display()
            );
        }
        let summary: RunSummary = match serde_json::from_value(value) {
            Ok(s) => s,
            Err(e) => input_error!(
                "{}: not a claims-audit summary ({e})",
                summary_path.display()
            ),
        };
        Ok(RunFolder {
            path: path.to_path_buf(),
            name: folder_name(path),
            summary,
            summary_sha256: bytes_sha256(&bytes),
            written: modified(&summary_path),
        })
    }

    /// The check ids the run knows (summary.json `checks`), sorted.
    pub fn check_ids(&self) -> Vec<String> {
        self.summary.checks.keys().cloned().collect()
    }

    pub fn pseudonymized(&self) -> bool {
        self.summary.pseudonymized
    }

    /// The run's findings.csv as text columns `check_id, claim_id, severity,
    /// amount_at_risk` (amounts kept exactly as written).
    pub fn findings_csv(&self) -> Result<LazyFrame> {
        let file = self.path.join("findings.csv");
        let lf = scan(&file, Format::Csv)?;
        let schema = match lf.clone().collect_schema() {
            Ok(s) => s,
            Err(_) => input_error!("{}: cannot be read as CSV", file.display()),
        };
        if let Some(missing) = FINDING_COLUMNS.iter().find(|c| !schema.contains(c)) {
            input_error!(
                "{}: column {missing} is missing (expected a claims-audit findings.csv)",
                file.display()
            );
        }
        Ok(lf.select(FINDING_COLUMNS.map(col)))
    }

    /// findings.parquet, every column.
    pub fn findings_parquet(&self) -> Result<DataFrame> {
        self.parquet("findings.parquet", "")
    }

    /// audited_claims.parquet (runs before it was written have none: rerun them).
    pub fn audited_claims(&self) -> Result<DataFrame> {
        self.parquet(
            AUDITED_CLAIMS_FILE,
            "; rerun the audit with this version to sample all audited claims",
        )
    }

    fn parquet(&self, name: &str, hint: &str) -> Result<DataFrame> {
        let path = self.path.join(name);
        if !path.is_file() {
            input_error!("{}: missing{hint}", path.display());
        }
        let df = LazyFrame::scan_parquet(
            PlRefPath::new(path.to_string_lossy().as_ref()),
            ScanArgsParquet::default(),
        )
        .and_then(|lf| lf.collect());
        match df {
            Ok(df) => Ok(df),
            Err(e) => input_error!(
                "{}: cannot read ({})",
                path.display(),
                crate::error::safe_message(&e.to_string())
            ),
        }
    }
}
