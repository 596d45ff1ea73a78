//! `claims-audit query`: SQL over the audit tables.
//!
//! ```text
//! claims-audit query (FILE.sql | --sql TEXT)
//!                    (--claims PATH --notes PATH [--mapping FILE] [--config FILE]
//!                     [--period YYYY-MM | --from DATE --to DATE] [--checks-dir DIR]
//!                     | --from-run DIR | both | neither, for icd10cm alone)
//!                    [--output FILE.csv|.parquet|.json|.ndjson] [--format table|csv|json]
//!                    [--max-rows N]
//! ```
//! Tables: claims, claim_dx, visits, notes, note_facts, findings, icd10cm
//! (columns in `crate::sql` and the README). With --claims/--notes the
//! model is built as `run` builds it, and `findings` (only when the query
//! reads it) comes from running every check, custom ones included. With
//! --from-run DIR the tables are the `<table>.parquet` files of DIR: a run
//! folder holds `findings.parquet` only, an `export` folder every table;
//! given both, findings come from DIR and the model from the inputs.
//! `icd10cm` is always there (the embedded code set).
//!
//! The result prints as a table on a terminal and as CSV into a pipe, or is
//! written to --output (format from the extension). A bad query stops with
//! one line naming the file, the line and what is wrong (exit 2).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Result;
use clap::Args;
use polars::prelude::*;

use super::common::PeriodArgs;
use crate::audit::{self, Inputs};
use crate::checks::{custom, registry};
use crate::config::Config;
use crate::error::{InputError, exit};
use crate::input_error;
use crate::output::create_private_file;
use crate::sql;

#[derive(Debug, Args)]
pub struct QueryArgs {
    /// File holding one SQL query (e.g. queries/top_providers_at_risk.sql).
    #[arg(
        value_name = "FILE.sql",
        required_unless_present = "sql",
        conflicts_with = "sql"
    )]
    pub file: Option<PathBuf>,
    /// The SQL query as text, instead of a file.
    #[arg(long, value_name = "TEXT")]
    pub sql: Option<String>,
    /// Claims export (as for `run`): builds the model tables.
    #[arg(long, value_name = "PATH", requires = "notes")]
    pub claims: Option<PathBuf>,
    /// Clinical-notes export (as for `run`).
    #[arg(long, value_name = "PATH", requires = "claims")]
    pub notes: Option<PathBuf>,
    /// TOML file renaming the exports' columns (as for `run`).
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    #[command(flatten)]
    pub period: PeriodArgs,
    /// TOML file overriding thresholds, code groups and text patterns (as for `run`).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Folder of custom checks (*.sql) run for `findings`. Default: queries/checks when it exists.
    #[arg(long, value_name = "DIR")]
    pub checks_dir: Option<PathBuf>,
    /// A run folder (its findings.parquet) or an `export` folder (every table).
    #[arg(long, value_name = "DIR")]
    pub from_run: Option<PathBuf>,
    /// Write the result to this file: .csv, .parquet, .json (one array) or .ndjson/.jsonl.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Format on standard output. Default: table on a terminal, csv otherwise.
    #[arg(long, value_name = "FORMAT", value_parser = ["table", "csv", "json"])]
    pub format: Option<String>,
    /// Rows shown in the table format (the others are counted).
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub max_rows: usize,
}

/// Output formats chosen by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileFormat {
    Csv,
    Parquet,
    Json,
    NdJson,
}

fn file_format(path: &Path) -> Result<FileFormat> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    Ok(match ext.as_str() {
        "csv" => FileFormat::Csv,
        "parquet" => FileFormat::Parquet,
        "json" => FileFormat::Json,
        "ndjson" | "jsonl" => FileFormat::NdJson,
        _ => input_error!(
            "--output {}: unknown format (expected .csv, .parquet, .json, .ndjson or .jsonl)",
            path.display()
        ),
    })
}

pub fn run(args: QueryArgs) -> Result<i32> {
    let (name, text) = match (&args.file, &args.sql) {
        (Some(f), _) => match std::fs::read_to_string(f) {
            Ok(t) => (f.display().to_string(), t),
            Err(e) => input_error!("{}: cannot read query file ({e})", f.display()),
        },
        (None, Some(s)) => ("--sql".to_string(), s.clone()),
        (None, None) => input_error!("give a query: FILE.sql or --sql TEXT"),
    };
    let bad = |e: PolarsError| anyhow::Error::new(InputError(sql::error_line(&name, &text, &e)));
    let out_format = match &args.output {
        Some(p) => Some(file_format(p)?),
        None => None,
    };
    let read = sql::tables_read(&text).map_err(bad)?;
    let started = Instant::now();

    let mut tables: Vec<(&'static str, LazyFrame)> = Vec::new();
    if let Some(dir) = &args.from_run {
        if !dir.is_dir() {
            input_error!("--from-run {}: not a folder", dir.display());
        }
        let found = sql::folder_tables(dir)?;
        if found.is_empty() {
            input_error!(
                "--from-run {}: no findings.parquet or other table .parquet file (expected a run folder or an `export` folder)",
                dir.display()
            );
        }
        tables.extend(found);
    }
    if let (Some(claims), Some(notes)) = (&args.claims, &args.notes) {
        let config = match Config::load(args.config.as_deref()) {
            Ok(c) => c,
            Err(e) => input_error!("{}", e),
        };
        let period = args.period.period()?;
        let has = |tables: &[(&str, LazyFrame)], t: &str| tables.iter().any(|(n, _)| *n == t);
        let need_findings = sql::reads(&read, "findings") && !has(&tables, "findings");
        let mut checks = registry();
        if need_findings {
            checks.extend(custom::load(args.checks_dir.as_deref(), &checks)?);
        }
        let inputs = Inputs::load(&crate::ingest::InputFiles {
            claims: claims.clone(),
            notes: Some(notes.clone()),
            mapping: args.mapping.clone(),
            encoding: None,
        })?;
        let model = audit::build_tables(&inputs, &config, period)?;
        tables.retain(|(n, _)| !sql::MODEL_TABLES.contains(n));
        tables.extend(sql::model_tables(&model));
        if need_findings {
            let findings = audit::run_checks(&model, &config, &checks)?;
            tables.push(("findings", findings.lazy()));
        }
    }
    if sql::reads(&read, "icd10cm") && !tables.iter().any(|(n, _)| *n == "icd10cm") {
        tables.push(("icd10cm", sql::icd10cm()?.lazy()));
    }
    for t in sql::TABLES {
        if sql::reads(&read, t) && !tables.iter().any(|(n, _)| *n == t) {
            let hint = if args.claims.is_none() && args.from_run.is_none() {
                "give --claims and --notes, or --from-run DIR"
            } else if args.claims.is_none() {
                "a run folder holds only findings: add --claims and --notes, or query an `export` folder"
            } else {
                "it is not in the --from-run folder"
            };
            let e =
                PolarsError::SQLInterface(format!("table '{t}' is not available ({hint})").into());
            return Err(bad(e));
        }
    }

    let mut ctx = sql::context(tables);
    let mut df = ctx
        .execute(&text)
        .and_then(|lf| lf.collect())
        .map_err(bad)?;
    let elapsed = started.elapsed();

    match (&args.output, out_format) {
        (Some(path), Some(format)) => {
            let f = create_private_file(path)?;
            write_frame(&mut df, f, format)
                .map_err(|e| anyhow::anyhow!("{}: cannot write ({e})", path.display()))?;
            eprintln!(
                "claims-audit: {} rows, {} columns in {:.0} ms; wrote {}",
                df.height(),
                df.width(),
                elapsed.as_secs_f64() * 1000.0,
                path.display()
            );
        }
        _ => {
            let stdout = std::io::stdout();
            let format = args.format.clone().unwrap_or_else(|| {
                if stdout.is_terminal() {
                    "table".into()
                } else {
                    "csv".into()
                }
            });
            let mut lock = stdout.lock();
            match format.as_str() {
                "table" => {
                    let text = render_table(&df, args.max_rows)?;
                    lock.write_all(text.as_bytes())?;
                    writeln!(
                        lock,
                        "({} rows, {} columns, {:.0} ms)",
                        df.height(),
                        df.width(),
                        elapsed.as_secs_f64() * 1000.0
                    )?;
                }
                "json" => write_frame(&mut df, &mut lock, FileFormat::Json)?,
                _ => write_frame(&mut df, &mut lock, FileFormat::Csv)?,
            }
            lock.flush()?;
        }
    }
    Ok(exit::OK)
}

/// Writes a result frame; CSV keeps full float precision (a query may compute shares).
fn write_frame(df: &mut DataFrame, mut w: impl Write, format: FileFormat) -> PolarsResult<()> {
    match format {
        FileFormat::Csv => CsvWriter::new(&mut w).include_header(true).finish(df),
        FileFormat::Parquet => ParquetWriter::new(w).finish(df).map(|_| ()),
        FileFormat::Json => JsonWriter::new(&mut w)
            .with_json_format(JsonFormat::Json)
            .finish(df),
        FileFormat::NdJson => JsonWriter::new(&mut w)
            .with_json_format(JsonFormat::JsonLines)
            .finish(df),
    }
}

/// Longest cell shown; longer text is cut with `…`.
const MAX_CELL: usize = 48;

/// A plain-text table: header, rule, up to `max_rows` rows; numbers right-aligned.
fn render_table(df: &DataFrame, max_rows: usize) -> Result<String> {
    let shown = df.height().min(max_rows);
    let mut cols: Vec<(String, bool, Vec<String>)> = Vec::with_capacity(df.width());
    for c in df.columns() {
        let numeric = c.dtype().is_primitive_numeric();
        let head = c.head(Some(shown));
        let cells: Vec<String> = if c.dtype().is_float() {
            let f = head.cast(&DataType::Float64)?;
            let f = f.f64()?;
            let cents = f
                .iter()
                .flatten()
                .all(|v| ((v * 100.0).round() - v * 100.0).abs() < 1e-6);
            f.iter()
                .map(|v| match v {
                    None => "null".into(),
                    Some(v) if cents => format!("{v:.2}"),
                    Some(v) => format!("{v:.4}"),
                })
                .collect()
        } else {
            match head.cast(&DataType::String) {
                Ok(s) => s
                    .str()?
                    .iter()
                    .map(|v| v.unwrap_or("null").to_string())
                    .collect(),
                Err(_) => (0..head.len())
                    .map(|i| head.get(i).map(|v| v.to_string()).unwrap_or_default())
                    .collect(),
            }
        };
        let cells = cells
            .into_iter()
            .map(|s| {
                let s = s.replace(['\n', '\r', '\t'], " ");
                if s.chars().count() > MAX_CELL {
                    s.chars().take(MAX_CELL - 1).collect::<String>() + "…"
                } else {
                    s
                }
            })
            .collect();
        cols.push((c.name().to_string(), numeric, cells));
    }
    let widths: Vec<usize> = cols
        .iter()
        .map(|(n, _, cells)| {
            cells
                .iter()
                .map(|c| c.chars().count())
                .chain([n.chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let pad = |s: &str, w: usize, right: bool| {
        let fill = " ".repeat(w.saturating_sub(s.chars().count()));
        if right {
            format!("{fill}{s}")
        } else {
            format!("{s}{fill}")
        }
    };
    let mut out = String::new();
    let header: Vec<String> = cols
        .iter()
        .zip(&widths)
        .map(|((n, num, _), w)| pad(n, *w, *num))
        .collect();
    out.push_str(header.join("  ").trim_end());
    out.push('\n');
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    out.push_str(&rule.join("  "));
    out.push('\n');
    for i in 0..shown {
        let row: Vec<String> = cols
            .iter()
            .zip(&widths)
            .map(|((_, num, cells), w)| pad(&cells[i], *w, *num))
            .collect();
        out.push_str(row.join("  ").trim_end());
        out.push('\n');
    }
    if df.height() > shown {
        out.push_str(&format!(
            "... {} more rows (--max-rows N shows more; --output FILE writes all)\n",
            df.height() - shown
        ));
    }
    Ok(out)
}
