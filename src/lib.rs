//! claims-audit: audits historical healthcare claims for ICD-10-CM coding
//! compliance. Data flows one way: ingest -> model -> evidence -> checks ->
//! findings -> report (see DESIGN.md).

pub mod audit;
pub mod checks;
pub mod cli;
pub mod codes;
pub mod config;
pub mod error;
pub mod evidence;
pub mod format;
pub mod generate;
pub mod history;
pub mod ingest;
pub mod model;
pub mod output;
pub mod part;
pub mod report;
pub mod rng;
pub mod run_folder;
pub mod sampling;
pub mod shard;
pub mod sql;
pub mod timing;
