//! # m6281-neuro-dx-mismatch [high]
//!
//! Flags an M62.81 claim that also carries a code of the neurological group
//! (prefixes `G`, `I63`, `I69`, `S14.1`, `S24.1`, `S34.1` by default).
//!
//! ## Why it matters
//! Weakness caused by a neurological condition (stroke, neuropathy,
//! myelopathy, cord injury) is a manifestation of that condition; the
//! neurological code should be reported, not M62.81 (ICD-10-CM I.B.5,
//! signs and symptoms integral to a definitive diagnosis).
//!
//! ## Example
//! Claim C300, dx `M62.81;I69.351`: flagged, evidence
//! `M62.81 (dx 1) with neurological code I69.351 (dx 2)`.
//!
//! ## How it reads open spots
//! M62.81 at any position counts; every neurological code on the claim is
//! listed in one finding.

use polars::prelude::*;

use super::shared::{CheckContext, code_at, in_group};

pub fn findings(ctx: &CheckContext) -> PolarsResult<LazyFrame> {
    let neuro = ctx
        .claim_dx()
        .filter(in_group(col("code"), &ctx.config.codes.neurological));
    Ok(ctx
        .audited_m6281()
        .join(
            neuro,
            [col("__claim")],
            [col("__claim")],
            JoinArgs::new(JoinType::Inner),
        )
        .select([
            col("__claim"),
            concat_str(
                [
                    code_at(
                        lit(crate::codes::normalize_code(
                            &ctx.config.codes.muscle_weakness,
                        )),
                        col("m6281_position"),
                    ),
                    lit(" with neurological code "),
                    code_at(col("code"), col("position")),
                ],
                "",
                false,
            )
            .alias("evidence"),
        ]))
}
