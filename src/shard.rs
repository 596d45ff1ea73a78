//! Sharded runs (`run --shards N`): the patients are split into N groups of
//! about equal size (claim lines plus notes), by ranges of patient id, and
//! audited one group at a time, so that memory holds one group, not the
//! whole export. Every check and every report aggregate relates a patient's
//! own claims and notes, so the merged result is the unsharded one.
//!
//! Three things in an export could tie two groups together; the plan looks
//! for them first and refuses the run (an input error naming the example)
//! rather than give a different answer: a claim with lines of patients in
//! two groups (an unsharded run rejects the whole claim), a note id used by
//! patients in two groups (an unsharded run rejects the later note), and a
//! note whose claim_id names a claim of a patient in another group.

use anyhow::Result;
use polars::prelude::*;

use crate::cli::common::InputArgs;
use crate::ingest::{InputKind, Mapping, sources};
use crate::input_error;

/// One group of patients: ids from `from` (inclusive) until `until`
/// (exclusive). Rows without a patient id (rejected anyway) go to the first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
    pub from: Option<String>,
    pub until: Option<String>,
}

impl Shard {
    /// True for the rows of this shard; `patient` is [`patient_text`].
    pub fn keeps(&self, patient: Expr) -> Expr {
        let mut keep = lit(true);
        if let Some(from) = &self.from {
            keep = keep.and(patient.clone().gt_eq(lit(from.as_str())));
        }
        if let Some(until) = &self.until {
            keep = keep.and(patient.clone().lt(lit(until.as_str())));
        }
        let keep = keep.fill_null(lit(false));
        if self.index == 0 {
            keep.or(patient.is_null())
        } else {
            keep
        }
    }
}

/// A patient id column as ingest reads it: text, trimmed, null when blank.
pub fn patient_text(c: Expr) -> Expr {
    let t = c
        .cast(DataType::String)
        .str()
        .strip_chars(lit(LiteralValue::untyped_null()));
    when(t.clone().eq(lit("")))
        .then(lit(LiteralValue::untyped_null()).cast(DataType::String))
        .otherwise(t)
}

/// Splits the patients of both inputs into at most `count` shards of about
/// equal weight (claim lines plus notes), after checking that no claim or
/// note ties two shards together. One shard when `count` is 1.
pub fn plan(inputs: &InputArgs, count: usize) -> Result<Vec<Shard>> {
    let whole = |count| Shard {
        index: 0,
        count,
        from: None,
        until: None,
    };
    if count <= 1 {
        return Ok(vec![whole(1)]);
    }
    let mapping = Mapping::load(inputs.mapping.as_deref())?;
    let claims = id_columns(
        InputKind::Claims,
        &inputs.claims,
        &mapping.claims,
        &["claim_id", "patient_id"],
    )?;
    let notes = id_columns(
        InputKind::Notes,
        &inputs.notes,
        &mapping.notes,
        &["note_id", "patient_id", "claim_id"],
    )?;
    let streaming = |lf: LazyFrame| {
        lf.collect_with_engine(Engine::Streaming)
            .map(|r| r.unwrap_single())
    };
    // Per claim: its lowest and highest patient id and its line count.
    let per_claim = streaming(
        claims
            .filter(col("claim_id").is_not_null())
            .group_by([col("claim_id")])
            .agg([
                col("patient_id").min().alias("lo"),
                col("patient_id").max().alias("hi"),
                len().cast(DataType::UInt64).alias("lines"),
            ]),
    )?;
    let weights = streaming(
        concat(
            [
                per_claim
                    .clone()
                    .lazy()
                    .select([col("lo").alias("patient_id"), col("lines").alias("w")]),
                notes.clone().select([
                    col("patient_id"),
                    lit(1u64).cast(DataType::UInt64).alias("w"),
                ]),
            ],
            UnionArgs::default(),
        )?
        .filter(col("patient_id").is_not_null())
        .group_by([col("patient_id")])
        .agg([col("w").sum()])
        .sort(["patient_id"], Default::default()),
    )?;
    let bounds = bounds(
        weights.column("patient_id")?.str()?,
        weights.column("w")?.u64()?,
        count,
    );
    let shard_of = |c: Expr| {
        bounds
            .iter()
            .map(|b| c.clone().gt_eq(lit(b.as_str())).cast(DataType::UInt32))
            .fold(lit(0u32), |a, b| a + b)
    };
    let first = |lf: LazyFrame| -> PolarsResult<Option<Vec<String>>> {
        let df = streaming(lf.limit(1))?;
        if df.height() == 0 {
            return Ok(None);
        }
        df.columns()
            .iter()
            .map(|c| {
                Ok(c.cast(&DataType::String)?
                    .str()?
                    .get(0)
                    .unwrap_or("")
                    .to_string())
            })
            .collect::<PolarsResult<Vec<_>>>()
            .map(Some)
    };
    let refuse = "a sharded run cannot give the unsharded answer; run without --shards";
    if let Some(v) = first(
        per_claim
            .clone()
            .lazy()
            .filter(shard_of(col("lo")).neq(shard_of(col("hi"))))
            .select([col("claim_id"), col("lo"), col("hi")])
            .sort(["claim_id"], Default::default()),
    )? {
        input_error!(
            "{}: claim \"{}\" has lines of patients \"{}\" and \"{}\" in different shards: {refuse}",
            inputs.claims.display(),
            v[0],
            v[1],
            v[2]
        );
    }
    if let Some(v) = first(
        notes
            .clone()
            .filter(col("note_id").is_not_null())
            .group_by([col("note_id")])
            .agg([
                col("patient_id").min().alias("lo"),
                col("patient_id").max().alias("hi"),
            ])
            .filter(shard_of(col("lo")).neq(shard_of(col("hi"))))
            .sort(["note_id"], Default::default()),
    )? {
        input_error!(
            "{}: note_id \"{}\" is used by patients \"{}\" and \"{}\" in different shards: {refuse}",
            inputs.notes.display(),
            v[0],
            v[1],
            v[2]
        );
    }
    if let Some(v) = first(
        notes
            .filter(
                col("claim_id")
                    .is_not_null()
                    .and(col("patient_id").is_not_null()),
            )
            .join(
                per_claim.lazy().select([col("claim_id"), col("lo")]),
                [col("claim_id")],
                [col("claim_id")],
                JoinArgs::new(JoinType::Inner),
            )
            .filter(shard_of(col("patient_id")).neq(shard_of(col("lo"))))
            .select([col("note_id"), col("claim_id")])
            .sort(["note_id"], Default::default()),
    )? {
        input_error!(
            "{}: note \"{}\" names claim \"{}\" of a patient in another shard: {refuse}",
            inputs.notes.display(),
            v[0],
            v[1]
        );
    }
    let n = bounds.len() + 1;
    Ok((0..n)
        .map(|i| Shard {
            index: i,
            count: n,
            from: i.checked_sub(1).map(|j| bounds[j].clone()),
            until: bounds.get(i).cloned(),
        })
        .collect())
}

/// The first patient id of every shard but the first: cuts where the
/// running weight passes each `1/count` of the total (patients in id order).
fn bounds(patients: &StringChunked, weights: &UInt64Chunked, count: usize) -> Vec<String> {
    let total: u64 = weights.iter().flatten().sum();
    let mut cuts = Vec::new();
    let mut running = 0u64;
    for (p, w) in patients.iter().zip(weights.iter()) {
        let Some(p) = p else { continue };
        let next_cut = (cuts.len() as u64 + 1) * total / count as u64;
        if running >= next_cut && running > 0 && cuts.len() + 1 < count {
            cuts.push(p.to_string());
        }
        running += w.unwrap_or(0);
    }
    cuts
}

/// The id columns `names` of every file of one input, as trimmed text (a
/// missing optional column is null; a missing required one is left to
/// ingest, which names it the same way in every run).
fn id_columns(
    kind: InputKind,
    path: &std::path::Path,
    mapping: &std::collections::BTreeMap<String, String>,
    names: &[&str],
) -> Result<LazyFrame> {
    let (files, format) = sources::resolve(path)?;
    let mut parts = Vec::new();
    for file in &files {
        let mut lf = sources::scan(file, format)?;
        let schema = match lf.collect_schema() {
            Ok(s) => s,
            Err(e) => input_error!("{}", sources::read_error(file, format, &e)),
        };
        let mut exprs = Vec::new();
        for name in names {
            let source = Mapping::source_name(mapping, name);
            let found = schema
                .iter_names()
                .find(|n| n.trim_start_matches('\u{feff}') == source);
            exprs.push(match found {
                Some(orig) => patient_text(col(orig.as_str())).alias(*name),
                None if *name == "claim_id" && kind == InputKind::Notes => {
                    lit(LiteralValue::untyped_null())
                        .cast(DataType::String)
                        .alias(*name)
                }
                None => input_error!(
                    "{}: missing required column \"{name}\" (needed to split the run into shards)",
                    file.display()
                ),
            });
        }
        parts.push(lf.select(exprs));
    }
    Ok(concat(parts, UnionArgs::default())?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_split_the_weight_evenly_and_never_make_empty_shards() {
        let p = StringChunked::from_slice("p".into(), &["a", "b", "c", "d"]);
        let w = UInt64Chunked::from_slice("w".into(), &[1, 1, 1, 1]);
        assert_eq!(bounds(&p, &w, 2), vec!["c".to_string()]);
        assert_eq!(bounds(&p, &w, 4), vec!["b", "c", "d"]);
        // More shards than patients: one shard per patient at most.
        assert_eq!(bounds(&p, &w, 9).len(), 3);
        let heavy = UInt64Chunked::from_slice("w".into(), &[10, 1, 1, 1]);
        assert_eq!(bounds(&p, &heavy, 2), vec!["b".to_string()]);
    }

    #[test]
    fn a_shard_keeps_its_range_and_the_first_keeps_rows_without_patient() {
        let df = df!("p" => [Some("a"), Some("b"), Some("c"), None]).unwrap();
        let rows = |s: &Shard| {
            df.clone()
                .lazy()
                .filter(s.keeps(col("p")))
                .collect()
                .unwrap()
                .height()
        };
        let first = Shard {
            index: 0,
            count: 2,
            from: None,
            until: Some("b".into()),
        };
        let second = Shard {
            index: 1,
            count: 2,
            from: Some("b".into()),
            until: None,
        };
        assert_eq!(rows(&first), 2); // "a" and the row without patient
        assert_eq!(rows(&second), 2); // "b", "c"
    }
}
