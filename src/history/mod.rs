//! Runs compared over time (DESIGN.md "After the findings"): a run folder
//! read back ([`run_folder`]), two runs compared finding by finding
//! ([`diff`]), and the trend over the last runs of a history folder
//! ([`trend`], `run --history`). Everything here reads run folders only
//! (summary.json, findings.csv), never the raw exports.

pub mod diff;
pub mod run_folder;
pub mod trend;
