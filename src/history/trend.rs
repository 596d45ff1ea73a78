//! The trend of `run --history DIR`: the current run and the run folders
//! found in DIR, one run per period (the newest run of a period wins; the
//! current run always wins its own), ordered by period, the last
//! [`WINDOW`] kept. Per period: findings and amount at risk per check (from
//! each run's summary.json), and the findings new and resolved since the run
//! of the period before (as `diff` counts them, from the findings). Providers
//! flagged as outliers (summary.json `providers[].outlier`, the report's
//! peer-group definition) in at least [`PERSISTENT_AT_LEAST`] of the last
//! [`PERSISTENT_OF_LAST`] runs are persistent outliers; their M62.81 share is
//! given for every period of the trend.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::SystemTime;

use anyhow::Result;
use polars::prelude::*;
use serde::Serialize;

use super::diff;
use crate::input_error;
use crate::run_folder::{RunFolder, RunSummary};

/// Periods a trend shows at most (PEPPER shows 12 quarters).
pub const WINDOW: usize = 12;
/// A persistent outlier was an outlier in at least this many ...
pub const PERSISTENT_AT_LEAST: usize = 3;
/// ... of this many latest runs of the trend.
pub const PERSISTENT_OF_LAST: usize = 6;

/// The `trend` block of summary.json.
#[derive(Debug, Serialize)]
pub struct Trend {
    pub window: usize,
    pub persistent_outlier_rule: PersistentRule,
    /// Run folders found in the history folder (before one per period was kept).
    pub runs_found: usize,
    /// Oldest first; the current run's period is marked `current`.
    pub periods: Vec<TrendPeriod>,
    /// Most outlier runs first, then provider_id.
    pub persistent_outliers: Vec<PersistentOutlier>,
}

#[derive(Debug, Serialize)]
pub struct PersistentRule {
    pub at_least: usize,
    pub of_last_runs: usize,
}

/// One period of the trend: one run.
#[derive(Debug, Serialize)]
pub struct TrendPeriod {
    /// summary.json `period.label` of the run.
    pub period: String,
    pub from: Option<String>,
    pub to: Option<String>,
    /// The run folder's name (null for the current run, so that its
    /// summary.json does not depend on where it is written).
    pub run: Option<String>,
    pub current: bool,
    pub findings: u64,
    pub claims_flagged: u64,
    pub amount_at_risk: f64,
    /// Per check id of this run.
    pub checks: BTreeMap<String, TrendCheck>,
    /// Findings not in the previous period's run (null for the first run found).
    pub new: Option<u64>,
    /// Findings of the previous period's run no longer found.
    pub resolved: Option<u64>,
    /// The period `new` and `resolved` compare with.
    pub compared_with: Option<String>,
    /// The code set or check versions differ from the previous period's run
    /// (so new and resolved may come from the change, not the claims).
    pub versions_changed: bool,
}

impl TrendPeriod {
    /// The period as an axis or column shows it: `2026-03` for a calendar
    /// month, else its label.
    pub fn short_label(&self) -> String {
        if let (Some(from), Some(to)) = (&self.from, &self.to)
            && let Some(month) = from.strip_suffix("-01")
            && crate::run_folder::month_end(month).as_deref() == Some(to.as_str())
        {
            return month.to_string();
        }
        self.period.clone()
    }
}

#[derive(Debug, Serialize)]
pub struct TrendCheck {
    pub findings: u64,
    pub amount_at_risk: f64,
    pub new: Option<u64>,
    pub resolved: Option<u64>,
}

#[derive(Debug, Serialize)]
pub struct PersistentOutlier {
    pub provider_id: String,
    /// Runs among the last `of_last_runs` in which the provider was an outlier.
    pub outlier_runs: usize,
    /// One entry per trend period, in the same order.
    pub shares: Vec<ShareEntry>,
}

#[derive(Debug, Serialize)]
pub struct ShareEntry {
    pub period: String,
    pub claims: u64,
    pub m6281_claims: u64,
    /// Null when the provider has no audited claim in the period.
    pub m6281_share: Option<f64>,
    pub outlier: bool,
}

/// The run being written, as the trend sees it.
pub struct CurrentRun<'a> {
    /// Its summary.json (without the trend), read back as history will read it.
    pub summary_json: &'a str,
    /// Its run folder (`--out`): an earlier run there is being replaced.
    pub out: &'a Path,
    pub findings: &'a DataFrame,
}

/// The history folder's runs (skipping `out`) with reasons for folders
/// that hold a summary.json but could not be read as runs.
fn runs_in(dir: &Path, out: &Path) -> Result<(Vec<RunFolder>, Vec<String>)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        input_error!("--history {}: not a readable folder", dir.display());
    };
    let out = out.canonicalize().ok();
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .filter(|p| {
            // Hidden: the temporary and set-aside folders of runs in progress.
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .filter(|p| out.is_none() || p.canonicalize().ok() != out)
        .collect();
    paths.sort();
    let mut runs = Vec::new();
    let mut warnings = Vec::new();
    for p in paths {
        match RunFolder::open(&p) {
            Ok(run) => runs.push(run),
            Err(why) if p.join("summary.json").exists() => {
                warnings.push(format!("--history: {}: {why}; skipped", p.display()))
            }
            Err(_) => {}
        }
    }
    Ok((runs, warnings))
}

/// One run per period (the newest), the current run winning its own, ordered by period.
fn one_per_period(runs: Vec<RunFolder>, current: RunFolder) -> Vec<RunFolder> {
    let mut by_period: BTreeMap<String, RunFolder> = BTreeMap::new();
    for run in runs {
        let label = run.summary.period.label.clone();
        let newer = by_period
            .get(&label)
            .is_none_or(|kept| (run.written, &run.name) > (kept.written, &kept.name));
        if newer {
            by_period.insert(label, run);
        }
    }
    by_period.insert(current.summary.period.label.clone(), current);
    let mut runs: Vec<RunFolder> = by_period.into_values().collect();
    runs.sort_by_cached_key(|r| (r.summary.period_order(), r.summary.period.label.clone()));
    runs
}

/// The trend of the current run and the runs in `history`; the strings are
/// warnings about folders skipped.
pub fn build(history: &Path, current: CurrentRun) -> Result<(Trend, Vec<String>)> {
    let (found, warnings) = runs_in(history, current.out)?;
    let runs_found = found.len();
    let summary = RunSummary::parse(current.summary_json)
        .map_err(|e| anyhow::anyhow!("the run's own summary: {e}"))?;
    let current_run = RunFolder {
        path: current.out.to_path_buf(),
        name: current
            .out
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default(),
        summary,
        summary_sha256: crate::run_folder::text_sha256(current.summary_json),
        written: SystemTime::now(),
    };
    let current_label = current_run.summary.period.label.clone();
    let runs = one_per_period(found, current_run);
    // The run just before the window is read too: the first period's new/resolved.
    let first = runs.len().saturating_sub(WINDOW);
    let from = first.saturating_sub(1);
    let findings_of = |run: &RunFolder| -> Result<DataFrame> {
        let lf = if run.summary.period.label == current_label {
            current.findings.clone().lazy()
        } else {
            run.findings_csv()?
        };
        Ok(diff::as_text(lf).collect()?)
    };
    let mut periods = Vec::new();
    let mut previous: Option<(&RunFolder, DataFrame)> = None;
    for (i, run) in runs.iter().enumerate().skip(from) {
        let findings = findings_of(run)?;
        if i >= first {
            periods.push(period_entry(
                run,
                &current_label,
                previous.as_ref(),
                &findings,
            )?);
        }
        previous = Some((run, findings));
    }
    let window = &runs[first..];
    let persistent_outliers = persistent_outliers(window);
    Ok((
        Trend {
            window: WINDOW,
            persistent_outlier_rule: PersistentRule {
                at_least: PERSISTENT_AT_LEAST,
                of_last_runs: PERSISTENT_OF_LAST,
            },
            runs_found,
            periods,
            persistent_outliers,
        },
        warnings,
    ))
}

/// One period's figures, compared with the previous period's run.
fn period_entry(
    run: &RunFolder,
    current_label: &str,
    previous: Option<&(&RunFolder, DataFrame)>,
    findings: &DataFrame,
) -> Result<TrendPeriod> {
    let s = &run.summary;
    let counts = previous
        .map(|(_, old)| diff::counts(diff::compare(old.clone().lazy(), findings.clone().lazy())))
        .transpose()?;
    let checks = s
        .checks
        .iter()
        .map(|(id, t)| {
            let by_check = counts
                .as_ref()
                .map(|(_, by)| by.get(id).copied().unwrap_or_default());
            (
                id.clone(),
                TrendCheck {
                    findings: t.findings as u64,
                    amount_at_risk: t.amount_at_risk,
                    new: by_check.map(|c| c.new),
                    resolved: by_check.map(|c| c.resolved),
                },
            )
        })
        .collect();
    Ok(TrendPeriod {
        period: s.period.label.clone(),
        from: s.period.from.clone(),
        to: s.period.to.clone(),
        run: (s.period.label != current_label).then(|| run.name.clone()),
        current: s.period.label == current_label,
        findings: s.totals.findings as u64,
        claims_flagged: s.totals.claims_flagged as u64,
        amount_at_risk: s.totals.amount_at_risk,
        checks,
        new: counts.as_ref().map(|(t, _)| t.new),
        resolved: counts.as_ref().map(|(t, _)| t.resolved),
        compared_with: previous.map(|(p, _)| p.summary.period.label.clone()),
        versions_changed: previous.is_some_and(|(p, _)| p.summary.version_mismatch(s).is_some()),
    })
}

/// Providers that were outliers in at least PERSISTENT_AT_LEAST of the
/// last PERSISTENT_OF_LAST runs, with their share in every run of `window`.
fn persistent_outliers(window: &[RunFolder]) -> Vec<PersistentOutlier> {
    let recent = &window[window.len().saturating_sub(PERSISTENT_OF_LAST)..];
    let mut outlier_runs: BTreeMap<&str, usize> = BTreeMap::new();
    for run in recent {
        for p in run.summary.providers.iter().filter(|p| p.outlier) {
            *outlier_runs.entry(p.provider_id.as_str()).or_default() += 1;
        }
    }
    let mut out: Vec<PersistentOutlier> = outlier_runs
        .into_iter()
        .filter(|(_, n)| *n >= PERSISTENT_AT_LEAST)
        .map(|(id, n)| PersistentOutlier {
            provider_id: id.to_string(),
            outlier_runs: n,
            shares: window
                .iter()
                .map(|run| {
                    let p = run.summary.providers.iter().find(|p| p.provider_id == id);
                    ShareEntry {
                        period: run.summary.period.label.clone(),
                        claims: p.map_or(0, |p| p.claims),
                        m6281_claims: p.map_or(0, |p| p.m6281_claims),
                        m6281_share: p.filter(|p| p.claims > 0).map(|p| p.m6281_share),
                        outlier: p.is_some_and(|p| p.outlier),
                    }
                })
                .collect(),
        })
        .collect();
    out.sort_by(|a, b| {
        b.outlier_runs
            .cmp(&a.outlier_runs)
            .then_with(|| a.provider_id.cmp(&b.provider_id))
    });
    out
}
