//! Runs compared over time (DESIGN.md "After the findings"): run folders
//! read back with [`crate::run_folder`], two runs compared finding by finding
//! ([`diff`]), and the trend over the last runs of a history folder
//! ([`trend`], `run --history`). Everything here reads run folders only
//! (summary.json, findings.csv), never the raw exports.

pub mod diff;
pub mod trend;
