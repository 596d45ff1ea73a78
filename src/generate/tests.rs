use super::scenarios::*;
use super::*;
use crate::codes::{Billability, CodeSet};

fn date(days: i32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_num_days_from_ce_opt(days + 719_163).unwrap()
}

fn billable(dx: &str, day: i32) -> bool {
    dx.split(';')
        .all(|c| CodeSet::embedded().billability(c, date(day)) == Billability::Billable)
}

#[test]
fn templates_are_billable_on_every_generated_date() {
    // Episodes start up to last_start() and run at most ~6 months.
    let (lo, hi) = (first_day() - 160, last_start() + 200);
    let mut valid: Vec<&str> = Vec::new();
    valid.extend(PT_M6281_DX.iter().map(|d| d.0));
    valid.extend(PT_OTHER_DX);
    valid.extend(PHYS_DX.iter().map(|d| d.0));
    valid.extend(EMG_DX);
    valid.extend(R531_DX);
    valid.extend(EXCLUDES1_DX.iter().map(|d| d.0));
    valid.extend(NEURO_DX);
    for dx in valid {
        for day in [lo, first_day(), last_start(), hi] {
            assert!(billable(dx, day), "{dx} not billable on {}", date(day));
        }
    }
    for dx in INVALID_DX {
        for day in [first_day(), last_start()] {
            assert!(!billable(dx, day), "{dx} billable on {}", date(day));
        }
    }
    let split = days(G35_SPLIT.0, G35_SPLIT.1, G35_SPLIT.2);
    assert!(billable("G35", split - 1) && !billable("G35", split));
    assert!(!billable("G35.A", split - 1) && billable("G35.A", split));
}

#[test]
fn chunks_are_deterministic_and_exact() {
    let a = gen_chunk(7, 3, 5_000, 5_000);
    let b = gen_chunk(7, 3, 5_000, 5_000);
    assert_eq!(a.claims.claim_id.len(), 5_000);
    assert_eq!(a.claims.claim_id, b.claims.claim_id);
    assert_eq!(a.notes.text, b.notes.text);
    let c = gen_chunk(8, 3, 5_000, 5_000);
    assert_ne!(a.notes.text, c.notes.text);
    // Lines of one claim agree on patient, date and diagnoses.
    let cl = &a.claims;
    for i in 1..cl.claim_id.len() {
        if cl.claim_id[i] == cl.claim_id[i - 1] {
            assert_eq!(cl.patient_id[i], cl.patient_id[i - 1]);
            assert_eq!(cl.service_date[i], cl.service_date[i - 1]);
            assert_eq!(cl.dx_codes[i], cl.dx_codes[i - 1]);
            assert_eq!(cl.line_number[i], cl.line_number[i - 1] + 1);
        } else {
            assert_eq!(cl.line_number[i], 1);
        }
    }
}

/// Generates `opts` and loads both files as `run` does: (stats, claims, notes).
fn generate_and_load(
    opts: &GenOptions,
) -> (
    GenStats,
    crate::ingest::LoadedInput,
    crate::ingest::LoadedInput,
) {
    let stats = generate(opts).unwrap();
    let ext = opts.format.ext();
    let none = crate::ingest::TableMapping::default();
    let load = |kind, name: &str| {
        let path = opts.out.join(format!("{name}.{ext}"));
        crate::ingest::load(kind, &path, crate::ingest::ReadOptions::plain(&none)).unwrap()
    };
    (
        stats,
        load(crate::ingest::InputKind::Claims, "claims"),
        load(crate::ingest::InputKind::Notes, "notes"),
    )
}

#[test]
fn generates_csv_and_parquet_that_validate() {
    for format in [OutFormat::Csv, OutFormat::Parquet] {
        let dir = tempfile::tempdir().unwrap();
        let opts = GenOptions {
            lines: 3_000,
            seed: 42,
            format,
            out: dir.path().to_path_buf(),
            bad_rate: 0.0,
        };
        let (stats, claims, notes) = generate_and_load(&opts);
        assert_eq!(stats.lines, 3_000);
        assert_eq!(claims.rows_read, 3_000);
        assert_eq!(
            claims.rows_rejected(),
            0,
            "{:?}",
            claims.rejects.head(Some(5))
        );
        assert_eq!(notes.rows_read as u64, stats.notes);
        assert_eq!(
            notes.rows_rejected(),
            0,
            "{:?}",
            notes.rejects.head(Some(5))
        );
    }
}

#[test]
fn bad_rows_are_rejected_and_good_rows_kept() {
    for format in [OutFormat::Csv, OutFormat::Parquet] {
        let dir = tempfile::tempdir().unwrap();
        let opts = GenOptions {
            lines: 20_000,
            seed: 5,
            format,
            out: dir.path().to_path_buf(),
            bad_rate: 0.01,
        };
        let (stats, claims, notes) = generate_and_load(&opts);
        assert_eq!(stats.lines, 20_000);
        // About 1% of rows (a disagreeing line rejects its whole claim).
        let share = claims.rows_rejected() as f64 / claims.rows_read as f64;
        assert!((0.006..0.03).contains(&share), "claims rejected: {share}");
        let share = notes.rows_rejected() as f64 / notes.rows_read as f64;
        assert!((0.004..0.02).contains(&share), "notes rejected: {share}");
        let reasons: Vec<String> = claims
            .rejects
            .column("reason")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|r| r.unwrap().split(':').next().unwrap().to_string())
            .collect();
        for kind in [
            "not an amount",
            "not a date (expected YYYY-MM-DD or MM/DD/YYYY)",
            "CPT/HCPCS code must be 5 letters or digits",
            "diagnosis code of impossible shape",
            "duplicate line",
            "lines of this claim disagree on service_date",
        ] {
            assert!(
                reasons.iter().any(|r| r == kind),
                "no {kind:?} in {reasons:?}"
            );
        }
        // The same seed without bad rows: no rejects, the same notes less the bad ones' copies.
        let clean = tempfile::tempdir().unwrap();
        let (_, good_claims, good) = generate_and_load(&GenOptions {
            out: clean.path().to_path_buf(),
            bad_rate: 0.0,
            ..opts.clone()
        });
        assert_eq!(good_claims.rows_rejected() + good.rows_rejected(), 0);
        assert!(good.rows_read <= notes.rows_read);
    }
}
