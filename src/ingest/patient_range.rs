//! A range of patient ids: the rows of one shard (see `crate::shard`, which
//! plans the ranges). Ingest applies it while reading, so it lives here,
//! below the planner.

use polars::prelude::*;

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
