//! # dx-invalid [high]
//!
//! Flags a claim with a diagnosis code that is not billable on the claim's
//! date of service in the ICD-10-CM code set in force that day: unknown, a
//! category header such as `M62.8` that has codes below it, not yet valid
//! (M62.84 before 2016-10-01) or no longer valid (M54.5 from 2021-10-01,
//! G35 from 2025-10-01).
//!
//! ## Why it matters
//! HIPAA requires the code set valid on the date of service; payers deny
//! claims with invalid or truncated codes, and paid ones are overpayments.
//!
//! ## Example
//! Claim C200 of 2026-03-02, dx `M62.8;R26.89`: flagged, evidence
//! `M62.8 (dx 1) is not billable on 2026-03-02 (FY2026 code set): a category header with codes below it`.
//!
//! ## How it reads open spots
//! Billable spans come from the CMS code master FY2016-FY2027 with its
//! mid-year updates; a date before 2015-10-01 is judged against FY2016 and
//! a date after FY2027 against FY2027. A code billable in no year is called
//! a header when the FY2026 tabular list has codes below it, else unknown.

use polars::prelude::*;

use super::shared::{CheckContext, code_at};
use crate::codes::{Billability, CodeSet, fiscal_year};

pub fn findings(ctx: &CheckContext) -> PolarsResult<LazyFrame> {
    let dated = ctx.claim_dx().join(
        ctx.audited
            .clone()
            .select([col("__claim"), col("service_date")]),
        [col("__claim")],
        [col("__claim")],
        JoinArgs::new(JoinType::Inner),
    );
    // Judge each distinct (code, date) once with the precomputed spans.
    let distinct = dated
        .clone()
        .select([col("code"), col("service_date")])
        .unique(None, UniqueKeepStrategy::Any)
        .collect()?;
    let codes = distinct.column("code")?.str()?;
    let dates = distinct.column("service_date")?.date()?;
    let set = CodeSet::embedded();
    let (mut bad_code, mut bad_date, mut reason) = (Vec::new(), Vec::new(), Vec::new());
    for (code, days) in codes.iter().zip(dates.physical().iter()) {
        let (Some(code), Some(days)) = (code, days) else {
            continue;
        };
        let date =
            chrono::NaiveDate::from_num_days_from_ce_opt(days + 719_163).expect("date in range");
        let why = match set.billability(code, date) {
            Billability::Billable => continue,
            Billability::Header => "a category header with codes below it".to_string(),
            Billability::Unknown => "not a code of ICD-10-CM".to_string(),
            Billability::NotYetValid { valid_from } => format!("not valid before {valid_from}"),
            Billability::NoLongerValid { valid_to } => format!("no longer valid after {valid_to}"),
        };
        bad_code.push(code.to_string());
        bad_date.push(days);
        reason.push(format!("(FY{} code set): {why}", fiscal_year(date)));
    }
    let invalid = DataFrame::new_infer_height(vec![
        Column::new("code".into(), bad_code),
        Column::new("service_date".into(), bad_date).cast(&DataType::Date)?,
        Column::new("why".into(), reason),
    ])?;
    Ok(dated
        .join(
            invalid.lazy(),
            [col("code"), col("service_date")],
            [col("code"), col("service_date")],
            JoinArgs::new(JoinType::Inner),
        )
        .select([
            col("__claim"),
            concat_str(
                [
                    code_at(col("code"), col("position")),
                    lit(" is not billable on "),
                    col("service_date").dt().strftime("%Y-%m-%d"),
                    lit(" "),
                    col("why"),
                ],
                "",
                false,
            )
            .alias("evidence"),
        ]))
}
