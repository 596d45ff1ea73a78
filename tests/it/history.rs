//! Month over month: `diff` of two run folders, and `run --history` (the
//! trend over the last 12 periods, one run per period, persistent outliers).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::common::*;

type Pair = (String, String);

/// Rows of a CSV file as text columns.
fn csv(path: &Path) -> DataFrame {
    CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .try_into_reader_with_file_path(Some(path.to_path_buf()))
        .unwrap()
        .finish()
        .unwrap()
}

fn text(df: &DataFrame, column: &str) -> Vec<String> {
    df.column(column)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|v| v.unwrap_or("").to_string())
        .collect()
}

/// (check_id, claim_id) -> amount_at_risk of a findings.csv.
fn findings(run: &Path) -> std::collections::BTreeMap<Pair, String> {
    let df = csv(&run.join("findings.csv"));
    let (c, k, a) = (
        text(&df, "check_id"),
        text(&df, "claim_id"),
        text(&df, "amount_at_risk"),
    );
    c.into_iter().zip(k).zip(a).collect()
}

/// A real run of sample_data with extra flags.
fn sample_run(out: &Path, extra: &[&str]) -> PathBuf {
    audit(&sample("claims.csv"), &sample("notes.csv"), out, extra)
}

/// Runs of sample_data shared by the tests (made once per test process,
/// only read): `reports/jan-apr` (2026-01..04), `mar-jun` (2026-03..06)
/// and `march` (`--period 2026-03`).
struct Shared {
    reports: PathBuf,
    jan_apr: PathBuf,
    mar_jun: PathBuf,
    march: PathBuf,
}

fn shared() -> &'static Shared {
    static ONCE: std::sync::OnceLock<Shared> = std::sync::OnceLock::new();
    ONCE.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("history-runs");
        let _ = std::fs::remove_dir_all(&root);
        let reports = root.join("reports");
        Shared {
            jan_apr: sample_run(
                &reports.join("jan-apr"),
                &["--from", "2026-01-01", "--to", "2026-04-30"],
            ),
            mar_jun: sample_run(
                &root.join("mar-jun"),
                &["--from", "2026-03-01", "--to", "2026-06-30"],
            ),
            march: sample_run(&root.join("march"), &["--period", "2026-03"]),
            reports,
        }
    })
}

fn diff(old: &Path, new: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["diff", s(old), s(new)];
    args.extend_from_slice(extra);
    run(&args)
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&read(path)).unwrap()
}

/// A copy of run folder `base` (its summary.json and findings.csv) at
/// `dest`, audited for `month` as far as comparisons can tell.
fn copy_as_month(base: &Path, dest: &Path, month: &str) -> PathBuf {
    std::fs::create_dir_all(dest).unwrap();
    std::fs::copy(base.join("findings.csv"), dest.join("findings.csv")).unwrap();
    let mut summary = json(&base.join("summary.json"));
    let (from, to) = (format!("{month}-01"), format!("{month}-28"));
    summary["period"] =
        serde_json::json!({"from": from, "to": to, "label": format!("{from}..{to}")});
    std::fs::write(
        dest.join("summary.json"),
        serde_json::to_string_pretty(&summary).unwrap(),
    )
    .unwrap();
    dest.to_path_buf()
}

fn labels(trend: &serde_json::Value) -> Vec<String> {
    trend["periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["period"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn diff_of_overlapping_periods_is_the_set_difference_of_the_findings() {
    let tmp = tempfile::tempdir().unwrap();
    let (old, new) = (&shared().jan_apr, &shared().mar_jun);
    let out_csv = tmp.path().join("diff.csv");
    let o = diff(old, new, &["--out", s(&out_csv)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    let (a, b) = (findings(old), findings(new));
    let keys = |m: &std::collections::BTreeMap<Pair, String>| -> BTreeSet<Pair> {
        m.keys().cloned().collect()
    };
    let (ka, kb) = (keys(&a), keys(&b));
    let want_new: BTreeSet<Pair> = kb.difference(&ka).cloned().collect();
    let want_resolved: BTreeSet<Pair> = ka.difference(&kb).cloned().collect();
    let want_persisting: BTreeSet<Pair> = ka.intersection(&kb).cloned().collect();
    assert!(!want_new.is_empty() && !want_resolved.is_empty() && !want_persisting.is_empty());

    let df = csv(&out_csv);
    assert_eq!(
        df.get_column_names()
            .iter()
            .map(|n| n.as_str())
            .collect::<Vec<_>>(),
        [
            "status",
            "check_id",
            "claim_id",
            "severity",
            "amount_at_risk_old",
            "amount_at_risk_new"
        ]
    );
    let (status, check, claim, old_amt, new_amt) = (
        text(&df, "status"),
        text(&df, "check_id"),
        text(&df, "claim_id"),
        text(&df, "amount_at_risk_old"),
        text(&df, "amount_at_risk_new"),
    );
    let mut got: [BTreeSet<Pair>; 3] = Default::default();
    for i in 0..df.height() {
        let pair = (check[i].clone(), claim[i].clone());
        let slot = ["new", "resolved", "persisting"]
            .iter()
            .position(|s| *s == status[i])
            .unwrap_or_else(|| panic!("status {}", status[i]));
        assert!(got[slot].insert(pair.clone()), "{pair:?} listed twice");
        // Each amount is the one its run's findings.csv wrote, empty when absent.
        assert_eq!(old_amt[i], a.get(&pair).cloned().unwrap_or_default());
        assert_eq!(new_amt[i], b.get(&pair).cloned().unwrap_or_default());
    }
    assert_eq!(got[0], want_new);
    assert_eq!(got[1], want_resolved);
    assert_eq!(got[2], want_persisting);
    // New first, then resolved, then persisting.
    let ranks: Vec<usize> = status
        .iter()
        .map(|s| {
            ["new", "resolved", "persisting"]
                .iter()
                .position(|x| x == s)
                .unwrap()
        })
        .collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        format!(
            "{} new, {} resolved, {} persisting\n",
            want_new.len(),
            want_resolved.len(),
            want_persisting.len()
        )
    );
    // Same runs, same bytes.
    let again = tmp.path().join("again.csv");
    assert_eq!(diff(old, new, &["--out", s(&again)]).status.code(), Some(0));
    assert_eq!(read(&out_csv), read(&again));
}

#[test]
fn diff_of_a_run_with_itself_is_all_persisting() {
    let tmp = tempfile::tempdir().unwrap();
    let run_dir = &shared().mar_jun;
    let n = findings(run_dir).len();
    assert!(n > 0);
    let out_csv = tmp.path().join("self.csv");
    let o = diff(run_dir, run_dir, &["--out", s(&out_csv)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        format!("0 new, 0 resolved, {n} persisting\n")
    );
    let df = csv(&out_csv);
    assert_eq!(df.height(), n);
    assert!(text(&df, "status").iter().all(|s| s == "persisting"));
    assert_eq!(
        text(&df, "amount_at_risk_old"),
        text(&df, "amount_at_risk_new")
    );
}

#[test]
fn diff_refuses_non_run_folders_and_mismatched_versions() {
    let tmp = tempfile::tempdir().unwrap();
    let good = &shared().mar_jun;
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    assert_input_error(&diff(&empty, good, &[]), &["OLD_RUN", "not a run folder"]);
    assert_input_error(
        &diff(good, &tmp.path().join("missing"), &[]),
        &["NEW_RUN", "not a folder"],
    );
    let other = tmp.path().join("other");
    std::fs::create_dir(&other).unwrap();
    write(
        &other,
        "summary.json",
        "{\"tool\": {\"name\": \"something else\"}}",
    );
    write(&other, "findings.csv", "check_id,claim_id\n");
    assert_input_error(&diff(good, &other, &[]), &["NEW_RUN", "not a run folder"]);

    // The same run with another code set and one check at another version.
    let changed = tmp.path().join("changed");
    std::fs::create_dir(&changed).unwrap();
    std::fs::copy(good.join("findings.csv"), changed.join("findings.csv")).unwrap();
    let mut summary = json(&good.join("summary.json"));
    summary["tool"]["code_set"] = "ICD-10-CM FY2027".into();
    let list = summary["check_list"].as_array_mut().unwrap();
    let dx = list.iter_mut().find(|c| c["id"] == "dx-invalid").unwrap();
    dx["version"] = "9.9.9".into();
    write(
        &changed,
        "summary.json",
        &serde_json::to_string_pretty(&summary).unwrap(),
    );
    let o = diff(good, &changed, &[]);
    assert_input_error(
        &o,
        &[
            "not comparable",
            "code sets differ",
            "ICD-10-CM FY2027",
            "check versions differ (dx-invalid ",
            "9.9.9",
            "--force",
        ],
    );
    assert!(o.stdout.is_empty());
    let o = diff(good, &changed, &["--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("0 new, 0 resolved, "));
}

#[test]
fn history_keeps_the_last_12_periods_one_run_each() {
    let tmp = tempfile::tempdir().unwrap();
    let base = &shared().march;
    let reports = tmp.path().join("reports");
    // 13 earlier runs, 2025-02 .. 2026-02, and one not a run.
    let months: Vec<String> = (0..13)
        .map(|i| {
            let m = 2 + i;
            format!("{}-{:02}", 2025 + (m - 1) / 12, (m - 1) % 12 + 1)
        })
        .collect();
    for m in &months {
        copy_as_month(base, &reports.join(m), m);
    }
    std::fs::create_dir_all(reports.join("notes-from-the-team")).unwrap();
    // 2025-06 run twice: the newer folder wins (its findings marked by its totals).
    let twice = copy_as_month(base, &reports.join("2025-06-rerun"), "2025-06");
    let mut summary = json(&twice.join("summary.json"));
    summary["totals"]["findings"] = 4242.into();
    std::fs::write(twice.join("summary.json"), summary.to_string()).unwrap();
    let older = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(reports.join("2025-06").join("summary.json"))
        .unwrap()
        .set_modified(older)
        .unwrap();

    // Rerun of the newest period into the history folder: the last 12 of 13.
    let rerun = sample_run(
        &reports.join("2026-02"),
        &[
            "--from",
            "2026-02-01",
            "--to",
            "2026-02-28",
            "--history",
            s(&reports),
        ],
    );
    let trend = &json(&rerun.join("summary.json"))["trend"];
    let got = labels(trend);
    let want: Vec<String> = months[1..]
        .iter()
        .map(|m| format!("{m}-01..{m}-28"))
        .collect();
    assert_eq!(got, want);
    assert_eq!(
        trend["runs_found"], 13,
        "the rerun folder itself is replaced"
    );
    let periods = trend["periods"].as_array().unwrap();
    let last = periods.last().unwrap();
    assert_eq!(last["current"], true);
    assert_eq!(last["run"], serde_json::Value::Null);
    let june = &periods[got.iter().position(|l| l.starts_with("2025-06")).unwrap()];
    assert_eq!(june["run"], "2025-06-rerun");
    assert_eq!(june["findings"], 4242);
    assert_eq!(
        periods
            .iter()
            .filter(|p| p["period"] == june["period"])
            .count(),
        1
    );

    // A new period: the current run and the 11 latest before it.
    let current = sample_run(
        &tmp.path().join("current"),
        &["--period", "2026-03", "--history", s(&reports)],
    );
    let trend = &json(&current.join("summary.json"))["trend"];
    let got = labels(trend);
    assert_eq!(got.len(), 12);
    assert_eq!(got[0], "2025-04-01..2025-04-28");
    assert_eq!(got[11], "2026-03-01..2026-03-31");
    // Copies of one run month to month: nothing new, nothing resolved (the
    // first period is compared with the run before the window).
    for p in &trend["periods"].as_array().unwrap()[..10] {
        assert_eq!(
            (p["new"].as_u64(), p["resolved"].as_u64()),
            (Some(0), Some(0))
        );
    }
    // Outliers in every run are persistent; the share is given per period.
    let base_outliers: Vec<String> = json(&base.join("summary.json"))["providers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["outlier"] == true)
        .map(|p| p["provider_id"].as_str().unwrap().to_string())
        .collect();
    let persistent = trend["persistent_outliers"].as_array().unwrap();
    let ids: Vec<&str> = persistent
        .iter()
        .map(|p| p["provider_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, base_outliers);
    for p in persistent {
        assert!(p["outlier_runs"].as_u64().unwrap() >= 5, "{p}");
        assert_eq!(p["shares"].as_array().unwrap().len(), 12);
    }
}

#[test]
fn history_counts_new_and_resolved_against_the_previous_run_and_is_stable() {
    let tmp = tempfile::tempdir().unwrap();
    let (reports, old) = (&shared().reports, &shared().jan_apr);
    let args = [
        "--from",
        "2026-03-01",
        "--to",
        "2026-06-30",
        "--history",
        s(reports),
    ];
    let new = sample_run(&tmp.path().join("a"), &args);
    let again = sample_run(&tmp.path().join("b"), &args);
    let text = read(&new.join("summary.json"));
    assert_eq!(
        text,
        read(&again.join("summary.json")),
        "summary.json is byte-identical for identical inputs"
    );
    let trend = &json(&new.join("summary.json"))["trend"];
    assert_eq!(
        labels(trend),
        ["2026-01-01..2026-04-30", "2026-03-01..2026-06-30"]
    );
    let first = &trend["periods"][0];
    assert_eq!(first["new"], serde_json::Value::Null);
    assert_eq!(first["run"], "jan-apr");
    let last = &trend["periods"][1];
    let o = diff(old, &new, &[]);
    let line = String::from_utf8_lossy(&o.stdout).to_string();
    assert_eq!(
        line,
        format!(
            "{} new, {} resolved, {} persisting\n",
            last["new"],
            last["resolved"],
            findings(&new).len() as u64 - last["new"].as_u64().unwrap()
        )
    );
    assert_eq!(last["compared_with"], "2026-01-01..2026-04-30");
    assert_eq!(last["versions_changed"], false);

    // Without --history there is no trend block: summary.json as before.
    let plain_json = json(&shared().mar_jun.join("summary.json"));
    assert!(plain_json.get("trend").is_none());
    let mut with = json(&new.join("summary.json"));
    with.as_object_mut().unwrap().remove("trend");
    assert_eq!(with, plain_json);
}

#[test]
fn history_refuses_a_missing_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let o = run(&[
        "run",
        "--claims",
        s(&sample("claims.csv")),
        "--notes",
        s(&sample("notes.csv")),
        "--out",
        s(&tmp.path().join("run")),
        "--history",
        s(&tmp.path().join("nope")),
    ]);
    assert_input_error(&o, &["--history", "not a folder"]);
    assert!(!tmp.path().join("run").exists());
}

/// The Trend section of a report.html.
fn trend_section(html: &str) -> &str {
    let start = html
        .find("<section id=\"trend\">")
        .expect("a Trend section");
    &html[start..start + html[start..].find("</section>").unwrap()]
}

#[test]
fn trend_section_and_charts_suppress_small_counts_with_min_cell() {
    let tmp = tempfile::tempdir().unwrap();
    let base = &shared().march;
    let reports = tmp.path().join("reports");
    for m in ["2025-10", "2025-11", "2025-12", "2026-01", "2026-02"] {
        copy_as_month(base, &reports.join(m), m);
    }
    let out = sample_run(
        &tmp.path().join("run"),
        &[
            "--period",
            "2026-03",
            "--history",
            s(&reports),
            "--min-cell",
            "11",
        ],
    );
    let summary = json(&out.join("summary.json"));
    let trend = &summary["trend"];
    assert_eq!(trend["periods"].as_array().unwrap().len(), 6);
    // summary.json stays complete: small counts are there.
    let small: Vec<u64> = trend["periods"][5]["checks"]
        .as_object()
        .unwrap()
        .values()
        .map(|c| c["findings"].as_u64().unwrap())
        .filter(|n| (1..11).contains(n))
        .collect();
    assert!(!small.is_empty());

    let html = read(&out.join("report.html"));
    crate::report::assert_well_formed(&html);
    crate::report::assert_no_external_reference(&html);
    assert!(html.contains("<a href=\"#trend\">Trend over runs</a>"));
    let section = trend_section(&html);
    assert!(section.contains("&lt;11"), "small counts shown as <11");
    for n in 1..11 {
        assert!(
            !section.contains(&format!("<td class=num data-v=\"{n}\">")),
            "count {n} shown in the trend"
        );
    }
    assert!(section.contains("id=\"chart-trend-findings-by-check\""));
    let svg = read(&out.join("charts").join("trend-findings-by-check.svg"));
    assert!(
        svg.contains("not shown"),
        "the chart marks the suppressed band"
    );
    assert!(
        out.join("charts")
            .join("trend-findings-by-check.png")
            .is_file()
    );
    // Persistent outliers: a share only where both its counts may be shown.
    let persistent = trend["persistent_outliers"].as_array().unwrap();
    assert!(!persistent.is_empty());
    assert!(section.contains("id=\"chart-trend-outlier-share\""));
    assert!(out.join("charts").join("trend-outlier-share.svg").is_file());
    for p in persistent {
        let id = p["provider_id"].as_str().unwrap();
        let row_start = section
            .find(&format!("<tr><td class=id>{id}</td>"))
            .expect("a row per persistent outlier");
        let row = &section[row_start..row_start + section[row_start..].find("</tr>").unwrap()];
        let e = &p["shares"][5];
        let hidden = |n: u64| (1..11).contains(&n);
        if hidden(e["claims"].as_u64().unwrap()) || hidden(e["m6281_claims"].as_u64().unwrap()) {
            assert!(row.ends_with("<td class=num>not shown</td>"), "{row}");
        } else {
            assert!(
                row.ends_with("%</b></td>") || row.ends_with("%</td>"),
                "{row}"
            );
        }
    }

    // Without --history: no Trend section and no trend charts.
    let plain = read(&shared().march.join("report.html"));
    assert!(!plain.contains("id=\"trend\""));
    assert!(
        !shared()
            .march
            .join("charts")
            .join("trend-findings-by-check.svg")
            .exists()
    );
}
