//! Flags shared by several subcommands: inputs, config, period.

use std::path::PathBuf;

use anyhow::Result;
use chrono::{Datelike, NaiveDate};
use clap::Args;

use crate::ingest::InputFiles;
use crate::input_error;
use crate::model::Period;

/// Where the exports are and how their columns are named.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Claims export: one row per service line. A file, a folder of parts or a
    /// quoted glob; .csv, .parquet, .arrow/.ipc/.feather, .ndjson/.jsonl,
    /// X12 837P (.837/.x12/.edi) or Bulk FHIR NDJSON (ExplanationOfBenefit).
    #[arg(long, value_name = "PATH")]
    pub claims: PathBuf,
    /// Clinical-notes export: one row per note (same formats as --claims;
    /// Bulk FHIR: DocumentReference).
    /// Optional: without it the checks that read notes are skipped (listed
    /// in summary.json `checks_skipped` and at the top of report.html).
    #[arg(long, value_name = "PATH")]
    pub notes: Option<PathBuf>,
    /// TOML file renaming the exports' columns to the contract's names
    /// (sections [claims] and [notes], `contract_name = "Export Name"`), or
    /// `cms-rif-carrier`: the built-in mapping of CMS RIF carrier claims.
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// Encoding of CSV/NDJSON exports: utf-8 (default), windows-1252,
    /// latin1, utf-16. A byte-order mark, when present, decides.
    #[arg(long, value_name = "NAME")]
    pub encoding: Option<String>,
}

impl InputArgs {
    /// The files the audit reads.
    pub fn files(&self) -> InputFiles {
        InputFiles {
            claims: self.claims.clone(),
            notes: self.notes.clone(),
            mapping: self.mapping.clone(),
            encoding: self.encoding.clone(),
        }
    }
}

/// Which claims are audited. Notes and earlier claims always serve as history.
#[derive(Debug, Clone, Args)]
pub struct PeriodArgs {
    /// Audit one calendar month, e.g. 2026-03, or `last-month` (the month
    /// before today's, for scheduled jobs). Default: all claims.
    #[arg(long, value_name = "YYYY-MM", conflicts_with_all = ["from", "to"])]
    pub period: Option<String>,
    /// Audit claims dated on or after this day (YYYY-MM-DD).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub from: Option<String>,
    /// Audit claims dated on or before this day (YYYY-MM-DD).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub to: Option<String>,
}

impl PeriodArgs {
    pub fn period(&self) -> Result<Period> {
        if let Some(month) = self.month() {
            let Some(first) =
                NaiveDate::parse_from_str(&format!("{}-01", month.trim()), "%Y-%m-%d")
                    .ok()
                    .filter(|d| (1900..=2100).contains(&d.year()))
            else {
                input_error!(
                    "--period {month}: expected a month as YYYY-MM between 1900 and 2100, e.g. 2026-03"
                );
            };
            let next = if first.month() == 12 {
                NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
            };
            let last = next.and_then(|d| d.pred_opt()).unwrap_or(first);
            return Ok(Period {
                from: Some(first),
                to: Some(last),
            });
        }
        let day = |flag: &str, v: &Option<String>| -> Result<Option<NaiveDate>> {
            match v {
                None => Ok(None),
                Some(s) => match NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d") {
                    Ok(d) if (1900..=2100).contains(&d.year()) => Ok(Some(d)),
                    _ => input_error!(
                        "--{flag} {s}: expected a date as YYYY-MM-DD between 1900 and 2100"
                    ),
                },
            }
        };
        let period = Period {
            from: day("from", &self.from)?,
            to: day("to", &self.to)?,
        };
        if let (Some(f), Some(t)) = (period.from, period.to) {
            if f > t {
                input_error!("--from {f} is after --to {t}");
            }
        }
        Ok(period)
    }

    /// `--period` as `YYYY-MM`, with `last-month` resolved against today's local date.
    pub fn month(&self) -> Option<String> {
        let p = self.period.as_deref()?.trim();
        if p.eq_ignore_ascii_case("last-month") {
            let today = chrono::Local::now().date_naive();
            let last = today
                .with_day(1)
                .and_then(|d| d.pred_opt())
                .unwrap_or(today);
            return Some(last.format("%Y-%m").to_string());
        }
        // Normalised (`2026-3` -> `2026-03`) when it parses; else as given, for the error.
        match NaiveDate::parse_from_str(&format!("{p}-01"), "%Y-%m-%d") {
            Ok(d) => Some(d.format("%Y-%m").to_string()),
            Err(_) => Some(p.to_string()),
        }
    }

    /// Folder name for the default `--out`: `2026-03`, `2026-01-01_2026-03-31`, or None.
    pub fn folder_label(&self) -> Option<String> {
        if let Some(p) = self.month() {
            return Some(p);
        }
        match (&self.from, &self.to) {
            (None, None) => None,
            (f, t) => Some(format!(
                "{}_{}",
                f.as_deref().unwrap_or("start"),
                t.as_deref().unwrap_or("end")
            )),
        }
    }
}
