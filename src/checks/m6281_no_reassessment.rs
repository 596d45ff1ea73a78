//! # m6281-no-reassessment [medium]
//!
//! High-volume M62.81 use without documented reassessment. Only patients
//! with at least 6 M62.81 visits in the audit period are considered. For
//! each of their M62.81 visits, take the patient's latest strength
//! measurement on or before the visit's date; flag the visit when more than
//! 10 M62.81 visits fall after that measurement's date, up to and including
//! this visit, or when more than 90 days separate the two dates. A visit
//! that m6281-no-strength-exam flags is not flagged here.
//!
//! ## Why it matters
//! Medicare requires therapy progress reports at least every 10 treatment
//! days and recertification of the plan of care at least every 90 days
//! (Pub 100-02 ch.15 §220.1.2, §220.3); continued billing of generalized
//! weakness without a new measurement shows no need for skilled care.
//!
//! ## Example
//! A patient measured (`quads 4/5`) on 2026-01-05 in note N12, then seen
//! with M62.81 twice a week: the 11th visit after 2026-01-05 is flagged,
//! evidence `M62.81 visit no. 11 since the strength measurement of 2026-01-05 (note N12), 38 days after it (limits: 10 visits, 90 days)`.
//!
//! ## How it reads open spots
//! A visit is a claim. Visits are ordered by (service date, claim_id), so
//! two claims on one day are two visits. Visits on the measurement's own
//! date do not count as after it. M62.81 visits before the audit period
//! count in the "visits since" number (history), while the "at least 6"
//! condition counts only visits inside the period. Thresholds are
//! `thresholds.reassessment_min_visits`, `_max_visits`, `_max_days`.

use polars::prelude::*;

use super::shared::{CheckContext, date_text};
use crate::model::derived::{asof_backward, numbered_m6281_visits};

pub fn findings(ctx: &CheckContext) -> PolarsResult<LazyFrame> {
    let t = &ctx.config.thresholds;
    // Every M62.81 visit of every patient, numbered 1.. in (date, claim_id) order,
    // and how many the patient had on or before each date.
    let (numbered, visits_by_date) = numbered_m6281_visits(ctx)?;
    let eligible = numbered
        .clone()
        .filter(col("in_period"))
        .group_by([col("__patient")])
        .agg([len().alias("period_visits")])
        .filter(col("period_visits").gt_eq(lit(t.reassessment_min_visits as u32)));
    let audited = numbered
        .filter(col("in_period"))
        .join(
            ctx.audited.clone().select([col("__claim")]),
            [col("__claim")],
            [col("__claim")],
            JoinArgs::new(JoinType::Semi),
        )
        .join(
            eligible,
            [col("__patient")],
            [col("__patient")],
            JoinArgs::new(JoinType::Semi),
        );
    let days = (col("service_date") - col("strength_date"))
        .dt()
        .total_days(false);
    let measured = ctx
        .with_latest_strength(audited, "service_date")
        // Visits with no measurement in the look-back window belong to m6281-no-strength-exam.
        .filter(
            col("strength_date")
                .is_not_null()
                .and(days.clone().lt_eq(lit(t.strength_lookback_days))),
        );
    let since = asof_backward(measured, visits_by_date, "strength_date", "through_date")
        .with_columns([
            (col("visit_no") - col("visits_through").fill_null(lit(0i64))).alias("visits_since"),
            days.alias("days_since"),
        ]);
    Ok(since
        .filter(
            col("visits_since")
                .gt(lit(t.reassessment_max_visits))
                .or(col("days_since").gt(lit(t.reassessment_max_days))),
        )
        .select([
            col("__claim"),
            concat_str(
                [
                    lit("M62.81 visit no. "),
                    col("visits_since").cast(DataType::String),
                    lit(" since the strength measurement of "),
                    date_text(col("strength_date")),
                    lit(" (note "),
                    col("strength_notes"),
                    lit("), "),
                    col("days_since").cast(DataType::String),
                    lit(format!(
                        " days after it (limits: {} visits, {} days)",
                        t.reassessment_max_visits, t.reassessment_max_days
                    )),
                ],
                "",
                false,
            )
            .alias("evidence"),
        ]))
}
