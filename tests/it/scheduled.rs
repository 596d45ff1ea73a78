//! Scheduled jobs: `--period` and its default folder, `--fail-on` exit
//! codes, and reruns that give the same bytes whatever the thread count.

use std::path::Path;
use std::process::Command;

use crate::bad_inputs::good_notes;
use crate::common::*;

/// report.html without its one clock-dependent line ("ran ...").
fn html_without_clock(p: &Path) -> String {
    read(p)
        .lines()
        .filter(|l| !l.contains("class=\"meta\""))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn period_reruns_are_byte_identical_across_runs_and_thread_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let args = |out: &Path| -> Vec<String> {
        [
            "run",
            "--claims",
            s(&sample("claims.csv")),
            "--notes",
            s(&sample("notes.csv")),
            "--period",
            "2026-03",
            "--out",
            s(out),
            "--quiet",
        ]
        .iter()
        .map(|a| a.to_string())
        .collect()
    };
    let mut outs = Vec::new();
    for (name, threads) in [("a", None), ("b", Some("1")), ("c", Some("2")), ("d", None)] {
        let out = dir.join(name);
        let mut cmd = Command::new(BIN);
        cmd.args(args(&out));
        if let Some(t) = threads {
            cmd.env("POLARS_MAX_THREADS", t);
        }
        let o = cmd.output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        outs.push(out);
    }
    let first = &outs[0];
    let summary: serde_json::Value =
        serde_json::from_str(&read(&first.join("summary.json"))).unwrap();
    assert_eq!(summary["period"]["from"], "2026-03-01");
    assert_eq!(summary["period"]["to"], "2026-03-31");
    for other in &outs[1..] {
        for f in [
            "findings.csv",
            "findings.parquet",
            "summary.json",
            "rejects.csv",
        ] {
            assert_eq!(
                std::fs::read(first.join(f)).unwrap(),
                std::fs::read(other.join(f)).unwrap(),
                "{f} differs between {} and {}",
                first.display(),
                other.display()
            );
        }
        assert_eq!(
            html_without_clock(&first.join("report.html")),
            html_without_clock(&other.join("report.html"))
        );
    }
}

#[test]
fn period_default_folder_is_reports_slash_month() {
    let tmp = tempfile::tempdir().unwrap();
    let o = Command::new(BIN)
        .current_dir(tmp.path())
        .args([
            "run",
            "--claims",
            s(&sample("claims.csv")),
            "--notes",
            s(&sample("notes.csv")),
            "--period",
            "2026-3",
            "--quiet",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(tmp.path().join("reports/2026-03/summary.json").is_file());

    // last-month resolves against today's date: the folder is that month.
    let today = chrono::Local::now().date_naive();
    let last = today
        .with_day(1)
        .and_then(|d| d.pred_opt())
        .unwrap()
        .format("%Y-%m")
        .to_string();
    let o = Command::new(BIN)
        .current_dir(tmp.path())
        .args([
            "run",
            "--claims",
            s(&sample("claims.csv")),
            "--notes",
            s(&sample("notes.csv")),
            "--period",
            "last-month",
            "--quiet",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let summary: serde_json::Value = serde_json::from_str(&read(
        &tmp.path().join("reports").join(&last).join("summary.json"),
    ))
    .unwrap();
    assert_eq!(summary["period"]["from"], format!("{last}-01"));
}

use chrono::Datelike;

#[test]
fn fail_on_exit_codes_follow_severity() {
    let tmp = tempfile::tempdir().unwrap();
    let notes = write(tmp.path(), "notes.csv", &good_notes());
    // Only a medium finding: M62.81 primary with a post-surgical code.
    let medium = write(
        tmp.path(),
        "medium.csv",
        &format!(
            "{CLAIMS_HEADER}C1,1,P1,D1,2026-01-05,97110,GP,1,100.00,80.00,MEDICARE,M62.81;Z47.1,1\n"
        ),
    );
    for (level, expected) in [("high", 0), ("medium", 1), ("low", 1)] {
        let out = tmp.path().join(format!("o-{level}"));
        let o = run(&[
            "run",
            "--claims",
            s(&medium),
            "--notes",
            s(&notes),
            "--out",
            s(&out),
            "--quiet",
            "--fail-on",
            level,
        ]);
        assert_eq!(
            o.status.code(),
            Some(expected),
            "--fail-on {level}: {}",
            stderr(&o)
        );
        // Exit 1 still writes the complete report.
        assert!(out.join("summary.json").is_file());
    }
    let o = run(&[
        "run",
        "--claims",
        s(&medium),
        "--notes",
        s(&notes),
        "--fail-on",
        "severe",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}
