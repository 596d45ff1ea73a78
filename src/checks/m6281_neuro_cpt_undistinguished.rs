//! # m6281-neuro-cpt-undistinguished [medium]
//!
//! Flags an M62.81 claim with a line whose CPT is a neuromuscular
//! evaluation code (95831-95834 manual muscle testing, 95860-95872 needle
//! EMG, 95885-95887 EMG with nerve conduction, 95907-95913 nerve conduction
//! studies) when no note supporting the claim holds a neuro distinction: a
//! statement of why the weakness is musculoskeletal and not neurological
//! (`neurological cause ruled out`, `EMG/NCS within normal limits`,
//! `myogenic, not neurogenic`, `no neurological deficit`). Negated,
//! uncertain or planned statements (`not ruled out`, `cannot exclude
//! radiculopathy`, `possible neuropathy`, `NCS pending`, `rule out
//! neuropathy`, `ruled out?`) are not a distinction.
//!
//! ## Why it matters
//! Electrodiagnostic testing billed with generalized muscle weakness is
//! medically necessary only when the record shows the question it answers;
//! the M62.81 coding guide asks for documentation that separates
//! musculoskeletal from neurological weakness.
//!
//! ## Example
//! Claim C700, dx `M62.81`, line 2 CPT 95886, supporting note N31 says
//! `cannot exclude radiculopathy`: flagged, evidence
//! `neuromuscular evaluation on line 2 (CPT 95886); notes read: N31; none distinguishes musculoskeletal from neurological weakness`.
//!
//! ## How it reads open spots
//! A note supports a claim when its claim_id equals the claim's or, for a
//! note without claim_id, when patient and date are equal. Only supporting
//! notes are read; a claim with no supporting note is flagged.

use polars::prelude::*;

use super::shared::{CheckContext, in_cpt_set};

pub fn findings(ctx: &CheckContext) -> PolarsResult<LazyFrame> {
    let lines = ctx
        .tables
        .claims
        .clone()
        .lazy()
        .filter(in_cpt_set(
            col("cpt_code"),
            &ctx.config.codes.neuromuscular_cpt,
        ))
        // Claim lines carry claim_id only: the few neuromuscular lines are
        // matched to the audited M62.81 claims by id, which gives their key.
        .join(
            ctx.audited_m6281()
                .select([col("claim_id"), col("__claim")]),
            [col("claim_id")],
            [col("claim_id")],
            JoinArgs::new(JoinType::Inner),
        )
        .sort(["__claim", "line_number"], Default::default())
        .group_by_stable([col("__claim")])
        .agg([concat_str(
            [
                lit("line "),
                col("line_number").cast(DataType::String),
                lit(" (CPT "),
                col("cpt_code"),
                lit(")"),
            ],
            "",
            false,
        )
        .str()
        .join(", ", true)
        .alias("lines")]);
    // Only the claims with such a line need their notes read (a few percent).
    let lines = lines.collect()?.lazy();
    let notes = ctx
        .support
        .clone()
        .join(
            lines.clone().select([col("__claim")]),
            [col("__claim")],
            [col("__claim")],
            JoinArgs::new(JoinType::Semi),
        )
        .join(
            ctx.note_facts()
                .select([col("__note"), col("note_id"), col("neuro_distinction")]),
            [col("__note")],
            [col("__note")],
            JoinArgs::new(JoinType::Inner),
        )
        .group_by([col("__claim")])
        .agg([
            col("neuro_distinction").any(true).alias("distinguished"),
            col("note_id")
                .unique()
                .sort(Default::default())
                .str()
                .join(", ", true)
                .alias("notes_read"),
        ]);
    Ok(lines
        .join(notes, [col("__claim")], [col("__claim")], JoinArgs::new(JoinType::Left))
        .filter(col("distinguished").fill_null(lit(false)).not())
        .select([
            col("__claim"),
            concat_str(
                [
                    lit("neuromuscular evaluation on "),
                    col("lines"),
                    when(col("notes_read").is_null())
                        .then(lit("; no note supports the claim"))
                        .otherwise(concat_str(
                            [lit("; notes read: "), col("notes_read"), lit("; none distinguishes musculoskeletal from neurological weakness")],
                            "",
                            false,
                        )),
                ],
                "",
                false,
            )
            .alias("evidence"),
        ]))
}
