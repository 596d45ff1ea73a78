//! Real-world inputs (CONTRACT.md "claims without notes", "formats that
//! claim systems write", "encodings"): claims without notes, other
//! encodings, the CMS RIF preset, X12 837P and Bulk FHIR NDJSON.

use crate::common::*;

/// The checks CONTRACT.md names as reading codes only.
const CODE_ONLY: [&str; 4] = [
    "excludes1-conflict",
    "dx-invalid",
    "m6281-neuro-dx-mismatch",
    "m6281-primary-with-specific",
];

fn summary(out: &std::path::Path) -> serde_json::Value {
    serde_json::from_str(&read(&out.join("summary.json"))).unwrap()
}

#[test]
fn claims_only_run_gives_the_code_only_findings_of_a_full_run() {
    let tmp = tempfile::tempdir().unwrap();
    let full = audit(
        &sample("claims.csv"),
        &sample("notes.csv"),
        &tmp.path().join("full"),
        &[],
    );
    let out = tmp.path().join("claims_only");
    let o = run(&[
        "run",
        "--claims",
        s(&sample("claims.csv")),
        "--out",
        s(&out),
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let code_only: Vec<(String, String)> = pairs(&full.join("findings.csv"))
        .into_iter()
        .filter(|(c, _)| CODE_ONLY.contains(&c.as_str()))
        .collect();
    assert!(!code_only.is_empty(), "sample_data has code-only findings");
    assert_eq!(pairs(&out.join("findings.csv")), code_only);

    let sum = summary(&out);
    let skipped: Vec<&str> = sum["checks_skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            assert!(c["reason"].as_str().unwrap().contains("--notes"));
            c["id"].as_str().unwrap()
        })
        .collect();
    assert_eq!(
        skipped,
        [
            "m6281-no-strength-exam",
            "m6281-no-reassessment",
            "m6281-neuro-cpt-undistinguished",
            "r531-specificity"
        ]
    );
    // Only the claims input is reconciled; the full run skips nothing.
    let inputs = sum["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 1);
    assert_eq!(inputs[0]["name"], "claims");
    assert_eq!(
        summary(&full)["checks_skipped"].as_array().unwrap().len(),
        0
    );
    // The report says so at the top, before the first section.
    let html = read(&out.join("report.html"));
    let at = html
        .find("Checks not run (4)")
        .expect("named in report.html");
    assert!(at < html.find("<h3>Inputs</h3>").unwrap());
    for id in skipped {
        assert!(html[at..at + 600].contains(id), "{id} named at the top");
    }
    assert!(!read(&full.join("report.html")).contains("Checks not run"));

    let o = run(&["validate", "--claims", s(&sample("claims.csv"))]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.starts_with("claims: 1 file(s)") && !text.contains("notes:"),
        "{text}"
    );
}

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The CMS RIF carrier sample (../shared/real, copied into tests/fixtures):
/// pipe-delimited, `30-May-2015` dates, the principal diagnosis repeated in
/// ICD_DGNS_CD1. Every row is either used or rejected with its reason.
#[test]
fn the_cms_rif_carrier_sample_reads_with_the_built_in_mapping() {
    let tmp = tempfile::tempdir().unwrap();
    let rif = fixture("cms_rif_carrier_sample.psv");
    let out = tmp.path().join("rif");
    let o = run(&[
        "export",
        "--claims",
        s(&rif),
        "--mapping",
        "cms-rif-carrier",
        "--out",
        s(&out),
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let lines = read(&rif).lines().count() - 1;
    let sql = |q: &str| {
        let o = run(&[
            "query",
            "--from-run",
            s(&out),
            "--format",
            "csv",
            "--sql",
            q,
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    // The lines with a HCPCS code are used, dated and coded as the file says.
    let used = sql(
        "select claim_id, line_number, service_date, cpt_code from claims order by claim_id, line_number",
    );
    assert!(used.contains("-100000486,8,2015-05-30,G0444"), "{used}");
    let dx =
        sql("select position, code from claim_dx where claim_id = '-100000486' order by position");
    assert_eq!(
        dx, "position,code\n1,O039\n2,E034\n",
        "the principal once, then the others"
    );

    // rows_read = used + rejected, every reject with its column and reason.
    let run_out = tmp.path().join("run");
    let o = run(&[
        "run",
        "--claims",
        s(&rif),
        "--mapping",
        "cms-rif-carrier",
        "--out",
        s(&run_out),
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let input = &summary(&run_out)["inputs"][0];
    assert_eq!(input["rows_read"], lines);
    let (used, rejected) = (
        input["rows_used"].as_u64().unwrap(),
        input["rows_rejected"].as_u64().unwrap(),
    );
    assert_eq!(used + rejected, lines as u64);
    assert!(used > 0 && rejected > 0, "{input}");
    let rejects = crate::bad_inputs::reject_rows(&run_out.join("rejects.csv"));
    assert_eq!(rejects.len() as u64, rejected);
    assert!(
        rejects
            .iter()
            .all(|(_, _, c, why)| c == "cpt_code" && why.contains("required value is empty"))
    );
}

/// A mapping file's `delimiter` and `date_format` for any delimited export,
/// and a list of columns joined into dx_codes.
#[test]
fn a_mapping_file_sets_delimiter_date_format_and_joined_columns() {
    let tmp = tempfile::tempdir().unwrap();
    let claims = tmp.path().join("claims.csv");
    std::fs::write(
        &claims,
        "CLAIM;LINE;MEMBER;NPI;DOS;CPT;CHARGE;DX A;DX B\n\
         C1;1;P1;D1;05.01.2026;97110;100.00;M62.84;M62.81\n\
         C2;1;P2;D2;2026-01-06;97110;50.00;M62.81;\n\
         C3;1;P3;D3;31.02.2026;97110;50.00;M62.81;\n",
    )
    .unwrap();
    let mapping = tmp.path().join("map.toml");
    std::fs::write(
        &mapping,
        "delimiter = \";\"\ndate_format = \"%d.%m.%Y\"\n[claims]\nclaim_id = \"CLAIM\"\nline_number = \"LINE\"\n\
         patient_id = \"MEMBER\"\nprovider_id = \"NPI\"\nservice_date = \"DOS\"\ncpt_code = \"CPT\"\n\
         charge_amount = \"CHARGE\"\ndx_codes = [\"DX A\", \"DX B\"]\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    let o = run(&[
        "run",
        "--claims",
        s(&claims),
        "--mapping",
        s(&mapping),
        "--out",
        s(&out),
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // C1's two columns make the Excludes1 pair; the contract's own spelling
    // still reads; 31.02 is no date.
    let found = pairs(&out.join("findings.csv"));
    assert!(
        found.contains(&("excludes1-conflict".into(), "C1".into())),
        "{found:?}"
    );
    let rejects = crate::bad_inputs::reject_rows(&out.join("rejects.csv"));
    assert_eq!(rejects.len(), 1, "{rejects:?}");
    assert_eq!((rejects[0].1, rejects[0].2.as_str()), (3, "service_date"));
}

/// CONTRACT.md "encodings": a NUL in one note rejects that note alone; a
/// Windows-1252 export reads with --encoding; a UTF-16 export with its BOM.
#[test]
fn a_nul_rejects_one_note_and_other_encodings_read() {
    let tmp = tempfile::tempdir().unwrap();
    let notes = read(&sample("notes.csv"));
    let mut lines: Vec<String> = notes.lines().map(String::from).collect();
    lines[5] = lines[5]
        .replacen(", ", ",\u{0} ", 1)
        .replacen("note,", "note,\u{0}", 1);
    let with_nul = tmp.path().join("notes_nul.csv");
    std::fs::write(&with_nul, lines.join("\n") + "\n").unwrap();
    let full = audit(
        &sample("claims.csv"),
        &sample("notes.csv"),
        &tmp.path().join("full"),
        &[],
    );
    let out = audit(
        &sample("claims.csv"),
        &with_nul,
        &tmp.path().join("nul"),
        &[],
    );
    let inputs = &summary(&out)["inputs"];
    assert_eq!(inputs[1]["rows_rejected"], 1);
    assert_eq!(
        inputs[1]["rows_read"],
        summary(&full)["inputs"][1]["rows_read"]
    );
    let rejects = crate::bad_inputs::reject_rows(&out.join("rejects.csv"));
    assert_eq!(rejects.len(), 1);
    assert_eq!(rejects[0].1, 5);
    assert!(rejects[0].3.contains("a NUL byte") && rejects[0].3.contains("byte offset"));

    // The sample in Windows-1252 (with a non-ASCII name) and in UTF-16 with
    // a BOM give the findings of the UTF-8 file.
    let claims = read(&sample("claims.csv")).replace("BCBS", "BCBS Caf\u{e9}");
    let (cp1252, _, lossy) = encoding_rs::WINDOWS_1252.encode(&claims);
    assert!(!lossy);
    let win = tmp.path().join("claims_1252.csv");
    std::fs::write(&win, &cp1252).unwrap();
    let utf16 = tmp.path().join("claims_utf16.csv");
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(claims.encode_utf16().flat_map(|u| u.to_le_bytes()));
    std::fs::write(&utf16, bytes).unwrap();
    for (file, extra) in [(&win, vec!["--encoding", "windows-1252"]), (&utf16, vec![])] {
        let out = audit(
            file,
            &sample("notes.csv"),
            &tmp.path().join(format!("o{}", extra.len())),
            &extra,
        );
        assert_eq!(
            pairs(&out.join("findings.csv")),
            pairs(&full.join("findings.csv"))
        );
        assert_eq!(
            summary(&out)["inputs"][0]["rows_rejected"],
            summary(&full)["inputs"][0]["rows_rejected"]
        );
        assert!(
            read(&out.join("findings.csv")).contains("BCBS Caf\u{e9}")
                || !read(&full.join("findings.csv")).contains("BCBS")
        );
    }
}

/// Runs a script of tests/formats with python3; the packages come from
/// tests/formats/requirements.txt (.ci/run installs them).
fn python(script: &str, args: &[&str]) -> std::process::Output {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/formats")
        .join(script);
    std::process::Command::new("python3")
        .arg(&path)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("python3 is needed for {script} ({e})"))
}

/// The same sample_data as X12 837P, Bulk FHIR and CSV: the same
/// (check_id, claim_id) findings from each; FHIR carries paid amounts, so
/// its findings.csv is the CSV's byte for byte.
#[test]
fn sample_data_as_837_and_fhir_gives_the_findings_of_the_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let (x12, fhir) = (tmp.path().join("x12"), tmp.path().join("fhir"));
    let claims = sample("claims.csv");
    let notes = sample("notes.csv");
    let o = python(
        "render_837.py",
        &["--claims", s(&claims), "--out", s(&x12), "--per-file", "60"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = python(
        "render_fhir.py",
        &[
            "--claims",
            s(&claims),
            "--notes",
            s(&notes),
            "--out",
            s(&fhir),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    // Real X12 and FHIR: the validators find nothing to say.
    let parts: Vec<String> = std::fs::read_dir(&x12)
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .collect();
    assert!(parts.len() > 1, "a folder of .837 files is one input");
    let o = python(
        "x12_validate.py",
        &parts.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    assert!(
        o.status.success(),
        "pyx12: {}{}",
        String::from_utf8_lossy(&o.stdout),
        stderr(&o)
    );
    let eob = fhir.join("ExplanationOfBenefit.ndjson");
    let docs = fhir.join("DocumentReference.ndjson");
    let o = python("validate_fhir.py", &[s(&eob), s(&docs)]);
    assert!(
        o.status.success(),
        "fhir.resources: {}{}",
        String::from_utf8_lossy(&o.stdout),
        stderr(&o)
    );

    let csv = audit(&claims, &notes, &tmp.path().join("o_csv"), &[]);
    let from_x12 = audit(&x12, &notes, &tmp.path().join("o_x12"), &[]);
    let from_fhir = audit(&eob, &docs, &tmp.path().join("o_fhir"), &[]);
    let expected = pairs(&csv.join("findings.csv"));
    assert!(expected.len() > 50);
    assert_eq!(pairs(&from_x12.join("findings.csv")), expected);
    assert_eq!(
        read(&from_fhir.join("findings.csv")),
        read(&csv.join("findings.csv"))
    );
    // The 837 has no paid amounts: only amounts (and so the order) differ.
    let without_amounts = |p: &std::path::Path| {
        use polars::prelude::*;
        let df = CsvReadOptions::default()
            .with_infer_schema_length(Some(0))
            .try_into_reader_with_file_path(Some(p.to_path_buf()))
            .unwrap()
            .finish()
            .unwrap();
        df.drop("amount_at_risk")
            .unwrap()
            .sort(["check_id", "claim_id"], SortMultipleOptions::default())
            .unwrap()
    };
    assert!(
        without_amounts(&from_x12.join("findings.csv"))
            .equals_missing(&without_amounts(&csv.join("findings.csv")))
    );
    // Other resource types are counted and skipped, not rows.
    let inputs = &summary(&from_fhir)["inputs"];
    assert_eq!(inputs[0]["resources_skipped"]["Patient"], 1);
    assert_eq!(
        inputs[0]["rows_read"],
        summary(&csv)["inputs"][0]["rows_read"]
    );
    assert_eq!(summary(&from_x12)["inputs"][0]["files"], parts.len());
}

/// The audit's claims table for `claims` (claims only): one string per
/// line, "claim_id,line_number,patient_id,provider_id,service_date,cpt_code", sorted.
fn read_claim_keys(claims: &std::path::Path, out: &std::path::Path) -> Vec<String> {
    let o = run(&["export", "--claims", s(claims), "--out", s(out), "--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(&[
        "query",
        "--from-run",
        s(out),
        "--format",
        "csv",
        "--sql",
        "select claim_id, line_number, patient_id, provider_id, service_date, cpt_code from claims order by claim_id, line_number",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .skip(1)
        .map(String::from)
        .collect()
}

/// Lines of an expected_*.csv (simple fields, no quotes) as [`read_claim_keys`] gives them.
fn expected_keys(csv: &std::path::Path, file: Option<&str>) -> Vec<String> {
    let text = read(csv);
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let at = |n: &str| header.iter().position(|h| *h == n).unwrap();
    let mut keys: Vec<String> = lines
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|f| file.is_none_or(|name| f[at("file")] == name))
        .map(|f| {
            [
                "claim_id",
                "line_number",
                "patient_id",
                "provider_id",
                "service_date",
                "cpt_code",
            ]
            .map(|n| f[at(n)])
            .join(",")
        })
        .collect();
    keys.sort();
    keys
}

/// tests/fixtures/x12 (see its README): claim- and line-level rendering
/// providers, RD8 dates, `~` with and without line breaks, other
/// separators, two ST in one file, a damaged segment. Valid for pyx12
/// except the damaged one, and read as the README says.
#[test]
fn x12_fixtures_validate_and_read_as_their_readme_says() {
    let dir = fixture("x12");
    let tmp = tempfile::tempdir().unwrap();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".837"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 7, "{names:?}");
    for name in &names {
        let path = dir.join(name);
        let o = python("x12_validate.py", &[s(&path)]);
        let valid = name != "damaged.837";
        assert_eq!(
            o.status.code(),
            Some(if valid { 0 } else { 1 }),
            "{name}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            stderr(&o)
        );
        let got = read_claim_keys(&path, &tmp.path().join(name));
        assert_eq!(
            got,
            expected_keys(&dir.join("expected_rows.csv"), Some(name)),
            "{name}"
        );
    }
    // The damaged segment rejects its claim alone, naming the segment.
    let out = tmp.path().join("damaged_run");
    let o = run(&[
        "run",
        "--claims",
        s(&dir.join("damaged.837")),
        "--out",
        s(&out),
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let rejects = crate::bad_inputs::reject_rows(&out.join("rejects.csv"));
    assert_eq!(rejects.len(), 1, "{rejects:?}");
    assert!(rejects[0].0.ends_with("damaged.837"));
    assert_eq!((rejects[0].1, rejects[0].2.as_str()), (43, "cpt_code"));
    let input = &summary(&out)["inputs"][0];
    assert_eq!(
        input["rows_read"].as_u64().unwrap(),
        input["rows_used"].as_u64().unwrap() + 1
    );
    // A file that is not X12 at all, named .837, stops the run.
    let not_x12 = tmp.path().join("batch.837");
    std::fs::write(&not_x12, "claim_id,line_number\nC1,1\n").unwrap();
    let o = run(&[
        "run",
        "--claims",
        s(&not_x12),
        "--out",
        s(&tmp.path().join("x")),
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("batch.837"), "{}", stderr(&o));
}

/// tests/fixtures/fhir (see its README): every fallback of the contract's
/// tables, a Patient to skip, a bad base64 note, an invalid JSON line.
#[test]
fn fhir_fixtures_read_as_their_readme_says() {
    let dir = fixture("fhir");
    let tmp = tempfile::tempdir().unwrap();
    let claims = dir.join("claims.ndjson");
    let got = read_claim_keys(&claims, &tmp.path().join("claims"));
    // Line 11 is read without a service date, then rejected by validation.
    let mut expected = expected_keys(&dir.join("expected_claims.csv"), None);
    expected.retain(|k| !k.contains(",,"));
    assert_eq!(got, expected);
    let out = tmp.path().join("run");
    let notes = dir.join("notes.ndjson");
    let o = run(&[
        "run",
        "--claims",
        s(&claims),
        "--notes",
        s(&notes),
        "--out",
        s(&out),
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut rejects: Vec<(String, i64, String)> =
        crate::bad_inputs::reject_rows(&out.join("rejects.csv"))
            .into_iter()
            .map(|(f, r, c, _)| (f.rsplit('/').next().unwrap().to_string(), r, c))
            .collect();
    rejects.sort();
    let mut expected: Vec<(String, i64, String)> = read(&dir.join("expected_rejects.csv"))
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_string(), f[1].parse().unwrap(), f[2].to_string())
        })
        .collect();
    expected.push(("claims.ndjson".into(), 11, "service_date".into()));
    expected.sort();
    assert_eq!(rejects, expected);
    let sum = summary(&out);
    for input in sum["inputs"].as_array().unwrap() {
        let n = |k: &str| input[k].as_u64().unwrap();
        assert_eq!(n("rows_read"), n("rows_used") + n("rows_rejected"));
        assert!(
            input["resources_skipped"]
                .as_object()
                .is_some_and(|m| !m.is_empty()),
            "{input}"
        );
    }
}
