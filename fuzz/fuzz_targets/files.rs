//! Config and mapping TOML, CSV/NDJSON structure diagnosis and the encoding
//! check: any bytes, no panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

use claims_audit::config::Config;
use claims_audit::ingest::Mapping;
use claims_audit::ingest::sources::{TextCheck, diagnose_csv, diagnose_ndjson};

fuzz_target!(|data: &[u8]| {
    let _ = diagnose_csv(data);
    let _ = diagnose_ndjson(data);
    let mut check = TextCheck::default();
    for chunk in data.chunks(7) {
        check.update(chunk);
    }
    check.finish();
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(config) = Config::from_toml_str(text, None) {
            for (_, list) in config.evidence.lists() {
                for p in list {
                    assert!(regex::Regex::new(&format!("(?i){p}")).is_ok());
                }
            }
        }
        let _ = Mapping::from_toml_str(text, "mapping.toml");
    }
});
