//! Everything a run writes: findings (CSV, Parquet), summary.json,
//! rejects.csv, report.html and charts, into a temporary folder that is
//! renamed into place only when complete.

pub mod html;
pub mod output;
pub mod summary;

pub use output::write_run_folder;
