//! Bad input: rows land in rejects.csv with the right row and reason;
//! file-level problems give exit 2 and one line naming the file.

use crate::common::*;

const GOOD_NOTE: &str = "N1,P1,2026-01-05,daily note,C1,D1,\"Quads 4/5, plan: continue PT\"\n";

fn notes(dir: &std::path::Path) -> std::path::PathBuf {
    write(dir, "notes.csv", &format!("{NOTES_HEADER}{GOOD_NOTE}"))
}

#[test]
fn bad_rows_go_to_rejects_with_row_column_and_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let claims = write(
        dir,
        "claims.csv",
        &format!(
            "\u{feff}{CLAIMS_HEADER}\
C1,1,P1,D1,2026-01-05,97110,GP,1,100.00,80.00,MEDICARE,M62.81,1\n\
C2,1,P1,D1,2026-02-30,97110,GP,1,100.00,80.00,MEDICARE,M62.81,1\n\
C3,1,P1,D1,2026-01-07,97110,GP,1,abc,,MEDICARE,M62.81,1\n\
C4,1,,D1,2026-01-07,97110,GP,1,10,,MEDICARE,M62.81,1\n\
C5,1,P1,D1,2026-01-07,97110,GP,1,10,,MEDICARE,M6$2.81,1\n\
C6,1,P1,D1,01/09/2026,97110,GP,-1,\"$1,234.50\",,MEDICARE,M62.81,1\n\
C7,1,P1,D1,01/09/2026,9711,GP,1,10,,MEDICARE,M62.81,1\n\
C1,1,P1,D1,2026-01-05,97112,GP,1,100.00,80.00,MEDICARE,M62.81,1\n\
C8,1,P1,D1,2026-01-08,97110,GP,1,10,,MEDICARE,M62.81,1\n\
C8,2,P2,D1,2026-01-08,97110,GP,1,10,,MEDICARE,M62.81,1\n\
C9,1,P1,D1,1850-01-01,97110,GP,1,10,,MEDICARE,M62.81,1\n\
C10,1,P1,D1,2026-01-09,97110,GP,1,-5,,MEDICARE,M62.81,1\n"
        ),
    );
    let notes = write(
        dir,
        "notes.csv",
        &format!(
            "{NOTES_HEADER}{GOOD_NOTE}N2,P1,,daily note,,D1,\"text\"\nN3,P1,2026-01-05,,,D1,\"  \"\nN1,P1,2026-01-05,,,D1,dup\n"
        ),
    );
    let out = audit(&claims, &notes, &dir.join("out"), &[]);
    let rejects = read(&out.join("rejects.csv"));
    let rows: Vec<&str> = rejects.lines().collect();
    assert_eq!(rows[0], "file,row,column,reason");
    let expect = [
        ("claims.csv,2,service_date,", "not a date"),
        ("claims.csv,3,charge_amount,", "not an amount"),
        ("claims.csv,4,patient_id,", "required value is empty"),
        ("claims.csv,5,dx_codes,", "impossible shape"),
        ("claims.csv,6,units,", "not a whole number of 0 or more"),
        ("claims.csv,7,cpt_code,", "5 letters or digits"),
        ("claims.csv,8,line_number,", "duplicate line"),
        ("claims.csv,9,patient_id,", "disagree on patient_id"),
        ("claims.csv,10,patient_id,", "disagree on patient_id"),
        ("claims.csv,11,service_date,", "out of range"),
        ("claims.csv,12,charge_amount,", "negative amount"),
        ("notes.csv,2,note_date,", "required value is empty"),
        ("notes.csv,3,text,", "required value is empty"),
        ("notes.csv,4,note_id,", "duplicate note_id"),
    ];
    for (prefix, reason) in expect {
        assert!(
            rows.iter()
                .any(|r| r.contains(prefix) && r.contains(reason)),
            "missing reject {prefix} {reason} in\n{rejects}"
        );
    }
    assert_eq!(rows.len(), expect.len() + 1, "{rejects}");
    let summary = read(&out.join("summary.json"));
    assert!(
        summary.contains("\"rows_read\": 12")
            && summary.contains("\"rows_used\": 1")
            && summary.contains("\"rows_rejected\": 11"),
        "{summary}"
    );
    // The note text of a rejected row never appears in any output.
    assert!(!rejects.contains("dup") || rejects.contains("duplicate"));
}

#[test]
fn missing_file_is_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let o = run(&[
        "run",
        "--claims",
        "/nonexistent/claims.csv",
        "--notes",
        s(&notes(tmp.path())),
        "--out",
        s(&tmp.path().join("o")),
    ]);
    assert_input_error(&o, &["/nonexistent/claims.csv", "no such file"]);
    assert!(
        !tmp.path().join("o").exists(),
        "nothing is written on a file-level error"
    );
}

#[test]
fn missing_required_column_is_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let claims = write(
        tmp.path(),
        "claims.csv",
        "claim_id,line_number,patient_id\nC1,1,P1\n",
    );
    let o = run(&[
        "validate",
        "--claims",
        s(&claims),
        "--notes",
        s(&notes(tmp.path())),
    ]);
    assert_input_error(
        &o,
        &["claims.csv", "missing required column \"provider_id\""],
    );
}

#[test]
fn unknown_format_is_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let claims = write(tmp.path(), "claims.xlsx", "x");
    let o = run(&[
        "validate",
        "--claims",
        s(&claims),
        "--notes",
        s(&notes(tmp.path())),
    ]);
    assert_input_error(&o, &["claims.xlsx", "unknown file format"]);
}

#[test]
fn corrupt_parquet_is_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let claims = write(tmp.path(), "claims.parquet", "PAR1 this is not parquet");
    let o = run(&[
        "validate",
        "--claims",
        s(&claims),
        "--notes",
        s(&notes(tmp.path())),
    ]);
    assert_input_error(&o, &["claims.parquet", "cannot read"]);
}

#[test]
fn mapping_naming_an_absent_column_is_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let claims = write(
        tmp.path(),
        "claims.csv",
        &format!("{CLAIMS_HEADER}C1,1,P1,D1,2026-01-05,97110,GP,1,100,80,MEDICARE,M62.81,1\n"),
    );
    let map = write(tmp.path(), "map.toml", "[claims]\nservice_date = \"DOS\"\n");
    let o = run(&[
        "validate",
        "--claims",
        s(&claims),
        "--notes",
        s(&notes(tmp.path())),
        "--mapping",
        s(&map),
    ]);
    assert_input_error(&o, &["claims.csv", "\"DOS\"", "service_date"]);
    let map = write(tmp.path(), "map2.toml", "[claims]\nservice_dat = \"DOS\"\n");
    let o = run(&[
        "validate",
        "--claims",
        s(&claims),
        "--notes",
        s(&notes(tmp.path())),
        "--mapping",
        s(&map),
    ]);
    assert_input_error(&o, &["map2.toml", "service_dat"]);
}

#[test]
fn bad_config_is_exit_2_naming_the_key() {
    let tmp = tempfile::tempdir().unwrap();
    let claims = write(
        tmp.path(),
        "claims.csv",
        &format!("{CLAIMS_HEADER}C1,1,P1,D1,2026-01-05,97110,GP,1,100,80,MEDICARE,M62.81,1\n"),
    );
    let cfg = write(tmp.path(), "c.toml", "[thresholds]\nmax_visits = 3\n");
    let o = run(&[
        "run",
        "--claims",
        s(&claims),
        "--notes",
        s(&notes(tmp.path())),
        "--config",
        s(&cfg),
        "--out",
        s(&tmp.path().join("o")),
    ]);
    assert_input_error(&o, &["c.toml", "max_visits"]);
    let cfg = write(
        tmp.path(),
        "c2.toml",
        "[evidence]\nneuro_distinction = [\"(unclosed\"]\n",
    );
    let o = run(&[
        "run",
        "--claims",
        s(&claims),
        "--notes",
        s(&notes(tmp.path())),
        "--config",
        s(&cfg),
        "--out",
        s(&tmp.path().join("o")),
    ]);
    assert_input_error(&o, &["c2.toml", "evidence.neuro_distinction[0]"]);
}

#[test]
fn bad_period_is_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let claims = write(
        tmp.path(),
        "claims.csv",
        &format!("{CLAIMS_HEADER}C1,1,P1,D1,2026-01-05,97110,GP,1,100,80,MEDICARE,M62.81,1\n"),
    );
    let o = run(&[
        "run",
        "--claims",
        s(&claims),
        "--notes",
        s(&notes(tmp.path())),
        "--period",
        "2026-13",
    ]);
    assert_input_error(&o, &["--period 2026-13", "YYYY-MM"]);
}

#[test]
fn quoted_multiline_fields_and_crlf_are_read() {
    let tmp = tempfile::tempdir().unwrap();
    let claims = write(
        tmp.path(),
        "claims.csv",
        &format!("{CLAIMS_HEADER}C1,1,P1,D1,2026-01-05,97110,GP,1,100,80,MEDICARE,M62.81,1\n")
            .replace('\n', "\r\n"),
    );
    let notes = write(
        tmp.path(),
        "notes.csv",
        &format!(
            "{NOTES_HEADER}N1,P1,2026-01-05,daily note,C1,D1,\"Line one, with comma\nQuads \"\"4/5\"\" today.\"\r\nN2,P1,2026-01-05,,,,\"x\"\r\n"
        ),
    );
    let o = run(&["validate", "--claims", s(&claims), "--notes", s(&notes)]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        out.contains("claims: 1 file(s), 1 rows read, 1 used, 0 rejected"),
        "{out}"
    );
    assert!(
        out.contains("notes: 1 file(s), 2 rows read, 2 used, 0 rejected"),
        "{out}"
    );
}

#[test]
fn fail_on_sets_exit_1() {
    let tmp = tempfile::tempdir().unwrap();
    let claims = write(
        tmp.path(),
        "claims.csv",
        &format!("{CLAIMS_HEADER}C1,1,P1,D1,2026-01-05,97110,GP,1,100,80,MEDICARE,M62.81;G20,1\n"),
    );
    let args = |sev: &'static str, out: &str| -> Vec<String> {
        [
            "run",
            "--claims",
            s(&claims),
            "--notes",
            s(&notes(tmp.path())),
            "--out",
            out,
            "--quiet",
            "--fail-on",
            sev,
        ]
        .iter()
        .map(|x| x.to_string())
        .collect()
    };
    let o1 = std::process::Command::new(BIN)
        .args(args("high", s(&tmp.path().join("o1"))))
        .output()
        .unwrap();
    assert_eq!(o1.status.code(), Some(1), "{}", stderr(&o1));
    let clean = write(
        tmp.path(),
        "clean.csv",
        &format!("{CLAIMS_HEADER}C1,1,P1,D1,2026-01-05,97110,GP,1,100,80,MEDICARE,M62.81,1\n"),
    );
    let o = run(&[
        "run",
        "--claims",
        s(&clean),
        "--notes",
        s(&notes(tmp.path())),
        "--out",
        s(&tmp.path().join("o2")),
        "--quiet",
        "--fail-on",
        "low",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}
