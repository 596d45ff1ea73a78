//! # m6281-primary-with-specific [medium]
//!
//! Flags a claim whose primary (first) code is M62.81 while it also carries
//! a code of the post-surgical / aftercare (`Z47`, `Z48`, `Z96.6`),
//! inflammatory myopathy (`M60`, `M33`), more specific muscle disorder
//! (`M62.84`, `M62.5`, `M62.85`), systemic disease (`C`, `I50`, `J44`,
//! `N18`, `M05`, `M06`, `M32`, `M35.3`) or neurological group.
//!
//! ## Why it matters
//! The first-listed diagnosis should be the condition chiefly responsible
//! for the service; a symptom code does not lead when a related definitive
//! condition is known (ICD-10-CM I.B.4-5, IV.D).
//!
//! ## Example
//! Claim C600, dx `M62.81;Z96.651`: flagged, evidence
//! `M62.81 is primary (dx 1) while the claim carries Z96.651 (dx 2, post-surgical)`.
//!
//! ## How it reads open spots
//! Only position 1 counts as primary; M62.81 in a later position is never
//! flagged here. Every specific code on the claim is listed.

use polars::prelude::*;

use super::shared::{CheckContext, dotted, in_group};

pub fn findings(ctx: &CheckContext) -> PolarsResult<LazyFrame> {
    let g = &ctx.config.codes;
    let code = col("code");
    let group = when(in_group(code.clone(), &g.post_surgical))
        .then(lit("post-surgical"))
        .when(in_group(code.clone(), &g.inflammatory_myopathy))
        .then(lit("inflammatory myopathy"))
        .when(in_group(code.clone(), &g.specific_muscle_disorder))
        .then(lit("more specific muscle disorder"))
        .when(in_group(code.clone(), &g.systemic_disease))
        .then(lit("systemic disease"))
        .when(in_group(code.clone(), &g.neurological))
        .then(lit("neurological"))
        .otherwise(lit(LiteralValue::untyped_null()).cast(DataType::String));
    // Only the codes of claims with M62.81 first are classified.
    let m6281_first = ctx
        .audited_m6281()
        .filter(col("m6281_position").eq(lit(1)))
        .select([col("__claim")]);
    Ok(ctx
        .claim_dx()
        .join(
            m6281_first,
            [col("__claim")],
            [col("__claim")],
            JoinArgs::new(JoinType::Semi),
        )
        .with_column(group.alias("group"))
        .filter(col("group").is_not_null())
        .select([
            col("__claim"),
            concat_str(
                [
                    lit("M62.81 is primary (dx 1) while the claim carries "),
                    dotted(col("code")),
                    lit(" (dx "),
                    col("position").cast(DataType::String),
                    lit(", "),
                    col("group"),
                    lit(")"),
                ],
                "",
                false,
            )
            .alias("evidence"),
        ]))
}
