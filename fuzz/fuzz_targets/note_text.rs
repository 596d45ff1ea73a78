//! The evidence pass over one note: never panics, and the grades kept for
//! evidence are tokens only (no free note text).
#![no_main]

use libfuzzer_sys::fuzz_target;
use polars::prelude::*;

use claims_audit::config::Config;
use claims_audit::evidence::{MAX_GRADES, note_facts};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let notes = df!(
        "note_id" => ["N1"],
        "patient_id" => ["P1"],
        "note_date" => [chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()],
        "claim_id" => [None::<&str>],
        "note_type" => [None::<&str>],
        "provider_id" => [None::<&str>],
        "text" => [text],
    )
    .unwrap();
    let facts = note_facts(notes.lazy(), &Config::default().evidence)
        .collect()
        .expect("the evidence pass never fails");
    let grades = facts.column("grades").unwrap().str().unwrap().get(0).unwrap_or("").to_string();
    let tokens: Vec<&str> = if grades.is_empty() { vec![] } else { grades.split("; ").collect() };
    assert!(tokens.len() <= MAX_GRADES);
    for t in tokens {
        let ok = t == "graded"
            || t.trim_start_matches("MMT ")
                .trim_start_matches("MRC ")
                .chars()
                .all(|c| matches!(c, '0'..='5' | '+' | '-' | '/'));
        assert!(ok, "grade token {t:?} carries text");
    }
});
