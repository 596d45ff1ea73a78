//! Sharded runs (`run --shards N|auto`): the patients are split into N
//! groups of about equal size (claim lines plus notes), by ranges of
//! patient id, and audited one group at a time, so that memory holds one
//! group, not the whole export. Every check and every report aggregate
//! relates a patient's own claims and notes, so the merged result is the
//! unsharded one (tests/it/shards.rs compares them byte for byte).
//!
//! Three things in an export could tie two groups together; the plan looks
//! for them first (the third after the run) and refuses to shard (a [`Tie`]
//! naming the example: an input error for `--shards N`, one pass for
//! `auto`) rather than give a different answer: a claim with lines of
//! patients in two groups (one pass rejects the whole claim), a note id
//! used by patients in two groups (one pass rejects the later note), and a
//! note whose claim_id names a claim of a patient in another group.

use anyhow::Result;
use polars::prelude::*;

pub use crate::ingest::patient_range::{Shard, patient_text};
use crate::ingest::{InputFiles, InputKind, Mapping, sources};
use crate::input_error;

/// Why an export cannot be sharded: a claim or note ties two shards together.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Tie(pub String);

/// How many shards `run` uses: a number, or `auto` (the default): one pass
/// unless the inputs are estimated to need more than half the memory
/// available ([`auto_count`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShardCount {
    Auto,
    Fixed(usize),
}

impl std::str::FromStr for ShardCount {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "auto" => Ok(ShardCount::Auto),
            n => match n.parse::<usize>() {
                Ok(n) if n >= 1 => Ok(ShardCount::Fixed(n)),
                _ => Err(format!(
                    "expected `auto` or a whole number of 1 or more, got {n:?}"
                )),
            },
        }
    }
}

/// Peak memory of one pass per claim line or note, measured on the
/// generated 10M-line exports (CSV: 6.5 GiB for 14.4M lines and notes;
/// Parquet 4.4 GiB), rounded up.
const BYTES_PER_ROW: u64 = 500;
/// Rows of a text export per byte of file, from the generated exports
/// (claims CSV about 104 bytes a line, notes about 357 bytes a note).
const CLAIM_LINE_BYTES: u64 = 100;
const NOTE_BYTES: u64 = 350;

/// The shard count for `auto`: enough shards that each is estimated to need
/// at most half the memory available now; 1 (one pass) for most exports.
/// Rows are counted from Parquet and IPC metadata and estimated from the
/// size of text files; without /proc/meminfo, one pass.
pub fn auto_count(inputs: &InputFiles) -> Result<usize> {
    let Some(available) = available_memory() else {
        return Ok(1);
    };
    let rows = estimated_rows(&inputs.claims, CLAIM_LINE_BYTES)?
        + match &inputs.notes {
            Some(notes) => estimated_rows(notes, NOTE_BYTES)?,
            None => 0,
        };
    let need = rows.saturating_mul(BYTES_PER_ROW);
    let budget = (available / 2).max(1);
    Ok(need.div_ceil(budget).max(1) as usize)
}

/// MemAvailable of /proc/meminfo, in bytes (tests set it with
/// `CLAIMS_AUDIT_TEST_AVAILABLE_MEMORY`).
fn available_memory() -> Option<u64> {
    if let Some(bytes) = std::env::var("CLAIMS_AUDIT_TEST_AVAILABLE_MEMORY")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        return Some(bytes);
    }
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let kb = info
        .lines()
        .find_map(|l| l.strip_prefix("MemAvailable:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse::<u64>()
        .ok()?;
    Some(kb * 1024)
}

/// Rows of an input: from the metadata of Parquet and IPC files, from the
/// size of text files (`bytes_per_row`).
fn estimated_rows(path: &std::path::Path, bytes_per_row: u64) -> Result<u64> {
    let (files, format) = sources::resolve(path)?;
    let mut rows = 0u64;
    for file in &files {
        rows += match format {
            sources::Format::Parquet | sources::Format::Ipc => {
                let n = sources::scan(file, format)?
                    .select([len().cast(DataType::UInt64).alias("n")])
                    .collect();
                match n {
                    Ok(df) => df.column("n")?.u64()?.get(0).unwrap_or(0),
                    Err(e) => input_error!("{}", sources::read_error(file, format, &e)),
                }
            }
            _ => std::fs::metadata(file).map_or(0, |m| m.len()) / bytes_per_row,
        };
    }
    Ok(rows)
}

/// Splits the patients of both inputs into at most `count` shards of about
/// equal weight (claim lines plus notes), after checking that no claim and
/// no note id ties two shards together (notes naming a claim are checked
/// after the run, by [`check_note_links`]). One shard when `count` is 1.
pub fn plan(inputs: &InputFiles, count: usize) -> Result<Vec<Shard>> {
    if count <= 1 {
        return Ok(vec![Shard {
            index: 0,
            count: 1,
            from: None,
            until: None,
        }]);
    }
    let mapping = Mapping::load(inputs.mapping.as_deref())?;
    let claims = id_columns(
        InputKind::Claims,
        &inputs.claims,
        &mapping.claims,
        &["claim_id", "patient_id"],
    )?;
    let notes = match &inputs.notes {
        Some(path) => Some(id_columns(
            InputKind::Notes,
            path,
            &mapping.notes,
            &["note_id", "patient_id", "claim_id"],
        )?),
        None => None,
    };
    // Lines and notes per patient (a few million groups at most), streamed
    // from the files: grouping every row in memory took gigabytes.
    let weight = |lf: &LazyFrame| {
        lf.clone().select([
            col("patient_id"),
            lit(1u64).cast(DataType::UInt64).alias("w"),
        ])
    };
    let weights = streaming(
        "shards: weights",
        concat(
            std::iter::once(weight(&claims))
                .chain(notes.as_ref().map(weight))
                .collect::<Vec<_>>(),
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
    drop(weights);
    let refuse = "a sharded run cannot give the one-pass answer (--shards 1 audits in one pass)";
    // Each input's id columns are read once (about 16 bytes a value) and freed.
    let claim_ids = streaming("shards: claim ids", claims)?;
    if let Some([id, a, b]) = crate::timing::stage("shards: claims", || {
        tied_ids(&claim_ids, "claim_id", &bounds)
    })? {
        return Err(anyhow::Error::new(Tie(format!(
            "{}: claim \"{id}\" has lines of patients \"{a}\" and \"{b}\" in different shards: {refuse}",
            inputs.claims.display()
        ))));
    }
    drop(claim_ids);
    if let (Some(notes), Some(path)) = (notes, &inputs.notes) {
        let note_ids = streaming(
            "shards: note ids",
            notes.select([col("note_id"), col("patient_id")]),
        )?;
        if let Some([id, a, b]) =
            crate::timing::stage("shards: notes", || tied_ids(&note_ids, "note_id", &bounds))?
        {
            return Err(anyhow::Error::new(Tie(format!(
                "{}: note_id \"{id}\" is used by patients \"{a}\" and \"{b}\" in different shards: {refuse}",
                path.display()
            ))));
        }
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

/// After a sharded run: refuses it when a note whose claim_id found no claim
/// in its own shard names a claim of a patient in another shard (one pass
/// would have linked them). `unmatched` holds (note_id, claim_id, note's
/// shard); usually empty, and then nothing is read.
pub fn check_note_links(
    inputs: &InputFiles,
    shards: &[Shard],
    unmatched: &[(String, String, usize)],
) -> Result<()> {
    if unmatched.is_empty() || shards.len() <= 1 {
        return Ok(());
    }
    let bounds: Vec<String> = shards.iter().filter_map(|s| s.until.clone()).collect();
    let mapping = Mapping::load(inputs.mapping.as_deref())?;
    let ids: Vec<&str> = unmatched.iter().map(|(_, c, _)| c.as_str()).collect();
    let hits = streaming(
        "shards: note links",
        id_columns(
            InputKind::Claims,
            &inputs.claims,
            &mapping.claims,
            &["claim_id", "patient_id"],
        )?
        .filter(
            col("claim_id")
                .is_in(lit(Series::new("ids".into(), ids)).implode(false), false)
                .and(col("patient_id").is_not_null()),
        ),
    )?;
    let claim_shards: std::collections::BTreeMap<&str, usize> = hits
        .column("claim_id")?
        .str()?
        .iter()
        .zip(hits.column("patient_id")?.str()?.iter())
        .filter_map(|(c, p)| Some((c?, shard_of(&bounds, p))))
        .collect();
    for (note, claim, note_shard) in unmatched {
        if claim_shards
            .get(claim.as_str())
            .is_some_and(|s| s != note_shard)
        {
            return Err(anyhow::Error::new(Tie(format!(
                "{}: note \"{note}\" names claim \"{claim}\" of a patient in another shard: a sharded run cannot give the one-pass answer (--shards 1 audits in one pass)",
                inputs
                    .notes
                    .as_deref()
                    .unwrap_or(std::path::Path::new("notes"))
                    .display()
            ))));
        }
    }
    Ok(())
}

/// Collects `lf` with the streaming engine, timed as `what`.
fn streaming(what: &str, lf: LazyFrame) -> PolarsResult<DataFrame> {
    crate::timing::stage(what, || {
        lf.collect_with_engine(Engine::Streaming)
            .map(|r| r.unwrap_single())
    })
}

/// The shard of a patient id: how many bounds are at or below it (the first for none).
fn shard_of(bounds: &[String], patient: Option<&str>) -> usize {
    patient.map_or(0, |p| bounds.partition_point(|b| b.as_str() <= p))
}

/// The first id (of column `key`, with two of its patients) whose rows
/// belong to patients of different shards. Rows without a patient are
/// rejected anyway and tie nothing. When the rows come in runs of one id
/// in increasing id order (as exports write them), one pass decides;
/// otherwise a group-by over every id.
fn tied_ids(df: &DataFrame, key: &str, bounds: &[String]) -> PolarsResult<Option<[String; 3]>> {
    let (ids, patients) = (df.column(key)?.str()?, df.column("patient_id")?.str()?);
    let mut current: Option<(&str, Option<(&str, usize)>)> = None;
    for (id, patient) in ids.iter().zip(patients.iter()) {
        let Some(id) = id else { continue };
        match &current {
            Some((c, _)) if *c == id => {}
            Some((c, _)) if id < *c => return tied_ids_grouped(df, key, bounds),
            _ => current = Some((id, None)),
        }
        let Some(p) = patient else { continue };
        let s = shard_of(bounds, Some(p));
        let (c, first) = current.as_mut().expect("set above");
        match first {
            None => *first = Some((p, s)),
            Some((q, t)) if *t != s => {
                return Ok(Some([c.to_string(), q.to_string(), p.to_string()]));
            }
            Some(_) => {}
        }
    }
    Ok(None)
}

/// [`tied_ids`] for any row order: per id, its lowest and highest patient
/// (shards are ranges of ids, so these hold its lowest and highest shard).
fn tied_ids_grouped(
    df: &DataFrame,
    key: &str,
    bounds: &[String],
) -> PolarsResult<Option<[String; 3]>> {
    let range = streaming(
        "shards: grouped",
        df.clone()
            .lazy()
            .filter(col(key).is_not_null())
            .group_by([col(key)])
            .agg([
                col("patient_id").min().alias("lo"),
                col("patient_id").max().alias("hi"),
            ])
            .sort([key], Default::default()),
    )?;
    let (ids, lo, hi) = (
        range.column(key)?.str()?,
        range.column("lo")?.str()?,
        range.column("hi")?.str()?,
    );
    for ((id, a), b) in ids.iter().zip(lo.iter()).zip(hi.iter()) {
        if let (Some(id), Some(a), Some(b)) = (id, a, b) {
            if shard_of(bounds, Some(a)) != shard_of(bounds, Some(b)) {
                return Ok(Some([id.to_string(), a.to_string(), b.to_string()]));
            }
        }
    }
    Ok(None)
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
    mapping: &crate::ingest::TableMapping,
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
            let source = mapping.source_name(name);
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

    #[test]
    fn ties_are_found_in_runs_and_in_any_order_but_not_through_missing_patients() {
        let bounds = vec!["m".to_string()];
        let frame = |ids: &[&str], patients: &[Option<&str>]| {
            df!("claim_id" => ids, "patient_id" => patients).unwrap()
        };
        let tie = |df: &DataFrame| tied_ids(df, "claim_id", &bounds).unwrap();
        // In runs: C1 has patients on both sides of "m".
        let runs = frame(&["C1", "C1", "C2"], &[Some("a"), Some("z"), Some("b")]);
        assert_eq!(tie(&runs), Some(["C1".into(), "a".into(), "z".into()]));
        // Same shard: no tie.
        let same = frame(&["C1", "C1", "C2"], &[Some("a"), Some("b"), Some("z")]);
        assert_eq!(tie(&same), None);
        // Out of order (C1 comes back): the group-by finds it.
        let shuffled = frame(&["C1", "C2", "C1"], &[Some("a"), Some("b"), Some("z")]);
        assert_eq!(tie(&shuffled), Some(["C1".into(), "a".into(), "z".into()]));
        let shuffled_ok = frame(&["C2", "C1", "C2"], &[Some("z"), Some("a"), Some("y")]);
        assert_eq!(tie(&shuffled_ok), None);
        // A line without patient is rejected anyway: it ties nothing.
        let missing = frame(&["C1", "C1"], &[Some("z"), None]);
        assert_eq!(tie(&missing), None);
    }
}
