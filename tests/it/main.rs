//! Integration tests: they run the real binary, as users and scheduled jobs do.
//! One test binary (Polars links are large); one module per concern.

mod bad_inputs;
mod common;
mod crash_safety;
mod formats;
mod history;
mod inputs;
mod layering;
mod parts;
mod phi;
mod phrasing;
mod props;
mod query;
mod real_inputs;
mod report;
mod sample;
mod sampling;
mod scheduled;
mod shards;
mod spark;
