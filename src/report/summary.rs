//! summary.json: run metadata and per-check totals, stable so that a
//! monthly job can compare two runs. Nothing in it depends on the clock or
//! the machine, so the same input gives the same bytes.

use std::collections::BTreeMap;

use anyhow::Result;
use polars::prelude::*;
use serde::Serialize;

use crate::checks::CheckInfo;
use crate::config::Config;
use crate::ingest::LoadedInput;
use crate::model::Period;

#[derive(Serialize)]
pub struct Summary {
    pub tool: Tool,
    pub period: PeriodInfo,
    pub inputs: Vec<InputInfo>,
    pub checks: BTreeMap<String, CheckTotals>,
    pub check_list: Vec<CheckEntry>,
    pub totals: Totals,
    pub config: Config,
}

#[derive(Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
    pub code_set: &'static str,
}

#[derive(Serialize)]
pub struct PeriodInfo {
    pub from: Option<String>,
    pub to: Option<String>,
    pub label: String,
}

#[derive(Serialize)]
pub struct InputInfo {
    pub name: &'static str,
    pub path: String,
    pub files: usize,
    pub sha256: String,
    pub rows_read: usize,
    pub rows_used: usize,
    pub rows_rejected: usize,
}

#[derive(Serialize, Default, Clone)]
pub struct CheckTotals {
    pub severity: String,
    pub findings: usize,
    pub patients: usize,
    pub providers: usize,
    pub amount_at_risk: f64,
}

#[derive(Serialize)]
pub struct CheckEntry {
    pub id: String,
    pub severity: String,
    pub scope: String,
    pub rule: String,
    pub code_set: String,
    pub version: String,
}

#[derive(Serialize)]
pub struct Totals {
    pub claims_audited: usize,
    pub claims_flagged: usize,
    pub findings: usize,
    pub amount_at_risk: f64,
}

/// Per-check totals from the findings frame (checks without findings get zeros).
pub fn check_totals(
    findings: &DataFrame,
    checks: &[CheckInfo],
) -> Result<BTreeMap<String, CheckTotals>> {
    let agg = findings
        .clone()
        .lazy()
        .group_by([col("check_id")])
        .agg([
            len().alias("findings"),
            col("patient_id").n_unique().alias("patients"),
            col("provider_id").n_unique().alias("providers"),
            (col("amount_at_risk") * lit(100.0))
                .round(0, RoundMode::HalfAwayFromZero)
                .cast(DataType::Int64)
                .sum()
                .alias("cents"),
        ])
        .collect()?;
    let mut out = BTreeMap::new();
    for check in checks {
        out.insert(
            check.id.to_string(),
            CheckTotals {
                severity: check.severity.as_str().into(),
                ..Default::default()
            },
        );
    }
    let ids = agg.column("check_id")?.str()?;
    let n = agg.column("findings")?.cast(&DataType::UInt64)?;
    let p = agg.column("patients")?.cast(&DataType::UInt64)?;
    let v = agg.column("providers")?.cast(&DataType::UInt64)?;
    let c = agg.column("cents")?.i64()?;
    let (n, p, v) = (n.u64()?, p.u64()?, v.u64()?);
    for i in 0..agg.height() {
        let id = ids.get(i).unwrap_or_default().to_string();
        let entry = out.entry(id).or_default();
        entry.findings = n.get(i).unwrap_or(0) as usize;
        entry.patients = p.get(i).unwrap_or(0) as usize;
        entry.providers = v.get(i).unwrap_or(0) as usize;
        entry.amount_at_risk = c.get(i).unwrap_or(0) as f64 / 100.0;
    }
    Ok(out)
}

pub fn input_info(input: &LoadedInput) -> InputInfo {
    InputInfo {
        name: input.kind.name(),
        path: input.path.display().to_string(),
        files: input.files.len(),
        sha256: input.sha256.clone(),
        rows_read: input.rows_read,
        rows_used: input.rows_used(),
        rows_rejected: input.rows_rejected(),
    }
}

pub fn period_info(period: &Period) -> PeriodInfo {
    PeriodInfo {
        from: period.from.map(|d| d.to_string()),
        to: period.to.map(|d| d.to_string()),
        label: period.label(),
    }
}

pub fn check_entries(checks: &[CheckInfo]) -> Vec<CheckEntry> {
    checks
        .iter()
        .map(|c| CheckEntry {
            id: c.id.into(),
            severity: c.severity.as_str().into(),
            scope: format!("{:?}", c.scope).to_lowercase(),
            rule: c.rule.into(),
            code_set: crate::checks::CODE_SET.into(),
            version: env!("CARGO_PKG_VERSION").into(),
        })
        .collect()
}

/// Totals over all findings: distinct flagged claims and their amount at risk (each claim once).
pub fn totals(findings: &DataFrame, claims_audited: usize) -> Result<Totals> {
    let per_claim = findings
        .clone()
        .lazy()
        .group_by([col("claim_id")])
        .agg([col("amount_at_risk").first()])
        .select([
            len().alias("claims"),
            (col("amount_at_risk") * lit(100.0))
                .round(0, RoundMode::HalfAwayFromZero)
                .cast(DataType::Int64)
                .sum()
                .alias("cents"),
        ])
        .collect()?;
    let claims = per_claim
        .column("claims")?
        .cast(&DataType::UInt64)?
        .u64()?
        .get(0)
        .unwrap_or(0) as usize;
    let cents = per_claim.column("cents")?.i64()?.get(0).unwrap_or(0);
    Ok(Totals {
        claims_audited,
        claims_flagged: claims,
        findings: findings.height(),
        amount_at_risk: cents as f64 / 100.0,
    })
}
