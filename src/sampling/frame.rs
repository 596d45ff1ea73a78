//! The sampling frame: the claims a sample is drawn from, one row per claim
//! in claim_id order (byte order), each with its amount paid.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use anyhow::Result;
use polars::prelude::*;

use crate::input_error;
use crate::run_folder::RunFolder;

/// Which claims of a run may be drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameKind {
    /// Every claim the run audited (audited_claims.parquet).
    Audited,
    /// Every claim with at least one finding.
    Flagged,
    /// The claims one check flagged.
    Check(String),
}

impl FrameKind {
    /// `audited`, `flagged` or a check id the run knows.
    pub fn parse(text: &str, run: &RunFolder) -> Result<FrameKind> {
        match text.trim() {
            "audited" => Ok(FrameKind::Audited),
            "flagged" => Ok(FrameKind::Flagged),
            id => {
                let known = run.check_ids();
                if !known.iter().any(|k| k == id) {
                    input_error!(
                        "--frame {id}: expected audited, flagged or a check id of the run ({})",
                        known.join(", ")
                    );
                }
                Ok(FrameKind::Check(id.to_string()))
            }
        }
    }

    /// As sample.json records it.
    pub fn name(&self) -> &str {
        match self {
            FrameKind::Audited => "audited",
            FrameKind::Flagged => "flagged",
            FrameKind::Check(id) => id,
        }
    }
}

/// One finding of a sampled claim, for the worksheet's evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingRow {
    pub check_id: String,
    pub severity: String,
    pub evidence: String,
    pub rule: String,
}

/// The frame of a run.
pub struct Frame {
    pub kind: FrameKind,
    /// claim_id, patient_id, provider_id, service_date, payer, amount_paid:
    /// one row per claim, sorted by claim_id.
    pub claims: DataFrame,
    /// amount_paid in cents, row by row.
    pub amounts: Vec<i64>,
    /// The run's findings (every check), for the checks and evidence of drawn claims.
    findings: DataFrame,
}

/// A claim of the frame as the worksheet lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRow {
    pub claim_id: String,
    pub patient_id: String,
    pub provider_id: String,
    /// `YYYY-MM-DD`.
    pub service_date: String,
    /// Empty when unknown.
    pub payer: String,
    pub amount_cents: i64,
    /// Check ids that flagged it, sorted, `;`-separated.
    pub checks: String,
}

const CLAIM_COLUMNS: [&str; 6] = [
    "claim_id",
    "patient_id",
    "provider_id",
    "service_date",
    "payer",
    "amount_paid",
];

impl Frame {
    /// Reads the frame's claims from the run folder.
    pub fn load(run: &RunFolder, kind: FrameKind) -> Result<Frame> {
        let findings = run.findings_parquet()?;
        let claims = match &kind {
            FrameKind::Audited => run
                .audited_claims()?
                .lazy()
                .select(CLAIM_COLUMNS.map(col))
                .sort(["claim_id"], Default::default())
                .collect()?,
            FrameKind::Flagged | FrameKind::Check(_) => {
                let mut lf = findings.clone().lazy();
                if let FrameKind::Check(id) = &kind {
                    lf = lf.filter(col("check_id").eq(lit(id.as_str())));
                }
                lf.group_by([col("claim_id")])
                    .agg([
                        col("patient_id").first(),
                        col("provider_id").first(),
                        col("service_date").first(),
                        col("payer").first(),
                        col("amount_at_risk").first().alias("amount_paid"),
                    ])
                    .sort(["claim_id"], Default::default())
                    .select(CLAIM_COLUMNS.map(col))
                    .collect()?
            }
        };
        let cents = claims
            .clone()
            .lazy()
            .select([(col("amount_paid").cast(DataType::Float64) * lit(100.0))
                .round(0, RoundMode::HalfAwayFromZero)
                .cast(DataType::Int64)])
            .collect()?;
        let mut amounts = Vec::with_capacity(claims.height());
        for (row, v) in cents.column("amount_paid")?.i64()?.iter().enumerate() {
            let Some(v) = v else {
                input_error!(
                    "{}: claim row {} has no amount_paid",
                    run.path.display(),
                    row + 1
                );
            };
            amounts.push(v);
        }
        Ok(Frame {
            kind,
            claims,
            amounts,
            findings,
        })
    }

    pub fn len(&self) -> usize {
        self.amounts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.amounts.is_empty()
    }

    /// The claims at the given rows, with the checks that flagged them.
    pub fn rows(&self, rows: &[usize]) -> Result<Vec<ClaimRow>> {
        let idx = IdxCa::from_vec("idx".into(), rows.iter().map(|&r| r as IdxSize).collect());
        let picked = self.claims.take(&idx)?;
        let text = |name: &str| -> Result<Vec<String>> {
            let c = picked.column(name)?.cast(&DataType::String)?;
            Ok(c.str()?
                .iter()
                .map(|v| v.unwrap_or("").to_string())
                .collect())
        };
        let (ids, patients, providers, dates, payers) = (
            text("claim_id")?,
            text("patient_id")?,
            text("provider_id")?,
            text("service_date")?,
            text("payer")?,
        );
        let findings = self.findings_of(&ids)?;
        Ok((0..rows.len())
            .map(|i| ClaimRow {
                checks: findings
                    .get(&ids[i])
                    .map(|f| {
                        let set: BTreeSet<&str> = f.iter().map(|f| f.check_id.as_str()).collect();
                        set.into_iter().collect::<Vec<_>>().join(";")
                    })
                    .unwrap_or_default(),
                claim_id: ids[i].clone(),
                patient_id: patients[i].clone(),
                provider_id: providers[i].clone(),
                service_date: dates[i].clone(),
                payer: payers[i].clone(),
                amount_cents: self.amounts[rows[i]],
            })
            .collect())
    }

    /// The findings of the given claims, by claim_id, in findings order.
    pub fn findings_of(&self, claim_ids: &[String]) -> Result<BTreeMap<String, Vec<FindingRow>>> {
        let wanted: HashSet<&str> = claim_ids.iter().map(String::as_str).collect();
        let f = &self.findings;
        let column = |name: &str| -> Result<StringChunked> {
            Ok(f.column(name)?.cast(&DataType::String)?.str()?.clone())
        };
        let (claims, checks, severities, evidence, rules) = (
            column("claim_id")?,
            column("check_id")?,
            column("severity")?,
            column("evidence")?,
            column("rule")?,
        );
        let mut out: BTreeMap<String, Vec<FindingRow>> = BTreeMap::new();
        for i in 0..f.height() {
            let Some(claim) = claims.get(i).filter(|c| wanted.contains(c)) else {
                continue;
            };
            out.entry(claim.to_string()).or_default().push(FindingRow {
                check_id: checks.get(i).unwrap_or("").to_string(),
                severity: severities.get(i).unwrap_or("").to_string(),
                evidence: evidence.get(i).unwrap_or("").to_string(),
                rule: rules.get(i).unwrap_or("").to_string(),
            });
        }
        Ok(out)
    }
}
