//! The check registry and the engine that runs every check together.
//!
//! A check is a function from the model and config ([`CheckContext`]) to a
//! LazyFrame of `claim_id, evidence` rows for audited claims; the engine adds
//! the rest of the findings schema, folds several rows of one claim into one
//! finding, and sorts as CONTRACT.md says. Each check's file starts with its
//! user documentation (`//!`), which `claims-audit checks` prints.

pub mod custom;
mod note_text;
pub mod per_patient;
pub mod shared;

mod dx_invalid;
mod excludes1_conflict;
mod m6281_neuro_cpt_undistinguished;
mod m6281_neuro_dx_mismatch;
mod m6281_no_reassessment;
mod m6281_no_strength_exam;
mod m6281_primary_with_specific;
mod r531_specificity;

use polars::prelude::*;
use serde::Serialize;

pub use shared::CheckContext;

/// Severities, most serious first (the findings sort order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    High,
    Medium,
    Low,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }
    pub fn parse(s: &str) -> Option<Severity> {
        match s.trim().to_ascii_lowercase().as_str() {
            "high" => Some(Severity::High),
            "medium" => Some(Severity::Medium),
            "low" => Some(Severity::Low),
            _ => None,
        }
    }
    pub fn rank(self) -> i32 {
        self as i32
    }
}

/// What a finding is about: one claim, or a claim judged within the patient's episode of visits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Claim,
    Episode,
}

/// The version of the code set a check assumes.
pub const CODE_SET: &str = "ICD-10-CM FY2026 (April 1, 2026); billable spans FY2016-FY2027";

/// One entry of the catalog.
pub struct CheckInfo {
    pub id: &'static str,
    pub severity: Severity,
    pub scope: Scope,
    /// The guideline behind the check, one line (the findings `rule` column).
    pub rule: &'static str,
    /// Source file of the check; its `//!` lines are the documentation.
    source: &'static str,
    /// Built-in checks are Rust functions; custom checks run their SQL file.
    pub run: Box<dyn Fn(&CheckContext) -> PolarsResult<LazyFrame> + Send + Sync>,
    /// Reads the `notes` table (its text): when no check does, the audit
    /// frees the note text once the evidence pass has read it.
    pub reads_notes: bool,
    /// Reads the `claims` table: when no check does, the audit keeps only the
    /// claim-line columns the built-in checks read.
    pub reads_claims: bool,
    /// Reads `note_facts` of any note (a custom check may): when no check
    /// does, `run` scans only the notes of patients with an M62.81 or R53.1
    /// claim, the only notes whose facts the built-in checks and the report
    /// read (see `audit::notes_to_scan`).
    pub reads_note_facts: bool,
    /// Its findings depend on the notes (their facts or text): without
    /// `--notes` the check is not run but listed in `checks_skipped`
    /// (CONTRACT.md, "claims without notes"), never run as if every note
    /// were missing.
    pub needs_notes: bool,
}

impl CheckInfo {
    /// The check's documentation: its file's leading `//!` comment.
    pub fn doc(&self) -> String {
        self.source
            .lines()
            .take_while(|l| l.starts_with("//!"))
            .map(|l| {
                l.trim_start_matches("//!")
                    .strip_prefix(' ')
                    .unwrap_or(l.trim_start_matches("//!"))
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The first paragraph of the documentation after its title.
    pub fn summary(&self) -> String {
        let doc = self.doc();
        doc.split("\n\n").nth(1).unwrap_or("").replace('\n', " ")
    }
}

macro_rules! check {
    ($module:ident, $file:literal, $id:literal, $sev:ident, $scope:ident, $notes:literal, $rule:literal) => {
        CheckInfo {
            id: $id,
            severity: Severity::$sev,
            scope: Scope::$scope,
            rule: $rule,
            source: include_str!($file),
            run: Box::new($module::findings),
            reads_notes: false,
            reads_claims: false,
            reads_note_facts: false,
            needs_notes: $notes,
        }
    };
}

/// Every built-in check, in CHECKS.md order.
pub fn registry() -> Vec<CheckInfo> {
    vec![
        check!(
            excludes1_conflict,
            "excludes1_conflict.rs",
            "excludes1-conflict",
            High,
            Claim,
            false, // reads notes
            "ICD-10-CM Tabular List Excludes1: the two conditions are never coded together"
        ),
        check!(
            dx_invalid,
            "dx_invalid.rs",
            "dx-invalid",
            High,
            Claim,
            false, // reads notes
            "HIPAA code set rule: report the ICD-10-CM code valid (billable) on the date of service"
        ),
        check!(
            m6281_neuro_dx_mismatch,
            "m6281_neuro_dx_mismatch.rs",
            "m6281-neuro-dx-mismatch",
            High,
            Claim,
            false, // reads notes
            "ICD-10-CM I.B.5: weakness that is a manifestation of a neurological condition is not coded as M62.81"
        ),
        check!(
            m6281_no_strength_exam,
            "m6281_no_strength_exam.rs",
            "m6281-no-strength-exam",
            High,
            Claim,
            true, // reads notes
            "CMS documentation: M62.81 needs a graded strength measurement (N/5, MRC, MMT) within the past year"
        ),
        check!(
            m6281_no_reassessment,
            "m6281_no_reassessment.rs",
            "m6281-no-reassessment",
            Medium,
            Episode,
            true, // reads notes
            "CMS therapy documentation (Pub 100-02 ch.15 §220.3): reassess strength at least every 10 visits or 90 days"
        ),
        check!(
            m6281_primary_with_specific,
            "m6281_primary_with_specific.rs",
            "m6281-primary-with-specific",
            Medium,
            Claim,
            false, // reads notes
            "ICD-10-CM I.B.4-5: a symptom code does not lead when a more specific related condition is coded"
        ),
        check!(
            m6281_neuro_cpt_undistinguished,
            "m6281_neuro_cpt_undistinguished.rs",
            "m6281-neuro-cpt-undistinguished",
            Medium,
            Claim,
            true, // reads notes
            "Medical necessity: neuromuscular testing with M62.81 needs notes that tell musculoskeletal from neurological weakness"
        ),
        check!(
            r531_specificity,
            "r531_specificity.rs",
            "r531-specificity",
            Low,
            Claim,
            true, // reads notes
            "ICD-10-CM I.B.18 / specificity: code the documented condition (M62.81) rather than the symptom R53.1"
        ),
    ]
}

/// The findings schema of CONTRACT.md, in column order.
pub const FINDINGS_COLUMNS: [&str; 10] = [
    "check_id",
    "severity",
    "claim_id",
    "patient_id",
    "provider_id",
    "service_date",
    "payer",
    "amount_at_risk",
    "evidence",
    "rule",
];

/// Runs the given checks together and returns the findings, deduplicated per
/// (check, claim) and sorted by severity, amount at risk (desc), claim_id, check_id.
pub fn run_all(ctx: &CheckContext, checks: &[CheckInfo]) -> PolarsResult<DataFrame> {
    let mut parts = Vec::with_capacity(checks.len());
    for check in checks {
        let lf = crate::timing::stage(&format!("  plan {}", check.id), || (check.run)(ctx))?;
        if crate::timing::enabled() {
            // Profiling only: each check's plan collected on its own.
            crate::timing::stage(&format!("  run {}", check.id), || lf.clone().collect())?;
        }
        parts.push(shared::per_claim(keyed(ctx, lf)?).with_columns([
            lit(check.id).alias("check_id"),
            lit(check.severity.as_str()).alias("severity"),
            lit(check.severity.rank()).alias("__severity_rank"),
            lit(check.rule).alias("rule"),
        ]));
    }
    findings_frame(ctx, parts)
}

/// A check's `__claim, evidence` rows. Built-in checks return the claim key;
/// custom SQL checks return claim_id, whose key is looked up among the visits.
fn keyed(ctx: &CheckContext, mut lf: LazyFrame) -> PolarsResult<LazyFrame> {
    if lf.collect_schema()?.contains("__claim") {
        return Ok(lf.select([col("__claim"), col("evidence")]));
    }
    Ok(lf
        .join(
            ctx.tables
                .visits
                .clone()
                .lazy()
                .select([col("claim_id"), col("__claim")]),
            [col("claim_id")],
            [col("claim_id")],
            JoinArgs::new(JoinType::Inner),
        )
        .select([col("__claim"), col("evidence")]))
}

/// Joins per-check `__claim, evidence, check_id, severity, __severity_rank, rule`
/// rows to the audited visits and shapes them into the findings schema.
pub fn findings_frame(ctx: &CheckContext, parts: Vec<LazyFrame>) -> PolarsResult<DataFrame> {
    if parts.is_empty() {
        return empty_findings();
    }
    let all = concat(
        parts,
        UnionArgs {
            parallel: true,
            ..Default::default()
        },
    )?;
    all.join(
        ctx.audited.clone(),
        [col("__claim")],
        [col("__claim")],
        JoinArgs::new(JoinType::Inner),
    )
    // __claim sorts as claim_id does.
    .sort_by_exprs(
        [
            col("__severity_rank"),
            col("amount_cents"),
            col("__claim"),
            col("check_id"),
        ],
        SortMultipleOptions::default().with_order_descending_multi([false, true, false, false]),
    )
    .select([
        col("check_id"),
        col("severity"),
        col("claim_id"),
        col("patient_id"),
        col("provider_id"),
        col("service_date"),
        col("payer"),
        (col("amount_cents").cast(DataType::Float64) / lit(100.0)).alias("amount_at_risk"),
        col("evidence"),
        col("rule"),
    ])
    .collect()
}

/// Findings of several shards as one frame, in [`run_all`]'s order: by
/// severity, amount at risk (desc), claim_id, check_id.
pub fn merge_findings(parts: Vec<DataFrame>) -> PolarsResult<DataFrame> {
    if parts.is_empty() {
        return empty_findings();
    }
    let rank = [Severity::High, Severity::Medium, Severity::Low]
        .into_iter()
        .rev()
        .fold(lit(LiteralValue::untyped_null()), |other, s| {
            when(col("severity").eq(lit(s.as_str())))
                .then(lit(s.rank()))
                .otherwise(other)
        });
    concat(
        parts.into_iter().map(|p| p.lazy()).collect::<Vec<_>>(),
        UnionArgs::default(),
    )?
    .sort_by_exprs(
        [
            rank,
            col("amount_at_risk"),
            col("claim_id"),
            col("check_id"),
        ],
        SortMultipleOptions::default().with_order_descending_multi([false, true, false, false]),
    )
    .collect()
}

/// A findings frame with no rows and the right schema.
pub fn empty_findings() -> PolarsResult<DataFrame> {
    DataFrame::new_infer_height(vec![
        Column::new_empty("check_id".into(), &DataType::String),
        Column::new_empty("severity".into(), &DataType::String),
        Column::new_empty("claim_id".into(), &DataType::String),
        Column::new_empty("patient_id".into(), &DataType::String),
        Column::new_empty("provider_id".into(), &DataType::String),
        Column::new_empty("service_date".into(), &DataType::Date),
        Column::new_empty("payer".into(), &DataType::String),
        Column::new_empty("amount_at_risk".into(), &DataType::Float64),
        Column::new_empty("evidence".into(), &DataType::String),
        Column::new_empty("rule".into(), &DataType::String),
    ])
}

#[cfg(test)]
mod tests;
