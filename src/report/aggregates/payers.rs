//! The payers section's aggregate: per payer, claims, findings and amount
//! at risk (each flagged claim once).

use anyhow::Result;
use polars::prelude::*;

use super::{Flagged, PayerRow, i64s, left_join, per_check, strs, u64s};

/// The payers, by amount at risk (desc), then payer.
pub fn aggregate(fl: &Flagged, audited: &LazyFrame) -> Result<Vec<PayerRow>> {
    let payer_claims = audited
        .clone()
        .group_by([col("payer")])
        .agg([col("claims").sum()]);
    let payer_flagged = fl.f.clone().group_by([col("payer")]).agg([
        len().cast(DataType::UInt64).alias("findings"),
        col("claim_id")
            .n_unique()
            .cast(DataType::UInt64)
            .alias("claims_flagged"),
    ]);
    let payer_amount = fl
        .primary
        .clone()
        .group_by([col("payer")])
        .agg([col("amount_cents").sum().alias("amount_cents")]);
    let payer_df = left_join(
        left_join(payer_claims, payer_flagged, "payer"),
        payer_amount,
        "payer",
    )
    .with_columns([
        col("findings").fill_null(lit(0u64)),
        col("claims_flagged").fill_null(lit(0u64)),
        col("amount_cents").fill_null(lit(0i64)),
    ])
    .sort_by_exprs(
        [col("amount_cents"), col("payer")],
        SortMultipleOptions::default().with_order_descending_multi([true, false]),
    )
    .collect()?;
    let payer_checks =
        fl.f.clone()
            .group_by([col("payer"), col("check_id")])
            .agg([len().cast(DataType::UInt64).alias("findings")])
            .collect()?;
    let payer_primary = fl
        .primary
        .clone()
        .group_by([col("payer"), col("check_id")])
        .agg([col("amount_cents").sum().alias("amount_cents")])
        .collect()?;
    let yf = per_check(
        &strs(&payer_checks, "payer")?,
        &strs(&payer_checks, "check_id")?,
        &u64s(&payer_checks, "findings")?,
        &fl.order,
    );
    let yp = per_check(
        &strs(&payer_primary, "payer")?,
        &strs(&payer_primary, "check_id")?,
        &i64s(&payer_primary, "amount_cents")?
            .into_iter()
            .map(|v| v.unwrap_or(0))
            .collect::<Vec<_>>(),
        &fl.order,
    );
    let names = strs(&payer_df, "payer")?;
    let y_claims = u64s(&payer_df, "claims")?;
    let y_findings = u64s(&payer_df, "findings")?;
    let y_flagged = u64s(&payer_df, "claims_flagged")?;
    let y_cents = i64s(&payer_df, "amount_cents")?;
    let payers: Vec<PayerRow> = (0..payer_df.height())
        .map(|i| PayerRow {
            payer: names[i].clone(),
            claims: y_claims[i],
            findings: y_findings[i],
            claims_flagged: y_flagged[i],
            amount_cents: y_cents[i].unwrap_or(0),
            check_findings: yf.get(&names[i]).cloned().unwrap_or(fl.zeros_u()),
            primary_cents: yp.get(&names[i]).cloned().unwrap_or(fl.zeros_i()),
        })
        .collect();

    Ok(payers)
}
