//! Detects custom checks that reach across patients, where an audit runs
//! in groups of patients (`run --shards N`, `claims-audit part` on Spark):
//! there a check sees one group's patients only, which is the one-pass
//! answer only when each claim's finding depends on its own patient's rows.
//!
//! A built-in check is per patient by construction; a custom check is SQL
//! anyone writes (a provider's rate over all patients would not be). So,
//! in those modes, each custom check also runs on the group's patients
//! split in two halves, and its findings over the halves must be exactly its
//! findings over the group. If they differ, the check compares patients
//! with each other on this data, and the run stops with one line naming the
//! file. (A check can only be caught where the data shows it; every group
//! is tested, and a cross-patient check almost always shows on real data;
//! but a check whose comparison no group of this data can show, such as a
//! threshold no group reaches, passes unnoticed.)
//!
//! A note whose claim_id names another patient's claim is kept in the half
//! of its patient and in the half of that claim, as the partition keeps both
//! patients together.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use polars::prelude::*;

static ENABLED: AtomicBool = AtomicBool::new(false);
/// The refusal of the last check found reaching across patients (see [`refuse`]).
static REFUSAL: Mutex<Option<String>> = Mutex::new(None);

/// Turns the test on or off for this process: on for `part`, and for `run`
/// with 2 shards or more (off again when `--shards auto` falls back to one pass).
pub fn set_enabled(on: bool) {
    ENABLED.store(on, Ordering::Relaxed);
}

pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// The error a check that reaches across patients fails with; the message
/// is kept for [`take_refusal`], so that the command can tell it from other
/// failures (`run --shards auto` then audits in one pass, as for a tie).
pub fn refuse(message: String) -> PolarsError {
    *REFUSAL.lock().unwrap_or_else(|e| e.into_inner()) = Some(message.clone());
    PolarsError::ComputeError(message.into())
}

/// The refusal made since the last call, if any.
pub fn take_refusal() -> Option<String> {
    REFUSAL.lock().unwrap_or_else(|e| e.into_inner()).take()
}

/// Runs `query` over `tables` (as [`crate::sql::model_tables`] names them)
/// and over the two halves of their patients: true when the halves' findings
/// (claim_id, evidence) are not exactly the whole's.
pub fn reaches_across(
    tables: &[(&'static str, LazyFrame)],
    query: impl Fn(Vec<(&'static str, LazyFrame)>) -> PolarsResult<DataFrame>,
) -> PolarsResult<bool> {
    let whole = rows(&query(tables.to_vec())?)?;
    let mut halves = Vec::new();
    for half in 0..2 {
        halves.extend(rows(&query(half_tables(tables, half)?)?)?);
    }
    halves.sort();
    halves.dedup();
    Ok(halves != whole)
}

/// A findings frame's (claim_id, evidence) pairs, sorted and distinct.
fn rows(df: &DataFrame) -> PolarsResult<Vec<(String, String)>> {
    let claims = df.column("claim_id")?.str()?;
    let evidence = df.column("evidence")?.str()?;
    let mut out: Vec<(String, String)> = claims
        .iter()
        .zip(evidence.iter())
        .map(|(c, e)| (c.unwrap_or("").to_string(), e.unwrap_or("").to_string()))
        .collect();
    out.sort();
    out.dedup();
    Ok(out)
}

/// The model tables restricted to one half of the patients (alternate
/// patients in id order).
fn half_tables(
    tables: &[(&'static str, LazyFrame)],
    half: usize,
) -> PolarsResult<Vec<(&'static str, LazyFrame)>> {
    let get = |name: &str| {
        tables
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, lf)| lf.clone())
            .ok_or_else(|| polars_err!(ComputeError: "no table {name}"))
    };
    let patients = concat(
        [get("visits")?, get("notes")?]
            .map(|lf| lf.select([col("patient_id").cast(DataType::String)])),
        UnionArgs::default(),
    )?
    .filter(col("patient_id").is_not_null())
    .unique(None, UniqueKeepStrategy::Any)
    .sort(["patient_id"], Default::default())
    .collect()?;
    let ids = patients.column("patient_id")?.str()?;
    let mine: Vec<&str> = ids
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 2 == half)
        .filter_map(|(_, p)| p)
        .collect();
    let mine = Series::new("p".into(), mine);
    let of_half = |c: &str| {
        col(c)
            .cast(DataType::String)
            .is_in(lit(mine.clone()).implode(false), false)
            .fill_null(lit(false))
    };
    let visits = get("visits")?.filter(of_half("patient_id"));
    let claim_ids = visits
        .clone()
        .select([col("claim_id").cast(DataType::String)])
        .collect()?
        .column("claim_id")?
        .as_materialized_series()
        .clone();
    let of_claims = |c: &str| {
        col(c)
            .cast(DataType::String)
            .is_in(lit(claim_ids.clone()).implode(false), false)
            .fill_null(lit(false))
    };
    tables
        .iter()
        .map(|(name, lf)| {
            let kept = match *name {
                "visits" => visits.clone(),
                "claims" => lf.clone().filter(of_half("patient_id")),
                "claim_dx" => lf.clone().filter(of_claims("claim_id")),
                "notes" | "note_facts" => lf
                    .clone()
                    .filter(of_half("patient_id").or(of_claims("claim_id"))),
                _ => lf.clone(),
            };
            Ok((*name, kept))
        })
        .collect()
}
