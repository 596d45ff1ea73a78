//! summary.json: run metadata and per-check totals, stable so that a
//! monthly job can compare two runs. Nothing in it depends on the clock or
//! the machine, so the same input gives the same bytes.

use std::collections::BTreeMap;

use anyhow::Result;
use polars::prelude::*;
use serde::Serialize;

use super::aggregates::Aggregates;
use crate::checks::CheckInfo;
use crate::config::Config;
use crate::evidence::FACT_COLUMNS;
use crate::model::Period;
/// The entry types summary.json shares with its readers (diff, history, sample).
pub use crate::run_folder::summary::{
    CheckEntry, CheckFigures, CheckTotals, MonthEntry, PeriodInfo, ProviderEntry, Totals,
};

#[derive(Serialize)]
pub struct Summary {
    pub tool: Tool,
    pub period: PeriodInfo,
    pub inputs: Vec<InputInfo>,
    pub checks: BTreeMap<String, CheckTotals>,
    pub check_list: Vec<CheckEntry>,
    /// Checks not run, with why (CONTRACT.md "claims without notes"):
    /// without `--notes` the checks that read notes are skipped.
    pub checks_skipped: Vec<SkippedCheck>,
    pub totals: Totals,
    /// Peer-group rules of the provider figures.
    pub peer_group: PeerGroup,
    /// Per provider of the audited claims, by provider_id.
    pub providers: Vec<ProviderEntry>,
    /// Per month of the audited claims, in order.
    pub months: Vec<MonthEntry>,
    /// Per payer, by payer.
    pub payers: Vec<PayerEntry>,
    /// Documentation completeness of M62.81 notes.
    pub documentation: Documentation,
    pub config: Config,
    /// True when `--pseudonymize` replaced every patient id with a keyed pseudonym.
    pub pseudonymized: bool,
    /// `run --history DIR` only: the trend over the last runs (absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trend: Option<crate::history::trend::Trend>,
}

/// A check that was not run, and why.
#[derive(Serialize, Clone)]
pub struct SkippedCheck {
    pub id: String,
    pub reason: String,
}

/// Why a check that reads notes is skipped when `--notes` is left out.
pub const NO_NOTES_REASON: &str = "no notes export given (--notes): the check reads notes, and is not run as if every note were missing";

/// The entries of `skipped` for [`Summary::checks_skipped`], in catalog order.
pub fn skipped_entries(skipped: &[CheckInfo], reason: &str) -> Vec<SkippedCheck> {
    skipped
        .iter()
        .map(|c| SkippedCheck {
            id: c.id.into(),
            reason: reason.into(),
        })
        .collect()
}

#[derive(Serialize)]
pub struct PeerGroup {
    pub min_claims: u64,
    pub outlier_percentile: f64,
    pub providers_ranked: usize,
    /// The lowest M62.81 share among outliers (null when none).
    pub outlier_cut_share: Option<f64>,
}

#[derive(Serialize)]
pub struct PayerEntry {
    pub payer: String,
    pub claims: u64,
    pub findings: u64,
    pub claims_flagged: u64,
    pub amount_at_risk: f64,
}

#[derive(Serialize)]
pub struct Element {
    pub notes: u64,
    pub share: Option<f64>,
}

#[derive(Serialize)]
pub struct CompletenessEntry {
    /// `all`, or a provider id.
    pub group: String,
    pub m6281_claims: u64,
    pub notes: u64,
    /// Keyed by the note_facts column (has_strength_grade, muscle_group, ...).
    pub elements: BTreeMap<String, Element>,
}

#[derive(Serialize)]
pub struct Documentation {
    /// What counts as an M62.81 note.
    pub notes_counted: &'static str,
    /// `all` first, then the five providers with the most M62.81 claims.
    pub groups: Vec<CompletenessEntry>,
}

fn round_to(v: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (v * f).round() / f
}

/// The aggregates of CHECKS.md "in every report", for summary.json.
pub fn aggregate_entries(
    aggs: &Aggregates,
    checks: &[CheckInfo],
) -> (
    PeerGroup,
    Vec<ProviderEntry>,
    Vec<MonthEntry>,
    Vec<PayerEntry>,
    Documentation,
) {
    let peer = PeerGroup {
        min_claims: aggs.min_claims,
        outlier_percentile: aggs.outlier_percentile,
        providers_ranked: aggs.peer_count,
        outlier_cut_share: aggs.outlier_cut.map(|v| round_to(v, 4)),
    };
    let mut providers: Vec<ProviderEntry> = aggs
        .providers
        .iter()
        .map(|p| ProviderEntry {
            provider_id: p.id.clone(),
            claims: p.claims,
            m6281_claims: p.m6281_claims,
            m6281_share: round_to(p.share, 4),
            percentile: p.percentile.map(|v| round_to(v, 1)),
            outlier: p.outlier,
            findings: p.findings,
            claims_flagged: p.claims_flagged,
            amount_at_risk: p.amount_cents as f64 / 100.0,
            checks: checks
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    (
                        c.id.to_string(),
                        CheckFigures {
                            findings: p.check_findings[i],
                            amount_at_risk: p.check_cents[i] as f64 / 100.0,
                        },
                    )
                })
                .collect(),
        })
        .collect();
    providers.sort_by(|a, b| a.provider_id.cmp(&b.provider_id));
    let months = aggs
        .months
        .iter()
        .map(|m| MonthEntry {
            month: m.month.clone(),
            claims: m.claims,
            findings: checks
                .iter()
                .enumerate()
                .map(|(i, c)| (c.id.to_string(), m.check_findings[i]))
                .collect(),
        })
        .collect();
    let mut payers: Vec<PayerEntry> = aggs
        .payers
        .iter()
        .map(|y| PayerEntry {
            payer: y.payer.clone(),
            claims: y.claims,
            findings: y.findings,
            claims_flagged: y.claims_flagged,
            amount_at_risk: y.amount_cents as f64 / 100.0,
        })
        .collect();
    payers.sort_by(|a, b| a.payer.cmp(&b.payer));
    let groups = aggs
        .completeness
        .iter()
        .map(|r| CompletenessEntry {
            group: r.group.clone(),
            m6281_claims: r.m6281_claims,
            notes: r.notes,
            elements: FACT_COLUMNS
                .iter()
                .enumerate()
                .map(|(k, name)| {
                    (
                        name.to_string(),
                        Element {
                            notes: r.with[k],
                            share: (r.notes > 0)
                                .then(|| round_to(r.with[k] as f64 / r.notes as f64, 4)),
                        },
                    )
                })
                .collect(),
        })
        .collect();
    (
        peer,
        providers,
        months,
        payers,
        Documentation {
            notes_counted: "notes supporting an audited M62.81 claim",
            groups,
        },
    )
}

#[derive(Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
    pub code_set: &'static str,
}

#[derive(Serialize, Clone)]
pub struct InputInfo {
    pub name: &'static str,
    pub path: String,
    pub files: usize,
    pub sha256: String,
    pub rows_read: usize,
    pub rows_used: usize,
    pub rows_rejected: usize,
    /// Notes only: used notes whose claim_id names no usable claim. They are
    /// kept (as history for their patient) but support no claim.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unmatched_claim_id: Option<usize>,
    /// Bulk FHIR: records of another resource type, counted and skipped
    /// (not rows of this input, so not in rows_read), by type.
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub resources_skipped: BTreeMap<String, u64>,
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
