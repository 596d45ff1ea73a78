//! Tests of the audit pipeline's choices (which notes the evidence pass reads).

use super::*;
use crate::generate::{GenOptions, OutFormat, generate};

/// `run` reads only the notes of patients with an M62.81 or R53.1 claim:
/// every finding and every report count is what reading all notes gives.
#[test]
fn skipping_notes_of_other_patients_changes_no_finding_or_count() {
    let dir = tempfile::tempdir().unwrap();
    generate(&GenOptions {
        lines: 6_000,
        seed: 11,
        format: OutFormat::Csv,
        out: dir.path().to_path_buf(),
        bad_rate: 0.01,
    })
    .unwrap();
    let args = InputFiles {
        claims: dir.path().join("claims.csv"),
        notes: Some(dir.path().join("notes.csv")),
        mapping: None,
        encoding: None,
    };
    let inputs = Inputs::load(&args).unwrap();
    let config = Config::default();
    let scan = notes_to_scan(&inputs, &config)
        .unwrap()
        .expect("some notes are of patients without M62.81 or R53.1");
    assert!(scan.any() && scan.sum().unwrap() < scan.len() as u32);
    let checks = checks::registry();
    for period in [
        Period {
            from: None,
            to: None,
        },
        Period {
            from: chrono::NaiveDate::from_ymd_opt(2025, 7, 1),
            to: chrono::NaiveDate::from_ymd_opt(2025, 12, 31),
        },
    ] {
        let all = build_tables(&inputs, &config, period).unwrap();
        let some = build_tables_scanning(&inputs, &config, period, Some(&scan)).unwrap();
        let findings = |t: &AuditTables| run_checks(t, &config, &checks).unwrap();
        let (a, b) = (findings(&all), findings(&some));
        assert!(a.height() > 100, "{}", a.height());
        assert!(a.equals_missing(&b), "findings differ");
        let counts =
            |t: &AuditTables| ModelCounts::of(&CheckContext::new(t, &config).unwrap()).unwrap();
        let (a, b) = (counts(&all), counts(&some));
        assert!(a.notes_all.equals_missing(&b.notes_all));
        // (group order means nothing: the report sorts)
        let by_provider = |c: &ModelCounts| {
            c.notes_by_provider
                .sort(["provider_id"], SortMultipleOptions::default())
                .unwrap()
        };
        assert!(by_provider(&a).equals_missing(&by_provider(&b)));
    }
}
