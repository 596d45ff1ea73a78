//! # r531-specificity [low]
//!
//! Flags a claim with R53.1 (weakness) and without M62.81 where a note
//! supporting it holds both a strength measurement and a musculoskeletal
//! etiology (deconditioning, disuse, post-operative / `s/p` a surgery,
//! immobilization, myopathy, atrophy, muscle wasting, musculoskeletal), and
//! the claim has no neurological code.
//!
//! ## Why it matters
//! R53.1 is a symptom code; when the chart documents measured muscle
//! weakness of musculoskeletal origin, M62.81 (or a more specific code) is
//! better supported (ICD-10-CM I.B.4: code to the highest specificity
//! documented). Under-coding hides the acuity that justifies therapy.
//!
//! ## Example
//! Claim C800, dx `R53.1`, supporting note N40 `quads 4-/5, weakness due to
//! deconditioning`: flagged, evidence
//! `R53.1 (dx 1) without M62.81; note N40 documents a strength grade (4-/5) and a musculoskeletal etiology`.
//!
//! ## How it reads open spots
//! The grade and the etiology must be in the same supporting note. A
//! negated etiology (`no atrophy`, `not deconditioned`) does not count.

use polars::prelude::*;

use super::shared::{CheckContext, code_at, in_group};
use crate::codes::normalize_code;

pub fn findings(ctx: &CheckContext) -> PolarsResult<LazyFrame> {
    let g = &ctx.config.codes;
    let r531 = ctx
        .claim_dx()
        .filter(col("code").eq(lit(normalize_code(&g.weakness_symptom))))
        .group_by([col("__claim")])
        .agg([col("position").min()])
        .join(
            ctx.audited.clone().select([col("__claim")]),
            [col("__claim")],
            [col("__claim")],
            JoinArgs::new(JoinType::Semi),
        )
        .join(
            ctx.m6281_claims.clone(),
            [col("__claim")],
            [col("__claim")],
            JoinArgs::new(JoinType::Anti),
        )
        .join(
            ctx.claim_dx()
                .filter(in_group(col("code"), &g.neurological)),
            [col("__claim")],
            [col("__claim")],
            JoinArgs::new(JoinType::Anti),
        );
    let documented = ctx.support.clone().join(
        ctx.note_facts()
            .filter(col("has_strength_grade").and(col("msk_etiology")))
            .select([col("__note"), col("note_id"), col("grades")]),
        [col("__note")],
        [col("__note")],
        JoinArgs::new(JoinType::Inner),
    );
    Ok(r531
        .join(
            documented,
            [col("__claim")],
            [col("__claim")],
            JoinArgs::new(JoinType::Inner),
        )
        .select([
            col("__claim"),
            concat_str(
                [
                    code_at(lit(normalize_code(&g.weakness_symptom)), col("position")),
                    lit(" without M62.81; note "),
                    col("note_id"),
                    lit(" documents a strength grade ("),
                    col("grades"),
                    lit(") and a musculoskeletal etiology"),
                ],
                "",
                false,
            )
            .alias("evidence"),
        ]))
}
