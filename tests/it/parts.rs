//! `part` and `merge`: an export split by patient into partitions (as the
//! Spark job splits it), each audited by `part`, merged by `merge`, gives
//! the run folder of one `run`, byte for byte.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::common::*;

/// The run folder files that must not depend on how the audit was split.
fn same_outputs(a: &Path, b: &Path) {
    for f in ["findings.csv", "summary.json", "rejects.csv"] {
        assert_eq!(read(&a.join(f)), read(&b.join(f)), "{f} differs");
    }
    for entry in std::fs::read_dir(a.join("charts")).unwrap() {
        let name = entry.unwrap().file_name();
        if name.to_string_lossy().ends_with(".svg") {
            let (x, y) = (a.join("charts").join(&name), b.join("charts").join(&name));
            assert_eq!(read(&x), read(&y), "chart {name:?} differs");
        }
    }
}

/// The partition of a patient id: a hash of the trimmed id (no id: partition 0).
fn partition_of(patient: Option<&str>, n: usize) -> u32 {
    let Some(p) = patient.map(str::trim).filter(|p| !p.is_empty()) else {
        return 0;
    };
    let mut h = std::collections::hash_map::DefaultHasher::new();
    p.hash(&mut h);
    (h.finish() % n as u64) as u32
}

/// Splits a CSV export into `n` Arrow IPC files `dir/part-K/<name>.arrow`,
/// each row with its original file (as a `file:` URI, as Spark names it)
/// and data row number. Rows of empty cells are not records (as for `run`).
fn split_csv(csv: &Path, name: &str, n: usize, dir: &Path) {
    let lf = LazyCsvReader::new(PlRefPath::new(s(csv)))
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .with_missing_is_null(true)
        .finish()
        .unwrap()
        .with_row_index("__source_row", Some(1));
    let mut df = lf.collect().unwrap();
    let data: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .filter(|c| c != "__source_row")
        .collect();
    let empty = all_horizontal(
        data.iter()
            .map(|c| col(c.as_str()).is_null())
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let uri = format!("file://{}", csv.canonicalize().unwrap().display());
    df = df
        .lazy()
        .filter(empty.not())
        .with_column(lit(uri).alias("__source_file"))
        .collect()
        .unwrap();
    let parts: Vec<u32> = df
        .column("patient_id")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|p| partition_of(p, n))
        .collect();
    let parts = UInt32Chunked::from_vec("__part".into(), parts);
    for k in 0..n as u32 {
        let mut rows = df.filter(&parts.equal(k)).unwrap();
        let folder = dir.join(format!("part-{k}"));
        std::fs::create_dir_all(&folder).unwrap();
        let f = std::fs::File::create(folder.join(format!("{name}.arrow"))).unwrap();
        IpcWriter::new(f).finish(&mut rows).unwrap();
    }
}

/// Splits both exports into `n` partitions, audits each with `part` and
/// merges them with `merge`; returns the run folder.
fn audit_in_parts(claims: &Path, notes: &Path, n: usize, work: &Path, extra: &[&str]) -> PathBuf {
    let inputs = work.join("inputs");
    split_csv(claims, "claims", n, &inputs);
    split_csv(notes, "notes", n, &inputs);
    let parts = work.join("parts");
    for k in 0..n {
        let folder = inputs.join(format!("part-{k}"));
        let mut args = vec![
            "part".to_string(),
            "--claims".into(),
            s(&folder.join("claims.arrow")).into(),
            "--notes".into(),
            s(&folder.join("notes.arrow")).into(),
            "--out".into(),
            s(&parts.join(format!("part-{k:05}"))).into(),
        ];
        args.extend(period_flags(extra));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = run(&args);
        assert_eq!(o.status.code(), Some(0), "part {k}: {}", stderr(&o));
    }
    let out = work.join("run");
    let mut args = vec![
        "merge",
        "--parts",
        s(&parts),
        "--claims",
        s(claims),
        "--notes",
        s(notes),
        "--out",
        s(&out),
        "--quiet",
    ];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert_eq!(o.status.code(), Some(0), "merge: {}", stderr(&o));
    out
}

/// The flags of `extra` that `part` takes too (the period).
fn period_flags(extra: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for pair in extra.windows(2) {
        if ["--period", "--from", "--to"].contains(&pair[0]) {
            out.extend([pair[0].to_string(), pair[1].to_string()]);
        }
    }
    out
}

#[test]
fn parts_of_sample_data_merge_into_the_one_pass_run() {
    let tmp = tempfile::tempdir().unwrap();
    let (claims, notes) = (sample("claims.csv"), sample("notes.csv"));
    let one = audit(&claims, &notes, &tmp.path().join("one"), &[]);
    for n in [1, 3, 8] {
        let merged = audit_in_parts(
            &claims,
            &notes,
            n,
            &tmp.path().join(format!("parts{n}")),
            &[],
        );
        same_outputs(&one, &merged);
    }
    // A period: the other claims serve as history in every part.
    let period = ["--period", "2026-03"];
    let one = audit(&claims, &notes, &tmp.path().join("one-period"), &period);
    let merged = audit_in_parts(&claims, &notes, 3, &tmp.path().join("period3"), &period);
    same_outputs(&one, &merged);
}

#[test]
fn parts_with_bad_rows_merge_into_the_one_pass_rejects() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let o = run(&[
        "generate",
        "--lines",
        "3000",
        "--seed",
        "11",
        "--format",
        "csv",
        "--bad-rate",
        "0.02",
        "--out",
        s(&data),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (claims, notes) = (data.join("claims.csv"), data.join("notes.csv"));
    let one = audit(&claims, &notes, &tmp.path().join("one"), &[]);
    let rejects = read(&one.join("rejects.csv"));
    assert!(rejects.lines().count() > 10, "bad rows rejected: {rejects}");
    let merged = audit_in_parts(&claims, &notes, 3, &tmp.path().join("three"), &[]);
    same_outputs(&one, &merged);
}

#[test]
fn merge_refuses_an_unfinished_part_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let parts = tmp.path().join("parts");
    std::fs::create_dir_all(parts.join("part-00000")).unwrap();
    let out = tmp.path().join("run");
    let o = run(&[
        "merge",
        "--parts",
        s(&parts),
        "--claims",
        s(&sample("claims.csv")),
        "--notes",
        s(&sample("notes.csv")),
        "--out",
        s(&out),
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("part-00000") && err.contains("not a finished part"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert!(!out.exists(), "nothing written");
}

#[test]
fn a_custom_check_comparing_patients_is_refused_per_group_of_patients() {
    let tmp = tempfile::tempdir().unwrap();
    let checks = tmp.path().join("checks");
    std::fs::create_dir_all(&checks).unwrap();
    // A provider's claim count over all of its patients: not one patient's own rows.
    write(
        &checks,
        "busy_providers.sql",
        "-- id: busy-provider\n-- severity: low\n-- rule: test\n-- description: claims of providers with 20 claims or more\n\
         SELECT v.claim_id FROM visits v JOIN (SELECT provider_id, COUNT(*) AS n FROM visits GROUP BY provider_id) p \
         ON v.provider_id = p.provider_id WHERE p.n >= 20\n",
    );
    let (claims, notes) = (sample("claims.csv"), sample("notes.csv"));
    // One pass runs it.
    audit(
        &claims,
        &notes,
        &tmp.path().join("one"),
        &["--checks-dir", s(&checks)],
    );
    // Shards and parts refuse it, naming the file, and write nothing.
    let out = tmp.path().join("sharded");
    let o = run(&[
        "run",
        "--claims",
        s(&claims),
        "--notes",
        s(&notes),
        "--out",
        s(&out),
        "--quiet",
        "--shards",
        "3",
        "--checks-dir",
        s(&checks),
    ]);
    let err = stderr(&o);
    assert_ne!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("busy_providers.sql") && err.contains("relates rows of different patients"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert!(!out.exists(), "nothing written");
    // `--shards auto` choosing 3 shards audits in one pass instead, saying why.
    let size = |p: &Path| std::fs::metadata(p).unwrap().len();
    let rows = size(&claims) / 100 + size(&notes) / 350; // as shard::auto_count estimates
    let memory = (rows * 500 / 3 * 2 + 10).to_string();
    let auto = tmp.path().join("auto");
    let o = run_env(
        &[
            "run",
            "--claims",
            s(&claims),
            "--notes",
            s(&notes),
            "--out",
            s(&auto),
            "--checks-dir",
            s(&checks),
        ],
        &[("CLAIMS_AUDIT_TEST_AVAILABLE_MEMORY", memory.as_str())],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("auditing in one pass"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        read(&auto.join("findings.csv")),
        read(&tmp.path().join("one").join("findings.csv"))
    );
    let part = tmp.path().join("part");
    let o = run(&[
        "part",
        "--claims",
        s(&claims),
        "--notes",
        s(&notes),
        "--out",
        s(&part),
        "--checks-dir",
        s(&checks),
    ]);
    let err = stderr(&o);
    assert_ne!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("busy_providers.sql") && err.contains("relates rows of different patients"),
        "{err}"
    );
}
