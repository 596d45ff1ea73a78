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
