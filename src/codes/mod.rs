//! ICD-10-CM reference data, embedded in the binary (pure Rust, no Polars).
//!
//! * [`CodeSet`]: the FY2026 (April 2026) code table — titles, header/billable
//!   flag, block and chapter — plus the billable spans of every code from
//!   FY2016 to FY2027, used by the `dx-invalid` check.
//! * [`Excludes1`]: the Excludes1 notes of the FY2026 Tabular List, used by the
//!   `excludes1-conflict` check.
//!
//! The tables are gzip-compressed TSVs under `data/` (see `data/README.md`),
//! compiled in with `include_bytes!` and parsed once, on first use. Nothing
//! is read from disk at run time.
//!
//! All codes handed in and out are *normalised*: upper case, no dot
//! (`"M6281"`); see [`normalize_code`] and [`with_dot`].

pub mod code_set;
pub mod excludes1;

pub use code_set::{Billability, CodeSet, fiscal_year, is_well_formed, normalize_code, with_dot};
pub use excludes1::{Conflict, Excludes1};
