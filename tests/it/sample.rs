//! The README's main command on sample_data: every file CONTRACT.md lists,
//! and exactly the findings sample_data/README.md promises.
//!
//! The expectation files list the built-in checks' findings; the custom
//! checks of queries/checks/ (which run too) are tested in `query.rs`.

use crate::common::*;

#[test]
fn sample_data_run_writes_every_output_and_the_expected_findings() {
    let tmp = tempfile::tempdir().unwrap();
    let out = audit(
        &sample("claims.csv"),
        &sample("notes.csv"),
        &tmp.path().join("run"),
        &[],
    );
    for f in [
        "findings.csv",
        "findings.parquet",
        "summary.json",
        "report.html",
        "rejects.csv",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    assert_findings_match(&out, "expected_findings.csv");
    let summary: serde_json::Value =
        serde_json::from_str(&read(&out.join("summary.json"))).unwrap();
    for input in summary["inputs"].as_array().unwrap() {
        let (r, u, j) = (
            input["rows_read"].as_u64().unwrap(),
            input["rows_used"].as_u64().unwrap(),
            input["rows_rejected"].as_u64().unwrap(),
        );
        assert_eq!(
            r,
            u + j,
            "rows_read = rows_used + rows_rejected for {}",
            input["name"]
        );
    }
    assert_builtin_checks_in_summary(&summary);
}

/// The check ids of the built-in checks (CHECKS.md).
const BUILTIN: [&str; 8] = [
    "excludes1-conflict",
    "dx-invalid",
    "m6281-neuro-dx-mismatch",
    "m6281-no-strength-exam",
    "m6281-no-reassessment",
    "m6281-primary-with-specific",
    "m6281-neuro-cpt-undistinguished",
    "r531-specificity",
];

/// summary.json has every built-in check (custom ones come beside them).
fn assert_builtin_checks_in_summary(summary: &serde_json::Value) {
    let checks = summary["checks"].as_object().unwrap();
    for id in BUILTIN {
        assert!(checks.contains_key(id), "{id} missing from summary.json");
    }
}

#[test]
fn sample_data_period_run_flags_only_claims_of_the_period() {
    let tmp = tempfile::tempdir().unwrap();
    let out = audit(
        &sample("claims.csv"),
        &sample("notes.csv"),
        &tmp.path().join("run"),
        &["--from", "2026-01-01", "--to", "2026-06-30"],
    );
    assert_findings_match(&out, "expected_findings_2026H1.csv");
}

/// The run's (check, claim) pairs of built-in checks equal those of the
/// expectation file, both ways.
fn assert_findings_match(out: &std::path::Path, expectation: &str) {
    let got: Vec<(String, String)> = pairs(&out.join("findings.csv"))
        .into_iter()
        .filter(|(check, _)| BUILTIN.contains(&check.as_str()))
        .collect();
    let expected_text = read(&sample(expectation));
    let mut expected: Vec<(String, String)> = expected_text
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (a, b) = l.split_once(',').unwrap();
            (a.trim().to_string(), b.trim().to_string())
        })
        .collect();
    expected.sort();
    let missing: Vec<_> = expected.iter().filter(|p| !got.contains(p)).collect();
    let extra: Vec<_> = got.iter().filter(|p| !expected.contains(p)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{expectation}: missing: {missing:?}\nextra: {extra:?}"
    );
}

#[test]
fn checks_lists_the_catalog() {
    let o = run(&["checks"]);
    let text = String::from_utf8_lossy(&o.stdout);
    for id in [
        "excludes1-conflict",
        "dx-invalid",
        "m6281-neuro-dx-mismatch",
        "m6281-no-strength-exam",
        "m6281-no-reassessment",
        "m6281-primary-with-specific",
        "m6281-neuro-cpt-undistinguished",
        "r531-specificity",
    ] {
        assert!(text.contains(id), "{id} missing from\n{text}");
    }
    let long = run(&["checks", "--long"]);
    assert!(String::from_utf8_lossy(&long.stdout).contains("## Why it matters"));
}
