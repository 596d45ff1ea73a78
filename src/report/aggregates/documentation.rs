//! The documentation section's aggregate: completeness of the M62.81 notes,
//! overall and for the five providers with the most M62.81 claims.

use anyhow::Result;
use polars::prelude::*;

use super::{CompletenessRow, ModelCounts, ProviderRow, strs, u64s};
use crate::evidence::FACT_COLUMNS;

/// `all` first, then the five providers with the most M62.81 claims.
pub fn aggregate(counts: &ModelCounts, providers: &[ProviderRow]) -> Result<Vec<CompletenessRow>> {
    let (overall, by_provider) = (&counts.notes_all, &counts.notes_by_provider);
    let row_of = |df: &DataFrame, i: usize| -> Result<(u64, [u64; 6])> {
        let notes = u64s(df, "notes")?[i];
        let mut with = [0u64; 6];
        for (k, c) in FACT_COLUMNS.iter().enumerate() {
            with[k] = u64s(df, c)?[i];
        }
        Ok((notes, with))
    };
    let mut completeness = Vec::new();
    let total_m6281: u64 = providers.iter().map(|p| p.m6281_claims).sum();
    let (notes, with) = if overall.height() > 0 {
        row_of(overall, 0)?
    } else {
        (0, [0; 6])
    };
    completeness.push(CompletenessRow {
        group: "all".into(),
        m6281_claims: total_m6281,
        notes,
        with,
    });
    let bp_ids = strs(by_provider, "provider_id")?;
    let top: Vec<(String, u64)> = {
        let mut v: Vec<&ProviderRow> = providers.iter().filter(|p| p.m6281_claims > 0).collect();
        v.sort_by(|a, b| {
            b.m6281_claims
                .cmp(&a.m6281_claims)
                .then_with(|| a.id.cmp(&b.id))
        });
        v.into_iter()
            .take(5)
            .map(|p| (p.id.clone(), p.m6281_claims))
            .collect()
    };
    for (id, m) in top {
        let (notes, with) = match bp_ids.iter().position(|p| *p == id) {
            Some(i) => row_of(by_provider, i)?,
            None => (0, [0; 6]),
        };
        completeness.push(CompletenessRow {
            group: id,
            m6281_claims: m,
            notes,
            with,
        });
    }

    Ok(completeness)
}
