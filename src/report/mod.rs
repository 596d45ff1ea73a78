//! Everything a run writes: findings (CSV, Parquet), summary.json,
//! rejects.csv, report.html and charts, into a temporary folder that is
//! renamed into place only when complete.

pub mod aggregates;
pub mod charts;
pub mod html;
pub mod pseudonym;
pub mod sections;
pub mod summary;

/// Small-cell suppression lives with the number formats it governs.
pub use crate::format::MinCell;
