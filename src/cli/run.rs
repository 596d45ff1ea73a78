//! `claims-audit run`: the audit.
//!
//! ```text
//! claims-audit run --claims PATH --notes PATH [--mapping FILE] [--config FILE]
//!                  [--period YYYY-MM | --from DATE --to DATE] [--out DIR]
//!                  [--fail-on high|medium|low] [--checks-dir DIR]
//! ```
//! Reads and validates both inputs (file-level problems stop here, exit 2),
//! loads and validates the custom checks (queries/checks/*.sql), builds the
//! model, reads every note once, runs all checks together and
//! writes the run folder atomically. Exit 1 when `--fail-on` is given and a
//! finding of that severity or higher exists.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::common::{InputArgs, PeriodArgs};
use crate::audit::{self, Inputs};
use crate::checks::{Severity, custom, registry};
use crate::config::Config;
use crate::error::exit;
use crate::input_error;
use crate::report::output::{self, FileWriter};
use crate::report::{html, summary};

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub inputs: InputArgs,
    #[command(flatten)]
    pub period: PeriodArgs,
    /// TOML file overriding thresholds, code groups and text patterns (see README).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Run folder to write. Default: reports/<period> or reports/<today>.
    /// An existing folder is replaced only once the new run is complete.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Exit with status 1 when a finding of this severity or higher exists.
    #[arg(long, value_name = "SEVERITY", value_parser = ["high", "medium", "low"])]
    pub fail_on: Option<String>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// Folder of custom checks (*.sql). Default: queries/checks when it exists.
    #[arg(long, value_name = "DIR")]
    pub checks_dir: Option<PathBuf>,
}

pub fn run(args: RunArgs) -> Result<i32> {
    let config = match Config::load(args.config.as_deref()) {
        Ok(c) => c,
        Err(e) => input_error!("{}", e),
    };
    let period = args.period.period()?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| output::default_out(args.period.folder_label()));
    let mut checks = registry();
    checks.extend(custom::load(args.checks_dir.as_deref(), &checks)?);
    let inputs = Inputs::load(&args.inputs)?;
    let tables = audit::build_tables(&inputs, &config, period)?;
    let findings = audit::run_checks(&tables, &config, &checks)?;

    let claims_audited = tables
        .visits
        .column("in_period")?
        .bool()?
        .sum()
        .unwrap_or(0) as usize;
    let summary = summary::Summary {
        tool: summary::Tool {
            name: "claims-audit",
            version: env!("CARGO_PKG_VERSION"),
            code_set: crate::checks::CODE_SET,
        },
        period: summary::period_info(&period),
        inputs: vec![
            summary::input_info(&inputs.claims),
            summary::input_info(&inputs.notes),
        ],
        checks: summary::check_totals(&findings, &checks)?,
        check_list: summary::check_entries(&checks),
        totals: summary::totals(&findings, claims_audited)?,
        config: config.clone(),
    };
    let summary_json = serde_json::to_string_pretty(&summary)? + "\n";
    let ran_at = chrono::Local::now().format("%Y-%m-%d %H:%M %Z").to_string();
    let page = html::render(&summary, &checks, &findings, &ran_at)?;
    let rejects = inputs.rejects()?;

    let writers: Vec<FileWriter> = vec![
        Box::new(|dir| output::write_csv(&findings, &dir.join("findings.csv"))),
        Box::new(|dir| output::write_parquet(&findings, &dir.join("findings.parquet"))),
        Box::new(|dir| output::write_text(&summary_json, &dir.join("summary.json"))),
        Box::new(|dir| output::write_csv(&rejects, &dir.join("rejects.csv"))),
        Box::new(|dir| output::write_text(&page, &dir.join("report.html"))),
    ];
    output::write_run_folder(&out, writers)?;

    if !args.quiet {
        eprintln!(
            "claims-audit: {} claims audited ({}), {} findings on {} claims, ${:.2} at risk; {} rows rejected; wrote {}",
            summary.totals.claims_audited,
            summary.period.label,
            summary.totals.findings,
            summary.totals.claims_flagged,
            summary.totals.amount_at_risk,
            inputs.claims.rows_rejected() + inputs.notes.rows_rejected(),
            out.display()
        );
    }
    if let Some(level) = args.fail_on.as_deref().and_then(Severity::parse) {
        let hit = summary
            .checks
            .values()
            .any(|t| t.findings > 0 && Severity::parse(&t.severity).is_some_and(|s| s <= level));
        if hit {
            return Ok(exit::FINDINGS_AT_SEVERITY);
        }
    }
    Ok(exit::OK)
}
