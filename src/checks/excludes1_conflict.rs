//! # excludes1-conflict [high]
//!
//! Flags a claim that carries two codes where one sits in the other's
//! Excludes1 note in the ICD-10-CM Tabular List.
//!
//! ## Why it matters
//! An Excludes1 note means "NOT CODED HERE": the two conditions cannot occur
//! together (ICD-10-CM Official Guidelines I.A.12.a), so one of the codes is
//! wrong. Featured pair: M62.81 (muscle weakness, generalized) with M62.84
//! (sarcopenia); the block note of M60-M63 also excludes dermatopolymyositis
//! (M33.-) and systemic lupus erythematosus (M32.-) from M62.81.
//!
//! ## Example
//! Claim C100, dx `M62.81;M62.84`: flagged, evidence
//! `M62.81 (dx 1) and M62.84 (dx 2): Excludes1 note at M62.81 cites M62.84: "muscle weakness in sarcopenia (M62.84)"`.
//!
//! ## How it reads open spots
//! Notes are read from the FY2026 tabular list for every date of service. A
//! note on a category, block or chapter applies to every code below it; a
//! citation covers the code and everything below it, or an inclusive range.
//! The same code listed twice is not a conflict. A claim with several
//! conflicting pairs gets one finding listing every pair.

use polars::prelude::*;

use super::shared::{CheckContext, code_at};
use crate::codes::Excludes1;

pub fn findings(ctx: &CheckContext) -> PolarsResult<LazyFrame> {
    let audited_dx = ctx.claim_dx().join(
        ctx.audited.clone().select([col("__claim")]),
        [col("__claim")],
        [col("__claim")],
        JoinArgs::new(JoinType::Semi),
    );
    let codes_df = audited_dx
        .clone()
        .select([col("code")])
        .unique(None, UniqueKeepStrategy::Any)
        .collect()?;
    let codes: Vec<String> = codes_df
        .column("code")?
        .str()?
        .iter()
        .flatten()
        .map(str::to_string)
        .collect();
    let conflicts = Excludes1::embedded().conflicts_among(&codes);
    let pairs = df!(
        "code_a" => conflicts.iter().map(|c| c.a.as_str()).collect::<Vec<_>>(),
        "code_b" => conflicts.iter().map(|c| c.b.as_str()).collect::<Vec<_>>(),
        "owner" => conflicts.iter().map(|c| c.note_owner.as_str()).collect::<Vec<_>>(),
        "cited" => conflicts.iter().map(|c| c.cited.as_str()).collect::<Vec<_>>(),
        "note" => conflicts.iter().map(|c| c.note.as_str()).collect::<Vec<_>>(),
    )?;
    // Only codes that take part in some conflict can pair up: the self-join
    // runs over those rows, not over every diagnosis of every claim.
    let involved: Vec<&str> = conflicts
        .iter()
        .flat_map(|c| [c.a.as_str(), c.b.as_str()])
        .collect();
    let involved = Series::new("involved".into(), involved);
    let audited_dx = audited_dx.filter(col("code").is_in(lit(involved).implode(false), false));
    let left = audited_dx.clone().select([
        col("__claim"),
        col("position").alias("pos_a"),
        col("code").alias("code_a"),
    ]);
    let right = audited_dx.select([
        col("__claim"),
        col("position").alias("pos_b"),
        col("code").alias("code_b"),
    ]);
    Ok(left
        .join(
            right,
            [col("__claim")],
            [col("__claim")],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(col("code_a").lt(col("code_b")))
        .join(
            pairs.lazy(),
            [col("code_a"), col("code_b")],
            [col("code_a"), col("code_b")],
            JoinArgs::new(JoinType::Inner),
        )
        .select([
            col("__claim"),
            concat_str(
                [
                    code_at(col("code_a"), col("pos_a")),
                    lit(" and "),
                    code_at(col("code_b"), col("pos_b")),
                    lit(": Excludes1 note at "),
                    col("owner"),
                    lit(" cites "),
                    col("cited"),
                    lit(": \""),
                    col("note"),
                    lit("\""),
                ],
                "",
                false,
            )
            .alias("evidence"),
        ]))
}
