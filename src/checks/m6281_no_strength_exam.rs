//! # m6281-no-strength-exam [high]
//!
//! Flags an M62.81 claim for a patient who has no strength measurement in
//! any note dated from 365 days before the service date through the
//! service date. A strength measurement is a graded finding on a standard
//! scale: `N/5` (`3/5`, `4+/5`, `4 / 5`) or MRC / MMT / manual muscle
//! testing followed in the sentence by a grade (`MRC grade 4`, `MMT: 3+`).
//! Dates (`3/5/2026`), other scales (`5/10`), spinal levels (`L4/5`) and
//! counts (`2/5 visits`, `visit 3/5`) are not grades.
//!
//! ## Why it matters
//! M62.81 asserts measurable weakness. Without a graded strength exam the
//! diagnosis, and the therapy billed on it, is unsupported (CMS
//! documentation requirements for outpatient therapy, Pub 100-02 ch.15).
//!
//! ## Example
//! Claim C400 of 2026-03-02 with M62.81; the patient's only graded note is
//! of 2025-02-28 (367 days before): flagged, evidence
//! `no strength measurement in notes dated 2025-03-02..2026-03-02; latest before: 2025-02-28 (note N9)`.
//!
//! ## How it reads open spots
//! Any note of the patient counts, whether or not it supports the claim. A
//! note exactly 365 days before counts; 366 does not. The window length is
//! `thresholds.strength_lookback_days`.

use polars::prelude::*;

use super::shared::{CheckContext, date_text};

pub fn findings(ctx: &CheckContext) -> PolarsResult<LazyFrame> {
    let lookback = ctx.config.thresholds.strength_lookback_days;
    let with_latest = ctx.with_latest_strength(ctx.audited_m6281(), "service_date");
    let days = (col("service_date") - col("strength_date"))
        .dt()
        .total_days(false);
    let window_start = date_text(
        (col("service_date").cast(DataType::Int32) - lit(lookback as i32)).cast(DataType::Date),
    );
    let latest = when(col("strength_date").is_null())
        .then(lit("none on file"))
        .otherwise(concat_str(
            [
                date_text(col("strength_date")),
                lit(" (note "),
                col("strength_notes"),
                lit(")"),
            ],
            "",
            false,
        ));
    Ok(with_latest
        .filter(col("strength_date").is_null().or(days.gt(lit(lookback))))
        .select([
            col("__claim"),
            concat_str(
                [
                    lit("no strength measurement in notes dated "),
                    window_start,
                    lit(".."),
                    date_text(col("service_date")),
                    lit("; latest before: "),
                    latest,
                ],
                "",
                false,
            )
            .alias("evidence"),
        ]))
}
