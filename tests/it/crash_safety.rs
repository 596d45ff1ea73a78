//! Crash safety: a run killed with SIGKILL after writing its files, a run
//! that fails, or a run pointed at a folder that is not a report never
//! loses, corrupts or half-replaces the report under `--out`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::bad_inputs::{good_claims, good_notes};
use crate::common::*;

/// Every file of a folder with its bytes, sorted by name.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| {
            (
                e.file_name().to_string_lossy().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// Names in `dir` other than `keep`.
fn others(dir: &Path, keep: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| !keep.contains(&n.as_str()))
        .collect();
    names.sort();
    names
}

struct Fixture {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    claims: PathBuf,
    notes: PathBuf,
    /// Claims giving other findings than `claims`: a replaced report differs.
    claims2: PathBuf,
}

fn fixture() -> Fixture {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    let inputs = dir.join("inputs");
    std::fs::create_dir_all(&inputs).unwrap();
    let claims = write(&inputs, "claims.csv", &good_claims());
    let notes = write(&inputs, "notes.csv", &good_notes());
    let claims2 = write(
        &inputs,
        "claims2.csv",
        &(good_claims() + "C3,1,P1,D1,2026-01-07,97110,,1,10,,,M62.81;G20,1\n"),
    );
    Fixture {
        _tmp: tmp,
        dir,
        claims,
        notes,
        claims2,
    }
}

fn run_args<'a>(claims: &'a Path, notes: &'a Path, out: &'a Path) -> Vec<&'a str> {
    vec![
        "run",
        "--claims",
        s(claims),
        "--notes",
        s(notes),
        "--out",
        s(out),
        "--quiet",
    ]
}

/// Starts a run that pauses after writing every file, waits for the pause,
/// and kills it with SIGKILL.
fn kill_during_pause(f: &Fixture, out: &Path, env: &[(&str, &str)]) {
    let mut cmd = Command::new(BIN);
    cmd.args(run_args(&f.claims2, &f.notes, out))
        .env("CLAIMS_AUDIT_TEST_PAUSE_BEFORE_RENAME", "60000")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut seen = String::new();
    loop {
        match lines.next() {
            Some(Ok(line)) => {
                seen.push_str(&line);
                seen.push('\n');
                if line.contains("test pause before rename") {
                    break;
                }
            }
            _ => {
                let _ = child.kill();
                panic!("the run ended before its pause: {seen}");
            }
        }
    }
    // Child::kill is SIGKILL on Unix: no destructor, no cleanup runs.
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success());
}

#[test]
fn a_killed_run_leaves_the_previous_report_intact() {
    let f = fixture();
    let reports = f.dir.join("reports");
    let out = reports.join("2026-01");
    audit(&f.claims, &f.notes, &out, &[]);
    let before = snapshot(&out);

    kill_during_pause(&f, &out, &[]);
    assert_eq!(snapshot(&out), before, "the previous report changed");
    // The killed run's folder is left under a hidden temporary name only.
    let left = others(&reports, &["2026-01"]);
    assert!(
        left.len() == 1 && left[0].starts_with(".2026-01.partial-"),
        "{left:?}"
    );

    // The next run cleans that up and replaces the report when complete.
    audit(&f.claims2, &f.notes, &out, &[]);
    assert_ne!(snapshot(&out), before, "the report was not replaced");
    assert_eq!(others(&reports, &["2026-01"]), Vec::<String>::new());
}

#[test]
fn a_killed_first_run_leaves_no_folder_under_the_name() {
    let f = fixture();
    let out = f.dir.join("fresh");
    kill_during_pause(&f, &out, &[]);
    assert!(!out.exists(), "a partial report took the name");
}

#[test]
fn replacing_a_report_without_atomic_exchange_also_works() {
    // The fallback for systems without renameat2(RENAME_EXCHANGE).
    let f = fixture();
    let out = f.dir.join("r");
    audit(&f.claims, &f.notes, &out, &[]);
    let before = snapshot(&out);
    kill_during_pause(&f, &out, &[("CLAIMS_AUDIT_TEST_NO_EXCHANGE", "1")]);
    assert_eq!(snapshot(&out), before);
    let o = run_env(
        &run_args(&f.claims2, &f.notes, &out),
        &[("CLAIMS_AUDIT_TEST_NO_EXCHANGE", "1")],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_ne!(snapshot(&out), before);
    assert_eq!(others(&f.dir, &["r", "inputs"]), Vec::<String>::new());
}

#[test]
fn a_report_moved_aside_by_a_killed_fallback_run_is_put_back() {
    // A fallback run killed between its two renames leaves the old report
    // at .<name>.old-<pid> and nothing under the name; the next run restores
    // it before it starts, then replaces it when complete.
    let f = fixture();
    let out = f.dir.join("r");
    audit(&f.claims, &f.notes, &out, &[]);
    let dead_pid = 4_194_303; // above any pid in use on a normal system
    let aside = f.dir.join(format!(".r.old-{dead_pid}"));
    std::fs::rename(&out, &aside).unwrap();
    let o = run(&run_args(&f.claims2, &f.notes, &out));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(out.join("summary.json").is_file());
    assert!(!aside.exists());
    assert_eq!(others(&f.dir, &["r", "inputs"]), Vec::<String>::new());
}

#[test]
fn a_failed_run_keeps_the_previous_report() {
    let f = fixture();
    let out = f.dir.join("r");
    audit(&f.claims, &f.notes, &out, &[]);
    let before = snapshot(&out);
    let bad = write(&f.dir, "bad.csv", "claim_id\n\"unterminated\n");
    let o = run(&run_args(&bad, &f.notes, &out));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(snapshot(&out), before);
    assert_eq!(
        others(&f.dir, &["r", "inputs", "bad.csv"]),
        Vec::<String>::new()
    );
}

#[test]
fn a_folder_that_is_not_a_report_is_never_replaced() {
    let f = fixture();
    let out = f.dir.join("home");
    std::fs::create_dir_all(&out).unwrap();
    write(&out, "precious.txt", "do not delete");
    let o = run(&run_args(&f.claims, &f.notes, &out));
    assert_input_error(&o, &["--out", "not a claims-audit report", "refusing"]);
    assert_eq!(read(&out.join("precious.txt")), "do not delete");
    let file = write(&f.dir, "a-file", "x");
    let o = run(&run_args(&f.claims, &f.notes, &file));
    assert_input_error(&o, &["--out", "not a folder"]);
    assert_eq!(read(&file), "x");
    // An empty folder is fine.
    let empty = f.dir.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    audit(&f.claims, &f.notes, &empty, &[]);
}

#[test]
fn an_output_folder_that_cannot_be_created_is_exit_3_in_one_line() {
    let f = fixture();
    let file = write(&f.dir, "a-file", "x");
    let out = file.join("out");
    let o = run(&run_args(&f.claims, &f.notes, &out));
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("cannot create output folder"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}
