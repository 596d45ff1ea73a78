//! The months section's aggregate: every month of the audited claims, its
//! claims and findings per check.

use std::collections::BTreeMap;

use anyhow::Result;
use chrono::NaiveDate;
use polars::prelude::*;

use super::{Flagged, MonthRow, month_range, month_texts, per_check, strs, u64s};

/// Every month from the first audited claim's to the last's, in order.
pub fn aggregate(fl: &Flagged, audited: &LazyFrame) -> Result<Vec<MonthRow>> {
    let span = audited
        .clone()
        .select([
            col("first").min().alias("from"),
            col("last").max().alias("to"),
        ])
        .collect()?;
    let date_at = |name: &str| -> Result<Option<NaiveDate>> {
        let c = span.column(name)?.cast(&DataType::String)?;
        Ok(c.str()?
            .get(0)
            .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()))
    };
    let month_list = match (date_at("from")?, date_at("to")?) {
        (Some(a), Some(b)) => month_range(a, b),
        _ => Vec::new(),
    };
    // Months as numbers while grouping; as text once grouped.
    let monthly =
        fl.f.clone()
            .group_by([col("month"), col("check_id")])
            .agg([len().cast(DataType::UInt64).alias("findings")])
            .collect()?;
    let month_claims = audited
        .clone()
        .group_by([col("month")])
        .agg([col("claims").sum()])
        .collect()?;
    let mc: BTreeMap<String, u64> = month_texts(&month_claims)?
        .into_iter()
        .zip(u64s(&month_claims, "claims")?)
        .collect();
    let mf = per_check(
        &month_texts(&monthly)?,
        &strs(&monthly, "check_id")?,
        &u64s(&monthly, "findings")?,
        &fl.order,
    );
    let months: Vec<MonthRow> = month_list
        .into_iter()
        .map(|m| MonthRow {
            claims: mc.get(&m).copied().unwrap_or(0),
            check_findings: mf.get(&m).cloned().unwrap_or(fl.zeros_u()),
            month: m,
        })
        .collect();

    Ok(months)
}
