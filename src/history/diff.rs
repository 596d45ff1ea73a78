//! Two runs compared finding by finding (CONTRACT.md, `diff`): every
//! (check_id, claim_id) of either findings file once, `new` (only in the
//! newer run), `resolved` (only in the older) or `persisting` (in both),
//! with the severity (the newer run's, else the older's) and both amounts at
//! risk as the findings files wrote them (empty where the run has no such
//! finding). `run --history` counts the same statuses between consecutive
//! runs of its trend.

use std::collections::BTreeMap;

use anyhow::Result;
use polars::prelude::*;

/// The diff file's columns, in order.
pub const COLUMNS: [&str; 6] = [
    "status",
    "check_id",
    "claim_id",
    "severity",
    "amount_at_risk_old",
    "amount_at_risk_new",
];

/// Findings of a run as text columns `check_id, claim_id, severity,
/// amount_at_risk`, whatever their types in memory.
pub fn as_text(findings: LazyFrame) -> LazyFrame {
    findings.select(crate::run_folder::FINDING_COLUMNS.map(|c| col(c).cast(DataType::String)))
}

/// The comparison of two runs' findings (each as [`as_text`] gives them),
/// one row per (check_id, claim_id) of either, unsorted.
pub fn compare(old: LazyFrame, new: LazyFrame) -> LazyFrame {
    let side = |lf: LazyFrame, suffix: &str| {
        lf.select([
            col("check_id"),
            col("claim_id"),
            col("severity").alias(format!("severity_{suffix}")),
            col("amount_at_risk").alias(format!("amount_at_risk_{suffix}")),
            lit(true).alias(format!("in_{suffix}")),
        ])
    };
    let keys = [col("check_id"), col("claim_id")];
    side(old, "old")
        .join(
            side(new, "new"),
            keys.clone(),
            keys,
            JoinArgs::new(JoinType::Full).with_coalesce(JoinCoalesce::CoalesceColumns),
        )
        .select([
            when(col("in_old").is_null())
                .then(lit("new"))
                .when(col("in_new").is_null())
                .then(lit("resolved"))
                .otherwise(lit("persisting"))
                .alias("status"),
            col("check_id"),
            col("claim_id"),
            coalesce(&[col("severity_new"), col("severity_old")]).alias("severity"),
            col("amount_at_risk_old"),
            col("amount_at_risk_new"),
        ])
}

/// Rank of a text value in `order` (unknown values last).
fn rank(column: &str, order: &[&str]) -> Expr {
    let mut expr = lit(order.len() as u32);
    for (i, value) in order.iter().enumerate().rev() {
        expr = when(col(column).eq(lit(*value)))
            .then(lit(i as u32))
            .otherwise(expr);
    }
    expr
}

/// The diff file's order: new, resolved, persisting; then severity (high
/// first), check_id and claim_id, so the same two runs give the same bytes.
pub fn sorted(diff: LazyFrame) -> LazyFrame {
    diff.sort_by_exprs(
        [
            rank("status", &["new", "resolved", "persisting"]),
            rank("severity", &["high", "medium", "low"]),
            col("check_id"),
            col("claim_id"),
        ],
        SortMultipleOptions::default().with_maintain_order(true),
    )
}

/// How many findings of each status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatusCounts {
    pub new: u64,
    pub resolved: u64,
    pub persisting: u64,
}

impl StatusCounts {
    fn add(&mut self, status: &str, n: u64) {
        match status {
            "new" => self.new += n,
            "resolved" => self.resolved += n,
            _ => self.persisting += n,
        }
    }
}

/// Status counts per check_id, and over all checks.
pub fn counts(diff: LazyFrame) -> Result<(StatusCounts, BTreeMap<String, StatusCounts>)> {
    let df = diff
        .group_by([col("check_id"), col("status")])
        .agg([len().cast(DataType::UInt64).alias("n")])
        .collect()?;
    let ids = df.column("check_id")?.str()?;
    let statuses = df.column("status")?.str()?;
    let ns = df.column("n")?.u64()?;
    let mut total = StatusCounts::default();
    let mut by_check: BTreeMap<String, StatusCounts> = BTreeMap::new();
    for i in 0..df.height() {
        let (id, status, n) = (
            ids.get(i).unwrap_or_default(),
            statuses.get(i).unwrap_or_default(),
            ns.get(i).unwrap_or(0),
        );
        total.add(status, n);
        by_check.entry(id.to_string()).or_default().add(status, n);
    }
    Ok((total, by_check))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn findings(rows: &[(&str, &str, &str, &str)]) -> LazyFrame {
        let col_of = |name: &str, k: usize| {
            Column::new(
                name.into(),
                rows.iter()
                    .map(|r| [r.0, r.1, r.2, r.3][k])
                    .collect::<Vec<_>>(),
            )
        };
        DataFrame::new_infer_height(vec![
            col_of("check_id", 0),
            col_of("claim_id", 1),
            col_of("severity", 2),
            col_of("amount_at_risk", 3),
        ])
        .unwrap()
        .lazy()
    }

    #[test]
    fn statuses_and_amounts_of_both_sides() {
        let old = findings(&[("a", "C1", "high", "10.00"), ("b", "C2", "low", "5.00")]);
        let new = findings(&[("a", "C1", "high", "12.00"), ("a", "C3", "high", "7.50")]);
        let df = sorted(compare(old.clone(), new.clone())).collect().unwrap();
        let text: Vec<String> = (0..df.height())
            .map(|i| {
                df.columns()
                    .iter()
                    .map(|c| c.get(i).unwrap().get_str().unwrap_or("").to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .collect();
        assert_eq!(
            text,
            [
                "new,a,C3,high,,7.50",
                "resolved,b,C2,low,5.00,",
                "persisting,a,C1,high,10.00,12.00"
            ]
        );
        let (total, by_check) = counts(compare(old, new)).unwrap();
        assert_eq!(
            total,
            StatusCounts {
                new: 1,
                resolved: 1,
                persisting: 1
            }
        );
        assert_eq!(by_check["a"].new, 1);
        assert_eq!(by_check["b"].resolved, 1);
    }
}
