//! Dates, amounts and diagnosis lists: each line of the input is one raw
//! value; parsing must never panic, and what parses must be sane.
#![no_main]

use libfuzzer_sys::fuzz_target;
use polars::prelude::*;

use claims_audit::ingest::parse::{normalize_dx_list, parse_cents, parse_date};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let values: Vec<&str> = text.split('\n').take(64).collect();
    let df = df!("raw" => values.clone()).unwrap();
    let out = df
        .lazy()
        .select([
            parse_date(col("raw")).alias("date"),
            parse_cents(col("raw")).alias("cents"),
            normalize_dx_list(col("raw")).alias("dx"),
        ])
        .collect()
        .expect("parsers never fail");
    let dates = out.column("date").unwrap().date().unwrap().clone();
    for (raw, d) in values.iter().zip(dates.as_date_iter()) {
        if let Some(d) = d {
            let iso = chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok();
            let us = chrono::NaiveDate::parse_from_str(raw, "%m/%d/%Y").ok();
            assert!(iso == Some(d) || us == Some(d), "{raw:?} parsed as {d}");
        }
    }
});
