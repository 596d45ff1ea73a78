//! The whole reader on arbitrary bytes as a notes CSV: an error is fine
//! (exit 2 in the tool), a panic is a bug; when it loads, rows reconcile.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;

use claims_audit::ingest::{InputKind, load};

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.csv");
    std::fs::write(&path, data).unwrap();
    if let Ok(input) = load(InputKind::Notes, &path, &BTreeMap::new()) {
        assert_eq!(input.rows_read, input.rows_used() + input.rows_rejected());
    }
});
