//! PHI safety: note text never appears in what a run prints or writes
//! (only note ids and row numbers do), `--pseudonymize` replaces every
//! patient id, and run folders are readable by their owner only.

use std::path::Path;

use polars::prelude::*;

use crate::bad_inputs::MARKER;
use crate::common::*;

/// Every file under `dir` (recursively) with its bytes as lossy text.
fn all_files(dir: &Path) -> Vec<(std::path::PathBuf, String)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(all_files(&p));
        } else {
            let text = String::from_utf8_lossy(&std::fs::read(&p).unwrap()).to_string();
            out.push((p, text));
        }
    }
    out
}

fn phi_inputs(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let claims = write(
        dir,
        "claims.csv",
        &format!(
            "{CLAIMS_HEADER}\
C1,1,MRN-55501,D1,2026-01-05,95860,,1,100.00,80.00,MEDICARE,M62.81,1\n\
C2,1,MRN-55502,D2,2026-01-06,97110,,1,50.00,,MEDICARE,R53.1,1\n\
C3,1,MRN-55503,D1,2026-01-07,97110,,1,10,,MEDICAID,M62.81,1\n\
C4,1,MRN-55504,D1,not-a-date,97110,,1,10,,{MARKER} payer,M62.81,1\n"
        ),
    );
    let notes = write(
        dir,
        "notes.csv",
        &format!(
            "{NOTES_HEADER}\
N1,MRN-55501,2026-01-05,daily note,C1,D1,\"Quads 4/5. {MARKER} possible neuropathy?\"\n\
N2,MRN-55502,2026-01-06,daily note,C2,D2,\"Weakness from deconditioning. MMT by {MARKER} at home grade 4+\"\n\
N3,MRN-55503,{MARKER},daily note,,D1,\"{MARKER} in a rejected row\"\n\
N4,MRN-55503,2026-01-07,,,,\"   \"\n\
N5,MRN-55504,2026-01-07,,C404,,\"{MARKER} unmatched claim\"\n"
        ),
    );
    (claims, notes)
}

#[test]
fn note_text_never_appears_in_output_streams_or_files() {
    let tmp = tempfile::tempdir().unwrap();
    let (claims, notes) = phi_inputs(tmp.path());
    let out = tmp.path().join("run");
    // Not quiet: the summary line on stderr is checked too.
    let o = run(&[
        "run",
        "--claims",
        s(&claims),
        "--notes",
        s(&notes),
        "--out",
        s(&out),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let streams = format!("{}{}", stderr(&o), String::from_utf8_lossy(&o.stdout));
    assert!(!streams.contains(MARKER), "{streams}");
    for (path, text) in all_files(&out) {
        assert!(!text.contains(MARKER), "note text in {}", path.display());
    }
    // What the outputs do say: note ids, row numbers, grade tokens.
    let findings = read(&out.join("findings.csv"));
    assert!(
        findings.contains("note N2 documents a strength grade (MMT 4+)"),
        "{findings}"
    );
    assert!(findings.contains("notes read: N1"), "{findings}");
    let rejects = read(&out.join("rejects.csv"));
    assert!(rejects.contains("notes.csv,3,note_date"), "{rejects}");
    assert!(rejects.contains("claims.csv,4,service_date"), "{rejects}");

    // validate prints the first rejects: the same rule holds there.
    let rejects_file = tmp.path().join("rejects.csv");
    let o = run(&[
        "validate",
        "--claims",
        s(&claims),
        "--notes",
        s(&notes),
        "--rejects",
        s(&rejects_file),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let streams = format!("{}{}", stderr(&o), String::from_utf8_lossy(&o.stdout));
    assert!(!streams.contains(MARKER), "{streams}");
    assert!(!read(&rejects_file).contains(MARKER));
}

#[test]
fn file_level_errors_never_quote_note_text() {
    let tmp = tempfile::tempdir().unwrap();
    let (claims, _) = phi_inputs(tmp.path());
    for (name, text) in [
        (
            "unterminated.csv",
            format!("{NOTES_HEADER}N1,P1,2026-01-05,,,,\"{MARKER} never closed\n"),
        ),
        (
            "stray.csv",
            format!("{NOTES_HEADER}N1,P1,2026-01-05,,,,\"{MARKER}\"x\n"),
        ),
        (
            "headerless.csv",
            format!("N1,P1,2026-01-05,,,,{MARKER} first row as header\n"),
        ),
        (
            "broken.ndjson",
            format!("{{\"note_id\":\"N1\",\"text\":\"{MARKER}\n"),
        ),
        (
            "typed.ndjson",
            format!(
                "{{\"note_id\":\"N1\",\"patient_id\":\"P\",\"note_date\":{{\"d\":\"{MARKER}\"}},\"text\":\"x\"}}\n"
            ),
        ),
    ] {
        let notes = write(tmp.path(), name, &text);
        let o = run(&["validate", "--claims", s(&claims), "--notes", s(&notes)]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{name}: {err}");
        assert!(!err.contains(MARKER), "{name}: {err}");
        assert!(!err.contains("panicked"), "{name}: {err}");
    }
}

const KEY: &str = "test-key-0123456789abcdef";

fn pseudonymized_run(dir: &Path, name: &str, key: &str) -> std::path::PathBuf {
    let (claims, notes) = phi_inputs(dir);
    let out = dir.join(name);
    let o = run_env(
        &[
            "run",
            "--claims",
            s(&claims),
            "--notes",
            s(&notes),
            "--out",
            s(&out),
            "--quiet",
            "--pseudonymize",
        ],
        &[("CLAIMS_AUDIT_PSEUDONYM_KEY", key)],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    out
}

#[test]
fn pseudonymize_replaces_patient_ids_in_every_output() {
    let tmp = tempfile::tempdir().unwrap();
    let out = pseudonymized_run(tmp.path(), "a", KEY);
    for (path, text) in all_files(&out) {
        assert!(
            !text.contains("MRN-555"),
            "patient id in {}",
            path.display()
        );
    }
    let findings = LazyFrame::scan_parquet(
        PlRefPath::new(out.join("findings.parquet").to_str().unwrap()),
        Default::default(),
    )
    .unwrap()
    .collect()
    .unwrap();
    assert!(findings.height() > 0);
    let expected = claims_audit::report::pseudonym::pseudonym(KEY.as_bytes(), "MRN-55501");
    let ids: Vec<String> = findings
        .column("patient_id")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|v| v.unwrap().to_string())
        .collect();
    assert!(
        ids.iter().all(|id| id.starts_with("p-") && id.len() == 34),
        "{ids:?}"
    );
    assert!(ids.contains(&expected), "{ids:?}");
    assert!(read(&out.join("report.html")).contains(&expected));
    let summary: serde_json::Value =
        serde_json::from_str(&read(&out.join("summary.json"))).unwrap();
    assert_eq!(summary["pseudonymized"], true);

    // Same key, same pseudonyms (reports can be compared month to month);
    // another key, other pseudonyms.
    let again = pseudonymized_run(tmp.path(), "b", KEY);
    assert_eq!(
        read(&again.join("findings.csv")),
        read(&out.join("findings.csv"))
    );
    let other = pseudonymized_run(tmp.path(), "c", "another-key-0123456789");
    assert!(!read(&other.join("findings.csv")).contains(&expected));
}

#[test]
fn pseudonymize_refuses_a_missing_or_short_key() {
    let tmp = tempfile::tempdir().unwrap();
    let (claims, notes) = phi_inputs(tmp.path());
    let out = tmp.path().join("o");
    let args = [
        "run",
        "--claims",
        s(&claims),
        "--notes",
        s(&notes),
        "--out",
        s(&out),
        "--pseudonymize",
    ];
    let o = std::process::Command::new(BIN)
        .args(args)
        .env_remove("CLAIMS_AUDIT_PSEUDONYM_KEY")
        .output()
        .unwrap();
    assert_input_error(&o, &["CLAIMS_AUDIT_PSEUDONYM_KEY"]);
    let o = run_env(&args, &[("CLAIMS_AUDIT_PSEUDONYM_KEY", "short")]);
    assert_input_error(&o, &["CLAIMS_AUDIT_PSEUDONYM_KEY", "shorter than"]);
    assert!(!out.exists());
}

#[test]
fn run_folders_are_readable_by_the_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let (claims, notes) = phi_inputs(tmp.path());
    let out = tmp.path().join("reports").join("2026-01");
    audit(&claims, &notes, &out, &[]);
    fn check(dir: &Path) {
        let mode = std::fs::metadata(dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "{}", dir.display());
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                check(&p);
            } else {
                let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
                assert_eq!(mode, 0o600, "{}", p.display());
            }
        }
    }
    check(&out);
    // A replaced report keeps the rule.
    audit(&claims, &notes, &out, &[]);
    check(&out);
}
