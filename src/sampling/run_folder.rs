//! A run folder as `sample` reads it: summary.json (and its hash, which ties
//! a sample to the run it was drawn from), the findings and the audited claims.

use std::path::{Path, PathBuf};

use anyhow::Result;
use polars::prelude::*;
use sha2::{Digest, Sha256};

use crate::input_error;

/// Every claim the run audited (dated in its period), one row per claim,
/// sorted by claim_id: `claim_id`, `patient_id` (pseudonymised with the
/// findings), `provider_id`, `service_date`, `payer` (null when unknown) and
/// `amount_paid` (paid where known, else charged, summed over the claim's
/// lines: the findings' amount_at_risk). The `audited` frame of `sample`.
pub const AUDITED_CLAIMS_FILE: &str = "audited_claims.parquet";

/// A run folder, opened.
pub struct RunFolder {
    pub path: PathBuf,
    /// SHA-256 (hex) of summary.json's bytes.
    pub summary_sha256: String,
    pub summary: serde_json::Value,
}

/// SHA-256 of a file's bytes, hex; None when it cannot be read.
pub fn file_sha256(path: &Path) -> Option<String> {
    let bytes = std::fs::read(path).ok()?;
    Some(format!("{:x}", Sha256::digest(&bytes)))
}

impl RunFolder {
    /// Opens `path`, refusing (exit 2) anything that is not a claims-audit run folder.
    pub fn open(path: &Path) -> Result<RunFolder> {
        let summary_path = path.join("summary.json");
        let Ok(bytes) = std::fs::read(&summary_path) else {
            input_error!(
                "{}: not a claims-audit run folder (no summary.json)",
                path.display()
            );
        };
        let summary: serde_json::Value = match serde_json::from_slice(&bytes) {
            Ok(v) => v,
            Err(e) => input_error!("{}: not valid JSON ({e})", summary_path.display()),
        };
        if summary["tool"]["name"] != "claims-audit" {
            input_error!(
                "{}: not written by claims-audit (tool.name)",
                summary_path.display()
            );
        }
        Ok(RunFolder {
            path: path.to_path_buf(),
            summary_sha256: format!("{:x}", Sha256::digest(&bytes)),
            summary,
        })
    }

    /// The check ids the run knows (summary.json `checks`), sorted.
    pub fn check_ids(&self) -> Vec<String> {
        self.summary["checks"]
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    }

    pub fn pseudonymized(&self) -> bool {
        self.summary["pseudonymized"].as_bool().unwrap_or(false)
    }

    /// findings.parquet.
    pub fn findings(&self) -> Result<DataFrame> {
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
