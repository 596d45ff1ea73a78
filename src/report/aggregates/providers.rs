//! The providers section's aggregate: per provider of the audited claims,
//! M62.81 share, peer-group percentile, findings and amount at risk.

use anyhow::Result;
use polars::prelude::*;

use super::{Flagged, ProviderRow, bools, f64s, i64s, left_join, per_check, strs, u64s};
use crate::config::Thresholds;

/// The providers (by amount at risk, then id), the lowest share among
/// outliers and the size of the peer group.
pub fn aggregate(
    fl: &Flagged,
    audited: &LazyFrame,
    t: &Thresholds,
) -> Result<(Vec<ProviderRow>, Option<f64>, usize)> {
    let prov = audited
        .clone()
        .group_by([col("provider_id")])
        .agg([
            col("claims").sum().alias("claims"),
            col("claims")
                .filter(col("is_m6281"))
                .sum()
                .alias("m6281_claims"),
        ])
        .with_columns([
            (col("m6281_claims").cast(DataType::Float64) / col("claims").cast(DataType::Float64))
                .alias("share"),
            col("claims")
                .gt_eq(lit(t.provider_min_claims as u64))
                .alias("eligible"),
        ]);
    let ranked = prov.clone().filter(col("eligible")).select([
        col("provider_id"),
        (col("share")
            .rank(
                RankOptions {
                    method: RankMethod::Max,
                    descending: false,
                },
                None,
            )
            .cast(DataType::Float64)
            * lit(100.0)
            / len().cast(DataType::Float64))
        .alias("percentile"),
    ]);
    let flagged = fl.f.clone().group_by([col("provider_id")]).agg([
        len().cast(DataType::UInt64).alias("findings"),
        col("claim_id")
            .n_unique()
            .cast(DataType::UInt64)
            .alias("claims_flagged"),
    ]);
    let prov_amount = fl
        .primary
        .clone()
        .group_by([col("provider_id")])
        .agg([col("amount_cents").sum().alias("amount_cents")]);
    let prov_df = left_join(
        left_join(
            left_join(prov, ranked, "provider_id"),
            flagged,
            "provider_id",
        ),
        prov_amount,
        "provider_id",
    )
    .with_columns([
        col("findings").fill_null(lit(0u64)),
        col("claims_flagged").fill_null(lit(0u64)),
        col("amount_cents").fill_null(lit(0i64)),
        col("percentile")
            .gt_eq(lit(t.provider_outlier_percentile))
            .fill_null(lit(false))
            .alias("outlier"),
    ])
    .sort_by_exprs(
        [col("amount_cents"), col("provider_id")],
        SortMultipleOptions::default().with_order_descending_multi([true, false]),
    );
    let prov_df = crate::timing::stage("  aggregates: providers", || prov_df.collect())?;
    let prov_checks =
        fl.f.clone()
            .group_by([col("provider_id"), col("check_id")])
            .agg([
                len().cast(DataType::UInt64).alias("findings"),
                col("amount_cents").sum().alias("amount_cents"),
            ])
            .collect()?;
    let prov_primary = fl
        .primary
        .clone()
        .group_by([col("provider_id"), col("check_id")])
        .agg([col("amount_cents").sum().alias("amount_cents")])
        .collect()?;
    let pc_keys = strs(&prov_checks, "provider_id")?;
    let pc_checks = strs(&prov_checks, "check_id")?;
    let pc_findings = per_check(
        &pc_keys,
        &pc_checks,
        &u64s(&prov_checks, "findings")?,
        &fl.order,
    );
    let pc_cents = per_check(
        &pc_keys,
        &pc_checks,
        &i64s(&prov_checks, "amount_cents")?
            .into_iter()
            .map(|v| v.unwrap_or(0))
            .collect::<Vec<_>>(),
        &fl.order,
    );
    let pp_cents = per_check(
        &strs(&prov_primary, "provider_id")?,
        &strs(&prov_primary, "check_id")?,
        &i64s(&prov_primary, "amount_cents")?
            .into_iter()
            .map(|v| v.unwrap_or(0))
            .collect::<Vec<_>>(),
        &fl.order,
    );
    let ids = strs(&prov_df, "provider_id")?;
    let claims = u64s(&prov_df, "claims")?;
    let m6281 = u64s(&prov_df, "m6281_claims")?;
    let share = f64s(&prov_df, "share")?;
    let eligible = bools(&prov_df, "eligible")?;
    let percentile = f64s(&prov_df, "percentile")?;
    let outlier = bools(&prov_df, "outlier")?;
    let p_findings = u64s(&prov_df, "findings")?;
    let p_flagged = u64s(&prov_df, "claims_flagged")?;
    let p_cents = i64s(&prov_df, "amount_cents")?;
    let providers: Vec<ProviderRow> = (0..prov_df.height())
        .map(|i| ProviderRow {
            id: ids[i].clone(),
            claims: claims[i],
            m6281_claims: m6281[i],
            share: share[i].unwrap_or(0.0),
            eligible: eligible[i],
            percentile: percentile[i],
            outlier: outlier[i],
            findings: p_findings[i],
            claims_flagged: p_flagged[i],
            amount_cents: p_cents[i].unwrap_or(0),
            check_findings: pc_findings.get(&ids[i]).cloned().unwrap_or(fl.zeros_u()),
            check_cents: pc_cents.get(&ids[i]).cloned().unwrap_or(fl.zeros_i()),
            primary_cents: pp_cents.get(&ids[i]).cloned().unwrap_or(fl.zeros_i()),
        })
        .collect();
    let outlier_cut = providers
        .iter()
        .filter(|p| p.outlier)
        .map(|p| p.share)
        .min_by(|a, b| a.total_cmp(b));
    let peer_count = providers.iter().filter(|p| p.eligible).count();

    Ok((providers, outlier_cut, peer_count))
}
