//! The Spark job (spark/claims_audit_spark.py) in local mode: partitions by
//! patient, `part` in every task, `merge` on the driver; the run folder is
//! byte-identical to one `run` (findings.csv, summary.json, rejects.csv).
//! Needs python3 with spark/requirements.txt (pyspark, pyarrow, pandas) and
//! Java 17; `.ci/run` installs them. CLAIMS_AUDIT_SKIP_SPARK=1 skips it.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;

/// One job of the test: its arguments and the run folder it must equal.
struct Job {
    args: Vec<String>,
    out: PathBuf,
    same_as: Option<PathBuf>,
}

fn job(
    claims: &Path,
    notes: &Path,
    out: PathBuf,
    partitions: usize,
    extra: &[&str],
) -> Vec<String> {
    let mut args: Vec<String> = [
        "--claims",
        s(claims),
        "--notes",
        s(notes),
        "--out",
        s(&out),
        "--binary",
        BIN,
        "--quiet",
        "--partitions",
    ]
    .iter()
    .map(|a| a.to_string())
    .collect();
    args.push(partitions.to_string());
    args.extend(extra.iter().map(|a| a.to_string()));
    args
}

/// Runs the jobs on one Spark session (tests/it/spark_jobs.py): (exit code, error line) of each.
fn run_jobs(dir: &Path, jobs: &[Job]) -> Vec<(i64, Option<String>)> {
    let list: Vec<&Vec<String>> = jobs.iter().map(|j| &j.args).collect();
    let (input, output) = (dir.join("jobs.json"), dir.join("results.json"));
    std::fs::write(&input, serde_json::to_string(&list).unwrap()).unwrap();
    let o = Command::new("python3")
        .arg(repo().join("tests/it/spark_jobs.py"))
        .args([&input, &output])
        .current_dir(repo())
        .output()
        .unwrap_or_else(|e| panic!("python3 is needed for the Spark test ({e})"));
    match o.status.code() {
        Some(0) => {}
        Some(3) => panic!(
            "pyspark is not installed for python3: run `python3 -m pip install -r spark/requirements.txt` (Java 17 needed), or set CLAIMS_AUDIT_SKIP_SPARK=1 to skip this test"
        ),
        _ => panic!("the Spark jobs failed to run:\n{}", stderr(&o)),
    }
    let results: Vec<serde_json::Value> = serde_json::from_str(&read(&output)).unwrap();
    results
        .iter()
        .map(|r| {
            (
                r["code"].as_i64().unwrap(),
                r["error"].as_str().map(String::from),
            )
        })
        .collect()
}

fn generate(dir: &Path, format: &str) -> (PathBuf, PathBuf) {
    let o = run(&[
        "generate",
        "--lines",
        "3000",
        "--seed",
        "5",
        "--format",
        format,
        "--bad-rate",
        "0.02",
        "--out",
        s(dir),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    (
        dir.join(format!("claims.{format}")),
        dir.join(format!("notes.{format}")),
    )
}

/// sample_data with rows that relate patients of different partitions:
/// one pass rejects the claim of two patients and the later note of a
/// repeated note_id, and links the note naming another patient's claim.
fn related_rows(dir: &Path) -> (PathBuf, PathBuf) {
    std::fs::create_dir_all(dir).unwrap();
    let mut claims = read(&sample("claims.csv"));
    claims
        .push_str("ZZC1,1,MRN223401,1932057460,2026-03-10,97110,GP,1,48.00,35.08,BCBS,M62.81,1\n");
    claims
        .push_str("ZZC1,2,MRN238194,1932057460,2026-03-10,97110,GP,1,48.00,35.08,BCBS,M62.81,1\n");
    let mut notes = read(&sample("notes.csv"));
    notes.push_str("N700061,MRN249141,2026-03-10,daily note,,1548203979,Strength 4/5.\n");
    notes.push_str("NZZ3,MRN241496,2026-03-11,daily note,CLM26100169,1184629305,MMT 4/5 hips.\n");
    (
        write(dir, "claims.csv", &claims),
        write(dir, "notes.csv", &notes),
    )
}

#[test]
fn spark_job_in_local_mode_equals_one_run() {
    if std::env::var("CLAIMS_AUDIT_SKIP_SPARK").as_deref() == Ok("1") {
        eprintln!("skipped: CLAIMS_AUDIT_SKIP_SPARK=1");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let mut jobs = Vec::new();
    // sample_data (CSV) and generated data with bad rows (Parquet; CSV), each
    // against one run over the same files.
    let parquet = generate(&t.join("gen-parquet"), "parquet");
    let csv = generate(&t.join("gen-csv"), "csv");
    let sample = (sample("claims.csv"), sample("notes.csv"));
    for (name, (claims, notes), counts) in [
        ("sample", &sample, &[1, 3, 8][..]),
        ("parquet", &parquet, &[3, 8][..]),
        ("csv", &csv, &[3][..]),
    ] {
        let one = audit(claims, notes, &t.join(format!("{name}-one")), &[]);
        for &n in counts {
            let out = t.join(format!("{name}-spark{n}"));
            jobs.push(Job {
                args: job(claims, notes, out.clone(), n, &[]),
                out,
                same_as: Some(one.clone()),
            });
        }
    }
    // Patients that one pass relates (a claim of two patients, a note id of
    // two patients, a note naming another patient's claim) kept together.
    let related = related_rows(&t.join("related"));
    let one = audit(&related.0, &related.1, &t.join("related-one"), &[]);
    let out = t.join("related-spark");
    jobs.push(Job {
        args: job(&related.0, &related.1, out.clone(), 4, &[]),
        out,
        same_as: Some(one),
    });
    // A period passed through.
    let one = audit(
        &sample.0,
        &sample.1,
        &t.join("period-one"),
        &["--period", "2026-03"],
    );
    let out = t.join("period-spark");
    jobs.push(Job {
        args: job(
            &sample.0,
            &sample.1,
            out.clone(),
            3,
            &["--period", "2026-03"],
        ),
        out,
        same_as: Some(one),
    });
    // A task that fails (every part refuses the config) fails the job with its one line.
    let config = write(t, "bad.toml", "[thresholds]\nno_such_threshold = 3\n");
    let out = t.join("failed");
    jobs.push(Job {
        args: job(
            &sample.0,
            &sample.1,
            out.clone(),
            2,
            &["--config", s(&config)],
        ),
        out,
        same_as: None,
    });
    let results = run_jobs(t, &jobs);
    for (job, (code, error)) in jobs.iter().zip(results) {
        match &job.same_as {
            Some(one) => {
                assert_eq!(code, 0, "{:?}: {error:?}", job.args);
                for f in ["findings.csv", "summary.json", "rejects.csv"] {
                    assert_eq!(
                        read(&one.join(f)),
                        read(&job.out.join(f)),
                        "{f} differs: {:?}",
                        job.args
                    );
                }
            }
            None => {
                assert_eq!(code, 2, "{error:?}");
                let error = error.unwrap_or_default();
                assert!(
                    error.contains("claims-audit part (partition") && error.contains("bad.toml"),
                    "{error}"
                );
                assert_eq!(error.lines().count(), 1, "one line: {error}");
                assert!(!job.out.exists(), "no run folder after a failed job");
            }
        }
    }
    let rejects = read(&t.join("parquet-one").join("rejects.csv"));
    assert!(
        rejects.lines().count() > 10,
        "the generated data has rejects: {rejects}"
    );
}
