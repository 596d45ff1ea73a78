//! Helpers: run the binary, write fixtures, read outputs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const BIN: &str = env!("CARGO_BIN_EXE_claims-audit");

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn sample(name: &str) -> PathBuf {
    repo().join("sample_data").join(name)
}

pub fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run claims-audit")
}

pub fn run_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(BIN);
    c.args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run claims-audit")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Runs `run` and returns the run folder; panics with stderr when it fails.
pub fn audit(claims: &Path, notes: &Path, out: &Path, extra: &[&str]) -> PathBuf {
    let mut args = vec![
        "run",
        "--claims",
        s(claims),
        "--notes",
        s(notes),
        "--out",
        s(out),
        "--quiet",
    ];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert_eq!(o.status.code(), Some(0), "run failed: {}", stderr(&o));
    out.to_path_buf()
}

pub fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// (check_id, claim_id) pairs of a findings.csv, sorted.
pub fn pairs(findings_csv: &Path) -> Vec<(String, String)> {
    let text = read(findings_csv);
    let mut rdr = text.lines();
    let header: Vec<&str> = rdr.next().unwrap().split(',').collect();
    assert_eq!(header[0], "check_id");
    assert_eq!(header[2], "claim_id");
    let mut out: Vec<(String, String)> = text
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.splitn(4, ',').collect();
            (f[0].to_string(), f[2].to_string())
        })
        .collect();
    out.sort();
    out
}

/// Asserts a file-level error: exit 2 and exactly one line on stderr containing every `needle`.
pub fn assert_input_error(o: &Output, needles: &[&str]) {
    let err = stderr(o);
    assert_eq!(
        o.status.code(),
        Some(2),
        "expected exit 2, got {:?}: {err}",
        o.status.code()
    );
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "one line expected: {err}"
    );
    for n in needles {
        assert!(err.contains(n), "{err:?} should mention {n:?}");
    }
}

pub const CLAIMS_HEADER: &str = "claim_id,line_number,patient_id,provider_id,service_date,cpt_code,modifiers,units,charge_amount,paid_amount,payer,dx_codes,dx_pointers\n";
pub const NOTES_HEADER: &str = "note_id,patient_id,note_date,note_type,claim_id,provider_id,text\n";
