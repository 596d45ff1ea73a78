//! `claims-audit run`: the audit.
//!
//! ```text
//! claims-audit run --claims PATH [--notes PATH] [--mapping FILE] [--config FILE]
//!                  [--period YYYY-MM | --from DATE --to DATE] [--out DIR]
//!                  [--fail-on high|medium|low] [--checks-dir DIR]
//!                  [--min-cell N] [--history DIR] [--quiet]
//! ```
//! Reads and validates both inputs (file-level problems stop here, exit 2),
//! loads and validates the custom checks (queries/checks/*.sql), builds the
//! model, reads every note once, runs all checks together and
//! writes the run folder atomically. Exit 1 when `--fail-on` is given and a
//! finding of that severity or higher exists.

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Args;

use rayon::prelude::*;

use super::common::{InputArgs, PeriodArgs};
use super::progress::Progress;
use crate::audit::{self, AuditOptions};
use crate::checks::{Severity, custom, registry};
use crate::config::Config;
use crate::error::exit;
use crate::history::trend;
use crate::input_error;
use crate::output::{self, FileWriter};
use crate::report::sections::sample::SampleSection;
use crate::report::{MinCell, aggregates, charts, html, pseudonym, summary};
use crate::run_folder::AUDITED_CLAIMS_FILE;
use crate::shard::{ShardCount, Tie};

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
    /// Small-cell suppression: in report.html and the charts, show any count
    /// from 1 to N-1 as "<N" (CMS's PEPPER uses 11). findings.csv,
    /// findings.parquet and summary.json stay complete.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub min_cell: u64,
    /// Replace every patient id in the outputs with a keyed HMAC-SHA256
    /// pseudonym; the key is read from the environment variable
    /// CLAIMS_AUDIT_PSEUDONYM_KEY (refused when unset).
    #[arg(long)]
    pub pseudonymize: bool,
    /// Print nothing but errors (no progress, no closing line).
    #[arg(long, short)]
    pub quiet: bool,
    /// Folder of custom checks (*.sql). Default: queries/checks when it exists.
    #[arg(long, value_name = "DIR")]
    pub checks_dir: Option<PathBuf>,
    /// Audit the patients in N groups, one at a time, so that memory holds
    /// one group (for exports too large for memory). Same outputs as one
    /// pass; custom checks must relate a patient's own claims and notes.
    /// `auto`: one pass unless the inputs are estimated to need more than
    /// half the memory available.
    #[arg(long, value_name = "N|auto", default_value = "auto")]
    pub shards: ShardCount,
    /// Folder holding earlier run folders (e.g. reports/): adds the trend over
    /// the last 12 periods to report.html and summary.json (see README,
    /// "Month over month").
    #[arg(long, value_name = "DIR")]
    pub history: Option<PathBuf>,
    /// A sample folder (written by `claims-audit sample`) to show in
    /// report.html's "Sample and extrapolation" section; it is copied into
    /// the run folder. Sample folders already in the folder --out replaces
    /// are kept and shown without it. Repeatable.
    #[arg(long, value_name = "DIR")]
    pub sample: Vec<PathBuf>,
}

/// Plans `count` shards, audits each and merges them (one pass when `count` is 1).
fn audit_in_shards(
    args: &RunArgs,
    options: AuditOptions,
    count: usize,
) -> Result<(audit::Audited, Progress)> {
    let shards = crate::shard::plan(options.inputs, count)?;
    // A shard holds some patients only: custom checks must not compare patients.
    crate::checks::per_patient::set_enabled(shards.len() > 1);
    let mut progress = Progress::new(args.quiet, 3 * shards.len() as u64 + 1);
    let mut parts = Vec::with_capacity(shards.len());
    for shard in &shards {
        let of = if shards.len() > 1 {
            format!("shard {}/{}: ", shard.index + 1, shards.len())
        } else {
            String::new()
        };
        let sharded = (shards.len() > 1).then_some(shard);
        let audited = audit::audit(options, sharded, |name, message| {
            progress.stage(name, format!("{of}{message}"))
        });
        // A custom check that compares patients ties the shards as a shared claim would.
        parts.push(audited.map_err(|e| {
            crate::checks::per_patient::take_refusal().map_or(e, |m| anyhow::Error::new(Tie(m)))
        })?);
    }
    let audited = if parts.len() == 1 {
        parts.pop().expect("one part")
    } else {
        crate::timing::stage("merge shards", || audit::merge(parts))?
    };
    crate::shard::check_note_links(options.inputs, &shards, &audited.unmatched_notes)?;
    Ok((audited, progress))
}

/// Folders names the run folder's own files use: a sample folder may not take them.
const RUN_FOLDER_NAMES: [&str; 7] = [
    "charts",
    "findings.csv",
    "findings.parquet",
    "summary.json",
    "rejects.csv",
    "report.html",
    AUDITED_CLAIMS_FILE,
];

/// The sample folders report.html shows, by name: each `--sample DIR`, and
/// every folder holding a sample.json in the run folder `out` replaces (a
/// re-run keeps the reviewers' work and shows its extrapolation).
fn sample_sections(
    given: &[PathBuf],
    out: &Path,
    summary_json: &str,
) -> Result<Vec<SampleSection>> {
    let mut dirs: Vec<PathBuf> = given.to_vec();
    for dir in &dirs {
        if !dir.join("sample.json").is_file() {
            input_error!(
                "--sample {}: not a sample folder (no sample.json)",
                dir.display()
            );
        }
    }
    if let Ok(entries) = std::fs::read_dir(out) {
        let mut found: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|d| d.join("sample.json").is_file())
            .collect();
        found.sort();
        dirs.extend(found);
    }
    let sha = crate::run_folder::text_sha256(summary_json);
    let mut sections: Vec<SampleSection> = Vec::new();
    for dir in dirs {
        let same = |s: &SampleSection| {
            std::fs::canonicalize(&s.source).ok() == std::fs::canonicalize(&dir).ok()
        };
        if sections.iter().any(same) {
            continue;
        }
        let section = SampleSection::load(&dir, &sha)?;
        if RUN_FOLDER_NAMES.contains(&section.name.as_str()) || section.name.starts_with('.') {
            input_error!(
                "--sample {}: a sample folder may not be named {:?} in the run folder; rename it",
                dir.display(),
                section.name
            );
        }
        if let Some(other) = sections.iter().find(|s| s.name == section.name) {
            input_error!(
                "--sample {}: two sample folders named {:?} ({} too); rename one",
                dir.display(),
                section.name,
                other.source.display()
            );
        }
        sections.push(section);
    }
    sections.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(sections)
}

/// What `run` and `merge` settle before any data is read: the config, the
/// period, the pseudonym key, the run folder and the checks (built-in and custom).
pub struct Prepared {
    pub config: Config,
    pub period: crate::model::Period,
    pub key: Option<Vec<u8>>,
    pub out: PathBuf,
    pub checks: Vec<crate::checks::CheckInfo>,
    /// Checks not run because their input is missing (no `--notes`).
    pub skipped: Vec<crate::checks::CheckInfo>,
}

/// Checks the options that need no data (one-line errors before any read).
pub fn prepare(args: &RunArgs) -> Result<Prepared> {
    let config = match Config::load(args.config.as_deref()) {
        Ok(c) => c,
        Err(e) => input_error!("{}", e),
    };
    let period = args.period.period()?;
    if let Some(dir) = &args.history
        && !dir.is_dir()
    {
        input_error!("--history {}: not a folder", dir.display());
    }
    let key = args
        .pseudonymize
        .then(pseudonym::key_from_env)
        .transpose()?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| output::default_out(args.period.folder_label()));
    let mut checks = registry();
    checks.extend(custom::load(args.checks_dir.as_deref(), &checks)?);
    // Without notes the checks that read them are not run (CONTRACT.md,
    // "claims without notes"); the code-only checks run unchanged.
    let skipped: Vec<crate::checks::CheckInfo> = if args.inputs.notes.is_none() {
        let (keep, skip) = checks.into_iter().partition(|c| !c.needs_notes);
        checks = keep;
        skip
    } else {
        Vec::new()
    };
    Ok(Prepared {
        config,
        period,
        key,
        out,
        checks,
        skipped,
    })
}

pub fn run(args: RunArgs) -> Result<i32> {
    let prepared = prepare(&args)?;
    let files = args.inputs.files();
    let options = AuditOptions {
        inputs: &files,
        config: &prepared.config,
        period: prepared.period,
        checks: &prepared.checks,
    };
    let count = match args.shards {
        ShardCount::Fixed(n) => n,
        ShardCount::Auto => crate::shard::auto_count(&files)?,
    };
    let (audited, progress) = match audit_in_shards(&args, options, count) {
        // auto never refuses: an export that cannot be sharded is audited in one pass.
        Err(e) if e.is::<Tie>() && args.shards == ShardCount::Auto => {
            if !args.quiet {
                eprintln!("claims-audit: {e}: auditing in one pass");
            }
            audit_in_shards(&args, options, 1)?
        }
        Err(e) if e.is::<Tie>() => input_error!("{e}"),
        other => other?,
    };
    write_run(&args, prepared, audited, progress)
}

/// Turns the audit (of one pass, of shards, or merged from parts) into the
/// run folder: report, charts, files written atomically; returns the exit code.
pub fn write_run(
    args: &RunArgs,
    prepared: Prepared,
    mut audited: audit::Audited,
    mut progress: Progress,
) -> Result<i32> {
    let Prepared {
        config,
        period,
        key,
        out,
        checks,
        skipped,
    } = prepared;
    let findings = pseudonym::apply_opt(std::mem::take(&mut audited.findings), key.as_deref())?;
    let audited_claims =
        pseudonym::apply_opt(std::mem::take(&mut audited.audited_claims), key.as_deref())?;
    progress.stage("report", "aggregates, charts and report.html");
    let min_cell = MinCell(args.min_cell);
    let claims_audited = audited.claims_audited;
    let aggs = aggregates::finish(&findings, &audited.counts, &config, &checks)?;
    progress.lap("aggregates");
    let (peer_group, providers, months, payers, documentation) =
        summary::aggregate_entries(&aggs, &checks);
    let mut summary = summary::Summary {
        tool: summary::Tool {
            name: "claims-audit",
            version: env!("CARGO_PKG_VERSION"),
            code_set: crate::checks::CODE_SET,
        },
        period: summary::period_info(&period),
        inputs: std::mem::take(&mut audited.inputs),
        checks: summary::check_totals(&findings, &checks)?,
        check_list: summary::check_entries(&checks),
        checks_skipped: summary::skipped_entries(&skipped, summary::NO_NOTES_REASON),
        totals: summary::totals(&findings, claims_audited)?,
        peer_group,
        providers,
        months,
        payers,
        documentation,
        config: config.clone(),
        pseudonymized: key.is_some(),
        trend: None,
    };
    let mut summary_json = serde_json::to_string_pretty(&summary)? + "\n";
    if let Some(dir) = &args.history {
        let (trend, warnings) = trend::build(
            dir,
            trend::CurrentRun {
                summary_json: &summary_json,
                out: &out,
                findings: &findings,
            },
        )?;
        if !args.quiet {
            warnings.iter().for_each(|w| eprintln!("claims-audit: {w}"));
        }
        summary.trend = Some(trend);
        summary_json = serde_json::to_string_pretty(&summary)? + "\n";
        progress.lap("trend");
    }
    let samples = sample_sections(&args.sample, &out, &summary_json)?;
    let ran_at = chrono::Local::now().format("%Y-%m-%d %H:%M %Z").to_string();
    let charts: Vec<(charts::Chart, String)> = charts::build(
        &aggs,
        &checks,
        &summary.checks,
        summary.trend.as_ref(),
        min_cell,
    )
    .into_iter()
    .chain(samples.iter().filter_map(|s| s.chart(min_cell)))
    .collect::<Vec<_>>()
    .into_par_iter()
    .map(|c| {
        let svg = c.svg()?;
        Ok((c, svg))
    })
    .collect::<Result<_>>()?;
    progress.lap("svg");
    let [claim_rejects, note_rejects] = &audited.rejects;
    let mut reject_groups = aggregates::reject_groups("claims", claim_rejects)?;
    reject_groups.extend(aggregates::reject_groups("notes", note_rejects)?);
    let page = html::render(&html::Page {
        summary: &summary,
        checks: &checks,
        findings: &findings,
        aggs: &aggs,
        charts: &charts,
        rejects: &reject_groups,
        ran_at: &ran_at,
        min_cell,
        samples: &samples,
    })?;
    let rejects = audited.all_rejects()?;
    progress.lap("html");

    let mut writers: Vec<FileWriter> = vec![
        Box::new(|dir| output::write_csv(&findings, &dir.join("findings.csv"))),
        Box::new(|dir| output::write_parquet(&findings, &dir.join("findings.parquet"))),
        Box::new(|dir| output::write_text(&summary_json, &dir.join("summary.json"))),
        Box::new(|dir| output::write_csv(&rejects, &dir.join("rejects.csv"))),
        Box::new(|dir| output::write_parquet(&audited_claims, &dir.join(AUDITED_CLAIMS_FILE))),
        Box::new(|dir| output::write_text(&page, &dir.join("report.html"))),
        Box::new(|dir| {
            let folder = dir.join("charts");
            output::create_private_dir(&folder)?;
            charts.par_iter().try_for_each(|(chart, svg)| {
                output::write_text(svg, &folder.join(format!("{}.svg", chart.name)))?;
                chart.write_png(&folder.join(format!("{}.png", chart.name)))
            })
        }),
    ];
    for s in &samples {
        writers.push(Box::new(|dir| {
            output::copy_folder(&s.source, &dir.join(&s.name))
        }));
    }
    output::write_run_folder(&out, writers)?;
    progress.lap("files and png");
    progress.finish();

    if !args.quiet {
        eprintln!(
            "claims-audit: {} claims audited ({}), {} findings on {} claims, ${:.2} at risk; {} rows rejected; wrote {}",
            summary.totals.claims_audited,
            summary.period.label,
            summary.totals.findings,
            summary.totals.claims_flagged,
            summary.totals.amount_at_risk,
            summary
                .inputs
                .iter()
                .map(|i| i.rows_rejected)
                .sum::<usize>(),
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
