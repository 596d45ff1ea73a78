//! `claims-audit query` and `export`, the dashboards in queries/ and the
//! custom checks in queries/checks/.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::*;

/// The shipped dashboards (queries/*.sql), sorted.
fn dashboards() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(repo().join("queries"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "sql"))
        .collect();
    v.sort();
    v
}

/// Runs the binary from the repository root (where queries/checks/ is the default).
fn run_in_repo(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(repo())
        .output()
        .expect("run claims-audit")
}

fn ok(o: &Output) -> String {
    assert_eq!(o.status.code(), Some(0), "failed: {}", stderr(o));
    String::from_utf8_lossy(&o.stdout).to_string()
}

/// `export` of sample_data, made once per test process (under Cargo's
/// temporary folder for integration tests) and only read by the tests.
fn sample_export() -> PathBuf {
    static ONCE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    ONCE.get_or_init(|| {
        let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("query-sample-export");
        ok(&run_in_repo(&[
            "export",
            "--claims",
            s(&sample("claims.csv")),
            "--notes",
            s(&sample("notes.csv")),
            "--out",
            s(&out),
            "--quiet",
        ]));
        out
    })
    .clone()
}

/// Data rows of a CSV file (its lines after the header).
fn data_rows(csv: &Path) -> usize {
    read(csv).lines().skip(1).filter(|l| !l.is_empty()).count()
}

#[test]
fn at_least_six_dashboards_each_with_a_header_comment() {
    let all = dashboards();
    assert!(all.len() >= 6, "{all:?}");
    for q in &all {
        let text = read(q);
        let header: Vec<&str> = text.lines().take_while(|l| l.starts_with("--")).collect();
        assert!(
            header.len() >= 3,
            "{}: comment header expected",
            q.display()
        );
        assert!(
            header.iter().any(|l| l.contains("Answers:")),
            "{}: the header says what it answers",
            q.display()
        );
    }
}

#[test]
fn every_dashboard_runs_on_the_sample_export_with_rows() {
    let tmp = tempfile::tempdir().unwrap();
    let export = sample_export();
    for t in [
        "claims",
        "claim_dx",
        "visits",
        "notes",
        "note_facts",
        "findings",
        "icd10cm",
    ] {
        assert!(export.join(format!("{t}.parquet")).is_file(), "{t}.parquet");
    }
    for q in dashboards() {
        let out = tmp
            .path()
            .join(format!("{}.csv", q.file_stem().unwrap().to_string_lossy()));
        ok(&run_in_repo(&[
            "query",
            s(&q),
            "--from-run",
            s(&export),
            "--output",
            s(&out),
        ]));
        assert!(data_rows(&out) > 0, "{} returned no rows", q.display());
    }
}

/// The same query gives the same bytes from the inputs (findings computed
/// by running the checks) and from the export folder.
#[test]
fn query_from_inputs_equals_query_from_export() {
    let tmp = tempfile::tempdir().unwrap();
    let export = sample_export();
    for name in ["payer_mix.sql", "reassessment_cadence.sql"] {
        let q = repo().join("queries").join(name);
        let (a, b) = (tmp.path().join("a.csv"), tmp.path().join("b.csv"));
        ok(&run_in_repo(&[
            "query",
            s(&q),
            "--claims",
            s(&sample("claims.csv")),
            "--notes",
            s(&sample("notes.csv")),
            "--output",
            s(&a),
        ]));
        ok(&run_in_repo(&[
            "query",
            s(&q),
            "--from-run",
            s(&export),
            "--output",
            s(&b),
        ]));
        assert_eq!(read(&a), read(&b), "{name}");
    }
}

#[test]
fn a_run_folder_serves_findings_and_says_what_else_is_needed() {
    let tmp = tempfile::tempdir().unwrap();
    let run_dir = tmp.path().join("run");
    let o = run_in_repo(&[
        "run",
        "--claims",
        s(&sample("claims.csv")),
        "--notes",
        s(&sample("notes.csv")),
        "--out",
        s(&run_dir),
        "--quiet",
    ]);
    ok(&o);
    let q = repo().join("queries/top_providers_at_risk.sql");
    let text = ok(&run_in_repo(&[
        "query",
        s(&q),
        "--from-run",
        s(&run_dir),
        "--format",
        "csv",
    ]));
    assert!(text.starts_with("provider_id,claims_flagged,"), "{text}");
    assert!(text.lines().count() > 1);
    // A per-check total agrees with summary.json.
    let count = ok(&run_in_repo(&[
        "query",
        "--sql",
        "SELECT COUNT(*) AS n FROM findings WHERE check_id = 'm6281-no-reassessment'",
        "--from-run",
        s(&run_dir),
        "--format",
        "csv",
    ]));
    let summary: serde_json::Value =
        serde_json::from_str(&read(&run_dir.join("summary.json"))).unwrap();
    assert_eq!(
        count.lines().nth(1).unwrap(),
        summary["checks"]["m6281-no-reassessment"]["findings"].to_string()
    );
    // The model tables are not in a run folder.
    let o = run_in_repo(&[
        "query",
        s(&repo().join("queries/payer_mix.sql")),
        "--from-run",
        s(&run_dir),
    ]);
    assert_input_error(&o, &["payer_mix.sql", "visits", "--claims"]);
}

#[test]
fn query_prints_a_table_and_writes_every_format() {
    let tmp = tempfile::tempdir().unwrap();
    let export = sample_export();
    let sql = "SELECT v.provider_id, COUNT(*) AS claims, SUM(v.amount) AS amount \
               FROM visits v GROUP BY v.provider_id ORDER BY claims DESC, v.provider_id";
    let table = ok(&run_in_repo(&[
        "query",
        "--sql",
        sql,
        "--from-run",
        s(&export),
        "--format",
        "table",
    ]));
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("provider_id"), "{table}");
    assert!(lines[1].starts_with("---"), "{table}");
    assert!(table.contains("(9 rows, 3 columns"), "{table}");
    for ext in ["csv", "parquet", "json", "ndjson"] {
        let out = tmp.path().join(format!("r.{ext}"));
        ok(&run_in_repo(&[
            "query",
            "--sql",
            sql,
            "--from-run",
            s(&export),
            "--output",
            s(&out),
        ]));
        assert!(out.is_file());
        match ext {
            "csv" => assert_eq!(data_rows(&out), 9),
            "json" => {
                let v: serde_json::Value = serde_json::from_str(&read(&out)).unwrap();
                assert_eq!(v.as_array().unwrap().len(), 9);
            }
            "ndjson" => assert_eq!(read(&out).lines().count(), 9),
            _ => assert!(std::fs::read(&out).unwrap().starts_with(b"PAR1")),
        }
    }
    // The code set needs no input at all.
    let codes = ok(&run_in_repo(&[
        "query",
        "--sql",
        "SELECT code_dotted, billable, block, chapter FROM icd10cm WHERE code IN ('M6281', 'M628') ORDER BY code",
        "--format",
        "csv",
    ]));
    assert_eq!(
        codes,
        "code_dotted,billable,block,chapter\nM62.8,false,M60-M63,13\nM62.81,true,M60-M63,13\n"
    );
}

#[test]
fn a_bad_query_names_the_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let export = sample_export();
    let q = write(
        tmp.path(),
        "bad.sql",
        "-- a dashboard\nSELECT provider_id\nFORM visits\n",
    );
    let o = run_in_repo(&["query", s(&q), "--from-run", s(&export)]);
    assert_input_error(&o, &["bad.sql, line 3", "end of statement"]);
    let q = write(
        tmp.path(),
        "col.sql",
        "-- a dashboard\nSELECT provider_id,\n       amount_usd\nFROM visits\n",
    );
    let o = run_in_repo(&["query", s(&q), "--from-run", s(&export)]);
    assert_input_error(&o, &["col.sql, line 3", "amount_usd"]);
    let o = run_in_repo(&[
        "query",
        "--sql",
        "SELECT * FROM visitz",
        "--from-run",
        s(&export),
    ]);
    assert_input_error(&o, &["--sql, line 1", "visitz"]);
}

/// The shipped custom checks run with every sample_data run. Checked by
/// hand against sample_data/claims.csv: 95831 is billed on 7 claims, each
/// with an office visit (99213/99214), never with a PT evaluation
/// 97161-97163; every one of the 311 lines with a 97xxx therapy code
/// carries GP (`GP` or `GP;59`). So neither check flags a sample claim, and
/// both appear in summary.json with zero findings.
#[test]
fn sample_run_reports_the_custom_checks() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    ok(&run_in_repo(&[
        "run",
        "--claims",
        s(&sample("claims.csv")),
        "--notes",
        s(&sample("notes.csv")),
        "--out",
        s(&out),
        "--quiet",
    ]));
    let summary: serde_json::Value =
        serde_json::from_str(&read(&out.join("summary.json"))).unwrap();
    for id in ["mmt-with-pt-evaluation", "therapy-without-gp"] {
        assert_eq!(summary["checks"][id]["findings"], 0, "{id}");
        assert!(
            summary["check_list"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["id"] == id),
            "{id} in check_list"
        );
        assert!(read(&out.join("report.html")).contains(id));
    }
    let custom: Vec<_> = pairs(&out.join("findings.csv"))
        .into_iter()
        .filter(|(c, _)| c == "mmt-with-pt-evaluation" || c == "therapy-without-gp")
        .collect();
    assert!(custom.is_empty(), "{custom:?}");
    let list = ok(&run_in_repo(&["checks"]));
    assert!(list.contains("mmt-with-pt-evaluation") && list.contains("therapy-without-gp"));
}

/// Claims that exercise the shipped custom checks, with near misses.
const CUSTOM_CLAIMS: &str = "\
C1,1,P1,D1,2026-03-02,97162,GP,1,175.00,120.00,MEDICARE,M25.561,1
C1,2,P1,D1,2026-03-02,95831,,1,68.00,40.00,MEDICARE,M25.561,1
C2,1,P2,D1,2026-03-03,97161,GP,1,150.00,100.00,BCBS,M25.561,1
C2,2,P2,D1,2026-03-03,95832,,1,70.00,,BCBS,M25.561,1
C3,1,P3,D1,2026-03-04,95831,,1,68.00,,AETNA,M25.561,1
C4,1,P3,D1,2026-03-04,97163,GP,1,210.00,,AETNA,M25.561,1
C5,1,P4,D2,2026-03-05,97164,GP,1,120.00,,AETNA,M25.561,1
C5,2,P4,D2,2026-03-05,95831,59,1,68.00,,AETNA,M25.561,1
C6,1,P5,D2,2026-03-06,97110,GP;59,2,96.00,,MEDICAID,M25.561,1
C6,2,P5,D2,2026-03-06,97112,59 GP,1,50.00,,MEDICAID,M25.561,1
C6,3,P5,D2,2026-03-06,97116,\"KX,gp\",1,50.00,,MEDICAID,M25.561,1
C7,1,P6,D2,2026-03-07,97530,,1,50.00,,MEDICAID,M25.561,1
C7,2,P6,D2,2026-03-07,97140,GPX,1,50.00,,MEDICAID,M25.561,1
C7,3,P6,D2,2026-03-07,99213,,1,135.00,,MEDICAID,M25.561,1
C8,1,P7,D2,2026-03-08,97802,,1,50.00,,MEDICAID,M25.561,1
C8,2,P7,D2,2026-03-08,99213,25,1,135.00,,MEDICAID,M25.561,1
C9,1,P8,D2,2026-03-09,97110,GO,1,50.00,,MEDICAID,M25.561,1
C10,1,P9,D2,2026-02-10,97110,,1,50.00,,MEDICAID,M25.561,1
C10,2,P9,D2,2026-02-10,97161,,1,150.00,,MEDICAID,M25.561,1
C10,3,P9,D2,2026-02-10,95831,,1,68.00,,MEDICAID,M25.561,1
";

fn custom_pairs(findings_csv: &Path) -> Vec<(String, String)> {
    pairs(findings_csv)
        .into_iter()
        .filter(|(c, _)| c == "mmt-with-pt-evaluation" || c == "therapy-without-gp")
        .collect()
}

fn p(check: &str, claim: &str) -> (String, String) {
    (check.to_string(), claim.to_string())
}

#[test]
fn shipped_custom_checks_flag_exactly_the_right_claims() {
    let tmp = tempfile::tempdir().unwrap();
    let claims = write(
        tmp.path(),
        "claims.csv",
        &format!("{CLAIMS_HEADER}{CUSTOM_CLAIMS}"),
    );
    let notes = write(
        tmp.path(),
        "notes.csv",
        &format!("{NOTES_HEADER}N1,P1,2026-03-02,daily note,C1,D1,Knee pain.\n"),
    );
    let all = tmp.path().join("all");
    ok(&run_in_repo(&[
        "run",
        "--claims",
        s(&claims),
        "--notes",
        s(&notes),
        "--out",
        s(&all),
        "--quiet",
    ]));
    let mut want = vec![
        p("mmt-with-pt-evaluation", "C1"),  // 95831 + 97162
        p("mmt-with-pt-evaluation", "C10"), // 95831 + 97161
        p("therapy-without-gp", "C10"),     // 97110 and 97161 without modifiers
        p("therapy-without-gp", "C7"),      // 97530 none, 97140 GPX
        p("therapy-without-gp", "C9"),      // 97110 GO only
    ];
    want.sort();
    // Not flagged: C2 (95832, not 95831), C3/C4 (separate claims), C5
    // (97164 is a re-evaluation), C6 (GP;59, "59 GP", "KX,gp"), C8 (97802
    // is not a therapy code; 99213 is not 97xxx).
    assert_eq!(custom_pairs(&all.join("findings.csv")), want);
    // One finding per claim: C7's two lines are one finding with both lines as evidence.
    let findings = read(&all.join("findings.csv"));
    let c7: Vec<&str> = findings
        .lines()
        .filter(|l| l.starts_with("therapy-without-gp,low,C7,"))
        .collect();
    assert_eq!(c7.len(), 1);
    assert!(c7[0].contains("CPT 97530") && c7[0].contains("CPT 97140") && c7[0].contains("GPX"));
    assert!(
        c7[0].contains(",235.00,"),
        "amount at risk of the whole claim: {}",
        c7[0]
    );
    let summary: serde_json::Value =
        serde_json::from_str(&read(&all.join("summary.json"))).unwrap();
    assert_eq!(summary["checks"]["therapy-without-gp"]["findings"], 3);
    assert_eq!(summary["checks"]["therapy-without-gp"]["severity"], "low");
    assert_eq!(summary["checks"]["mmt-with-pt-evaluation"]["findings"], 2);
    assert_eq!(
        summary["checks"]["mmt-with-pt-evaluation"]["amount_at_risk"],
        428.0
    );

    // Restricted to the audited period: C10 (February) drops out.
    let march = tmp.path().join("march");
    ok(&run_in_repo(&[
        "run",
        "--claims",
        s(&claims),
        "--notes",
        s(&notes),
        "--out",
        s(&march),
        "--quiet",
        "--period",
        "2026-03",
    ]));
    want.retain(|(_, c)| c != "C10");
    assert_eq!(custom_pairs(&march.join("findings.csv")), want);
}

/// A folder holding one custom check file.
fn checks_dir(tmp: &Path, name: &str, text: &str) -> PathBuf {
    let dir = tmp.join(format!("checks-{}", name.replace('.', "-")));
    std::fs::create_dir_all(&dir).unwrap();
    write(&dir, name, text);
    dir
}

const GOOD_HEADER: &str =
    "-- id: my-check\n-- severity: high\n-- rule: a rule\n-- description: what it finds\n";

#[test]
fn bad_custom_checks_stop_the_run_with_one_line_naming_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, String, Vec<&str>)> = vec![
        (
            "no_header.sql",
            "SELECT claim_id FROM claims\n".into(),
            vec!["no_header.sql", "missing `-- id:`"],
        ),
        (
            "no_rule.sql",
            "-- id: my-check\n-- severity: high\n-- description: d\nSELECT claim_id FROM claims\n".into(),
            vec!["no_rule.sql", "`-- rule:`"],
        ),
        (
            "bad_severity.sql",
            "-- id: my-check\n-- severity: urgent\n-- rule: r\n-- description: d\nSELECT claim_id FROM claims\n".into(),
            vec!["bad_severity.sql, line 2", "urgent", "high, medium, low"],
        ),
        (
            "syntax.sql",
            format!("{GOOD_HEADER}SELECT claim_id\nFORM claims\n"),
            vec!["syntax.sql, line 6", "end of statement"],
        ),
        (
            "unfinished.sql",
            format!("{GOOD_HEADER}SELECT claim_id\nFROM claims\nWHERE cpt_code =\n"),
            vec!["unfinished.sql, line 7"],
        ),
        (
            "column.sql",
            format!("{GOOD_HEADER}SELECT claim_id\nFROM claims\nWHERE cpt = '95831'\n"),
            vec!["column.sql, line 7", "cpt"],
        ),
        (
            "builtin.sql",
            "-- id: dx-invalid\n-- severity: high\n-- rule: r\n-- description: d\nSELECT claim_id FROM claims\n".into(),
            vec!["builtin.sql, line 1", "dx-invalid", "built-in"],
        ),
        (
            "note_text.sql",
            format!("{GOOD_HEADER}WITH t AS (\n    SELECT claim_id, text AS body FROM notes\n)\nSELECT claim_id, upper(body) AS evidence FROM t\n"),
            vec!["note_text.sql, line 6", "note text", "WHERE"],
        ),
        (
            "no_claim_id.sql",
            format!("{GOOD_HEADER}SELECT patient_id FROM claims\n"),
            vec!["no_claim_id.sql", "claim_id"],
        ),
    ];
    for (name, text, needles) in cases {
        let dir = checks_dir(tmp.path(), name, &text);
        let out = tmp.path().join(format!("out-{name}"));
        let o = run_in_repo(&[
            "run",
            "--claims",
            s(&sample("claims.csv")),
            "--notes",
            s(&sample("notes.csv")),
            "--out",
            s(&out),
            "--checks-dir",
            s(&dir),
        ]);
        assert_input_error(&o, &needles);
        assert!(!out.exists(), "{name}: nothing is written");
    }
    // Two files with one id.
    let dir = tmp.path().join("dup");
    std::fs::create_dir_all(&dir).unwrap();
    write(
        &dir,
        "a.sql",
        &format!("{GOOD_HEADER}SELECT claim_id FROM claims\n"),
    );
    write(
        &dir,
        "b.sql",
        &format!("{GOOD_HEADER}SELECT claim_id FROM visits\n"),
    );
    let o = run_in_repo(&["checks", "--checks-dir", s(&dir)]);
    assert_input_error(&o, &["b.sql, line 1", "my-check", "a.sql"]);
    // A missing --checks-dir.
    let o = run_in_repo(&["checks", "--checks-dir", s(&tmp.path().join("nope"))]);
    assert_input_error(&o, &["--checks-dir", "nope"]);
}

#[test]
fn a_custom_check_may_read_the_code_set_and_omit_evidence() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = checks_dir(
        tmp.path(),
        "header_code.sql",
        "-- id: header-code\n-- severity: low\n-- rule: code to the highest specificity\n\
         -- description: a diagnosis that is a category header in FY2026\n\
         --   (continued description line)\n\
         SELECT d.claim_id\nFROM claim_dx d\nJOIN icd10cm i ON i.code = d.code\nWHERE NOT i.billable\n",
    );
    let out = tmp.path().join("run");
    ok(&run_in_repo(&[
        "run",
        "--claims",
        s(&sample("claims.csv")),
        "--notes",
        s(&sample("notes.csv")),
        "--out",
        s(&out),
        "--quiet",
        "--checks-dir",
        s(&dir),
    ]));
    let got: Vec<String> = pairs(&out.join("findings.csv"))
        .into_iter()
        .filter(|(c, _)| c == "header-code")
        .map(|(_, claim)| claim)
        .collect();
    // Codes that are FY2026 category headers, whatever the date: M54.5
    // (2015, 2021 twice, 2026), G35 (2025 twice), M62.8, G20. dx-invalid,
    // which judges the date of service, spares the M54.5 claims of 2015 and
    // 2021-09-30 and the G35 claim of 2025-09-30; M62.87 is no code at all,
    // so it has no icd10cm row to join.
    let want = [
        "CLM15100001",
        "CLM21100004",
        "CLM21100005",
        "CLM25100010",
        "CLM25100011",
        "CLM26100101",
        "CLM26100117",
        "CLM26100132",
    ];
    assert_eq!(got, want);
    assert!(read(&out.join("findings.csv")).contains("returned by custom check"));
    let long = ok(&run_in_repo(&["checks", "--long", "--checks-dir", s(&dir)]));
    assert!(long.contains("(continued description line)"), "{long}");
}

/// Runs tests/it/duckdb_query.py; panics with what to install when DuckDB is missing.
fn duckdb(args: &[String]) {
    let script = s(&repo().join("tests/it/duckdb_query.py")).to_string();
    let o = match Command::new("python3").arg(script).args(args).output() {
        Ok(o) => o,
        Err(e) => panic!(
            "python3 is needed to compare with DuckDB ({e}); install python3 and `pip install -r benches/requirements.txt`, or set CLAIMS_AUDIT_SKIP_DUCKDB=1 to skip"
        ),
    };
    match o.status.code() {
        Some(0) => {}
        Some(3) => panic!(
            "DuckDB is not installed for python3: run `python3 -m pip install -r benches/requirements.txt` (or set CLAIMS_AUDIT_SKIP_DUCKDB=1 to skip this test)"
        ),
        _ => panic!("DuckDB and claims-audit disagree:\n{}", stderr(&o)),
    }
}

fn skip_duckdb() -> bool {
    let skip = std::env::var("CLAIMS_AUDIT_SKIP_DUCKDB").as_deref() == Ok("1");
    if skip {
        eprintln!("skipped: CLAIMS_AUDIT_SKIP_DUCKDB=1");
    }
    skip
}

/// The same SQL runs in DuckDB over `export`'s Parquet files and gives the
/// same results as `claims-audit query`, for every dashboard.
/// Needs python3 with duckdb (`pip install -r benches/requirements.txt`);
/// CLAIMS_AUDIT_SKIP_DUCKDB=1 skips it.
#[test]
fn dashboards_give_the_same_results_in_duckdb() {
    if skip_duckdb() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let export = sample_export();
    let mut args: Vec<String> = vec![s(&export).to_string()];
    for q in dashboards() {
        let out = tmp
            .path()
            .join(format!("{}.csv", q.file_stem().unwrap().to_string_lossy()));
        ok(&run_in_repo(&[
            "query",
            s(&q),
            "--from-run",
            s(&export),
            "--output",
            s(&out),
        ]));
        args.push(s(&q).to_string());
        args.push(s(&out).to_string());
    }
    duckdb(&args);
}

/// The shipped custom checks are portable too: run in DuckDB over an export,
/// they return exactly the claims claims-audit flagged (period applied).
#[test]
fn custom_checks_flag_the_same_claims_in_duckdb() {
    if skip_duckdb() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let claims = write(
        tmp.path(),
        "claims.csv",
        &format!("{CLAIMS_HEADER}{CUSTOM_CLAIMS}"),
    );
    let notes = write(
        tmp.path(),
        "notes.csv",
        &format!("{NOTES_HEADER}N1,P1,2026-03-02,daily note,C1,D1,Knee pain.\n"),
    );
    let export = tmp.path().join("export");
    ok(&run_in_repo(&[
        "export",
        "--claims",
        s(&claims),
        "--notes",
        s(&notes),
        "--out",
        s(&export),
        "--quiet",
        "--period",
        "2026-03",
    ]));
    let mut args = vec!["--checks".to_string(), s(&export).to_string()];
    for f in std::fs::read_dir(repo().join("queries/checks")).unwrap() {
        args.push(s(&f.unwrap().path()).to_string());
    }
    duckdb(&args);
}

/// The README's worked example of a custom check is valid and finds what
/// the README says it finds on sample_data.
#[test]
fn readme_worked_example_finds_what_the_readme_says() {
    let readme = read(&repo().join("README.md"));
    let start = readme
        .find("```sql\n-- id: eval-without-plan-of-care")
        .expect("worked example in README.md")
        + "```sql\n".len();
    let len = readme[start..].find("```").unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let dir = checks_dir(
        tmp.path(),
        "eval_without_plan_of_care.sql",
        &readme[start..start + len],
    );
    let out = tmp.path().join("run");
    ok(&run_in_repo(&[
        "run",
        "--claims",
        s(&sample("claims.csv")),
        "--notes",
        s(&sample("notes.csv")),
        "--out",
        s(&out),
        "--quiet",
        "--checks-dir",
        s(&dir),
    ]));
    let summary: serde_json::Value =
        serde_json::from_str(&read(&out.join("summary.json"))).unwrap();
    let totals = &summary["checks"]["eval-without-plan-of-care"];
    assert_eq!(totals["findings"], 9);
    assert_eq!(totals["amount_at_risk"], 1569.35);
    assert!(readme.contains("flags 9 evaluations"));
    assert!(readme.contains("$1,569.35 at risk"));
}
