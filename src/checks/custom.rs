//! Custom checks: SQL files in `queries/checks/` (or `--checks-dir DIR`),
//! run beside the built-in checks with nothing recompiled.
//!
//! A custom check is one `.sql` file: a header of `--` comment lines, then
//! one query over the tables of [`crate::sql`] (`claims`, `claim_dx`,
//! `visits`, `notes`, `note_facts`, `icd10cm`) returning `claim_id` and,
//! optionally, `evidence`:
//!
//! ```sql
//! -- id: mmt-with-pt-eval
//! -- severity: medium
//! -- rule: NCCI: manual muscle testing is part of a PT evaluation
//! -- description: 95831 billed on the same claim as a PT evaluation (97161-97163).
//! SELECT claim_id, 'MMT with evaluation' AS evidence FROM claims WHERE ...
//! ```
//!
//! Every file is validated before any data is read: the four header fields
//! present, the id well formed, unique and not a built-in id, the severity
//! one of high/medium/low, and the query parsed and planned against empty
//! tables of the real schema (so an unknown table or column is caught too).
//! A query whose `evidence` carries note text (`notes.text`, or anything
//! computed from it) is refused too ([`note_text`]).
//! A problem stops the run with one line naming the file (exit 2). The
//! engine then treats the rows like a built-in check's: restricted to the
//! audited claims of the period, one finding per claim (evidence of several
//! rows joined), in the same findings schema, summary and report.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use anyhow::Result;
use polars::prelude::*;

use super::note_text;
use super::{CheckContext, CheckInfo, Scope, Severity, per_patient};
use crate::input_error;
use crate::sql;

/// Where `run`, `query`, `export` and `checks` look when `--checks-dir` is
/// not given (relative to the current directory; skipped when absent).
pub const DEFAULT_DIR: &str = "queries/checks";

/// Header fields, in the order a file should give them.
const FIELDS: [&str; 5] = ["id", "severity", "rule", "description", "scope"];
const REQUIRED: [&str; 4] = ["id", "severity", "rule", "description"];

/// A header field's value and the 1-based line it is on.
type Header = BTreeMap<&'static str, (String, usize)>;

/// Loads and validates the custom checks of `dir`, or of [`DEFAULT_DIR`]
/// when `dir` is None and that folder exists. `builtin` are the ids a
/// custom check may not take. Files are read in name order.
pub fn load(dir: Option<&Path>, builtin: &[CheckInfo]) -> Result<Vec<CheckInfo>> {
    let dir = match dir {
        Some(d) => {
            if !d.is_dir() {
                input_error!(
                    "--checks-dir {}: not a folder (expected a folder of .sql custom checks)",
                    d.display()
                );
            }
            d.to_path_buf()
        }
        None => {
            let d = PathBuf::from(DEFAULT_DIR);
            if !d.is_dir() {
                return Ok(Vec::new());
            }
            d
        }
    };
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "sql"))
            .collect(),
        Err(e) => input_error!("{}: cannot read folder ({e})", dir.display()),
    };
    files.sort();
    if files.is_empty() {
        return Ok(Vec::new());
    }
    let empty = sql::empty_model()?;
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut out = Vec::with_capacity(files.len());
    for file in files {
        let shown = file.display().to_string();
        let text = match std::fs::read_to_string(&file) {
            Ok(t) => t,
            Err(e) => input_error!("{shown}: cannot read file ({e})"),
        };
        let header = parse_header(&shown, &text)?;
        let (id, id_line) = header["id"].clone();
        if builtin.iter().any(|c| c.id == id) {
            input_error!(
                "{shown}, line {id_line}: id `{id}` is a built-in check; choose another id"
            );
        }
        if let Some(other) = seen.get(&id) {
            input_error!("{shown}, line {id_line}: id `{id}` is already used by {other}");
        }
        seen.insert(id.clone(), shown.clone());
        let has_evidence = validate_query(&shown, &text, &empty)?;
        out.push(into_check(&shown, &header, text, has_evidence));
    }
    Ok(out)
}

/// Reads the leading `--` lines: `-- key: value` sets a field; further
/// comment lines continue the description; other comments are ignored.
fn parse_header(shown: &str, text: &str) -> Result<Header> {
    let mut header = Header::new();
    let mut last: Option<&'static str> = None;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.is_empty() {
            last = None;
            continue;
        }
        let Some(content) = t.strip_prefix("--") else {
            break;
        };
        let content = content.trim();
        let field = content.split_once(':').and_then(|(k, v)| {
            let k = k.trim().to_ascii_lowercase();
            FIELDS.iter().find(|f| **f == k).map(|f| (*f, v.trim()))
        });
        match field {
            Some((key, value)) => {
                if header.contains_key(key) {
                    input_error!("{shown}, line {}: `-- {key}:` is given twice", i + 1);
                }
                header.insert(key, (value.to_string(), i + 1));
                last = Some(key);
            }
            None if last == Some("description") && !content.is_empty() => {
                let entry = header.get_mut("description").expect("set above");
                entry.0.push(' ');
                entry.0.push_str(content);
            }
            None => last = None,
        }
    }
    for key in REQUIRED {
        match header.get(key) {
            None => input_error!(
                "{shown}: missing `-- {key}:` in the header (a custom check starts with `-- id:`, `-- severity:`, `-- rule:` and `-- description:` lines)"
            ),
            Some((v, line)) if v.is_empty() => {
                input_error!("{shown}, line {line}: `-- {key}:` is empty")
            }
            _ => {}
        }
    }
    let (id, line) = &header["id"];
    let well_formed = id
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && id.as_bytes()[0].is_ascii_alphanumeric()
        && id.len() <= 64;
    if !well_formed {
        input_error!(
            "{shown}, line {line}: id `{id}` must be lower-case letters, digits and dashes (e.g. `mmt-with-pt-eval`)"
        );
    }
    let (sev, line) = &header["severity"];
    if Severity::parse(sev).is_none() {
        input_error!("{shown}, line {line}: severity `{sev}` is not one of high, medium, low");
    }
    if let Some((scope, line)) = header.get("scope") {
        if parse_scope(scope).is_none() {
            input_error!("{shown}, line {line}: scope `{scope}` is not one of claim, episode");
        }
    }
    Ok(header)
}

fn parse_scope(s: &str) -> Option<Scope> {
    match s.trim().to_ascii_lowercase().as_str() {
        "claim" => Some(Scope::Claim),
        "episode" => Some(Scope::Episode),
        _ => None,
    }
}

/// Parses the query and plans and runs it on empty tables; returns whether
/// it has an `evidence` column.
fn validate_query(shown: &str, text: &str, empty: &crate::model::AuditTables) -> Result<bool> {
    let bad = |e: PolarsError| -> anyhow::Error {
        anyhow::Error::new(crate::error::InputError(sql::error_line(shown, text, &e)))
    };
    if !text
        .lines()
        .any(|l| !l.trim().is_empty() && !l.trim().starts_with("--"))
    {
        input_error!("{shown}: no query after the header");
    }
    let read = sql::tables_read(text).map_err(bad)?;
    if sql::reads(&read, "findings") {
        let e = PolarsError::SQLInterface(
            "custom checks cannot read 'findings' (they run beside the built-in checks)".into(),
        );
        return Err(bad(e));
    }
    let mut tables = sql::model_tables(empty);
    if sql::reads(&read, "icd10cm") {
        tables.push(("icd10cm", sql::icd10cm()?.clear().lazy()));
    }
    let mut ctx = sql::context(tables);
    let df = ctx.execute(text).and_then(|lf| lf.collect()).map_err(bad)?;
    refuse_note_text_in_evidence(shown, text, empty)?;
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    if !names.iter().any(|n| n == "claim_id") {
        input_error!(
            "{shown}: the query must return a `claim_id` column (it returns: {})",
            names.join(", ")
        );
    }
    let extra: Vec<&String> = names
        .iter()
        .filter(|n| *n != "claim_id" && *n != "evidence")
        .collect();
    if !extra.is_empty() {
        input_error!(
            "{shown}: the query returns {} besides claim_id and evidence; drop it or fold it into evidence",
            extra
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(names.iter().any(|n| n == "evidence"))
}

/// Stops the load when the query's `evidence` carries note text (see
/// [`note_text`]): findings, summary and report never hold note text,
/// whoever wrote the check.
fn refuse_note_text_in_evidence(
    shown: &str,
    text: &str,
    empty: &crate::model::AuditTables,
) -> Result<()> {
    let mut tables: HashMap<String, Vec<String>> = HashMap::new();
    for (name, mut lf) in sql::model_tables(empty) {
        let schema = lf.collect_schema()?;
        tables.insert(
            name.to_string(),
            schema.iter_names().map(|n| n.to_string()).collect(),
        );
    }
    let codes = sql::icd10cm()?;
    tables.insert(
        "icd10cm".into(),
        codes
            .get_column_names()
            .iter()
            .map(|n| n.to_string())
            .collect(),
    );
    match note_text::evidence_reads_note_text(text, &tables) {
        Ok(Some(line)) => input_error!(
            "{shown}, line {line}: `evidence` would carry note text (notes.text is read here); note text must never reach findings: test the text in WHERE, or read note_facts (flags and grade tokens), and build evidence from ids, codes and fixed words"
        ),
        Ok(None) => Ok(()),
        // (Polars parsed it already; a stricter parse here is not the user's problem.)
        Err(e) => input_error!("{shown}: cannot check where `evidence` comes from ({e})"),
    }
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// The catalog entry of a validated file; its `run` executes the query.
fn into_check(shown: &str, header: &Header, text: String, has_evidence: bool) -> CheckInfo {
    let id = leak(header["id"].0.clone());
    let severity = Severity::parse(&header["severity"].0).expect("validated");
    let scope = header
        .get("scope")
        .and_then(|(s, _)| parse_scope(s))
        .unwrap_or(Scope::Claim);
    let doc = format!(
        "# {id} [{}]\n\n{}\n\nCustom check: the SQL query in `{shown}` (claims-audit runs it over the claims, claim_dx, visits, notes, note_facts and icd10cm tables).",
        severity.as_str(),
        header["description"].0
    );
    let source: String = doc.lines().map(|l| format!("//! {l}\n")).collect();
    let file = shown.to_string();
    let default_evidence = format!("returned by custom check {file}");
    // (validate_query has parsed it: the table list is known)
    let read = sql::tables_read(&text).unwrap_or_default();
    CheckInfo {
        reads_notes: sql::reads(&read, "notes"),
        reads_claims: sql::reads(&read, "claims"),
        reads_note_facts: sql::reads(&read, "note_facts"),
        needs_notes: sql::reads(&read, "notes") || sql::reads(&read, "note_facts"),
        id,
        severity,
        scope,
        rule: leak(header["rule"].0.clone()),
        source: leak(source),
        run: Box::new(move |ctx: &CheckContext| {
            let bad = |e: PolarsError| {
                PolarsError::ComputeError(sql::error_line(&file, &text, &e).into())
            };
            let read = sql::tables_read(&text).map_err(bad)?;
            let mut tables = sql::model_tables(ctx.tables);
            if sql::reads(&read, "icd10cm") {
                tables.push(("icd10cm", sql::icd10cm()?.lazy()));
            }
            let evidence = if has_evidence {
                col("evidence").cast(DataType::String).fill_null(lit(""))
            } else {
                lit(default_evidence.clone())
            };
            let query = |tables: Vec<(&'static str, LazyFrame)>| {
                // Collected here so that an error names this file.
                sql::context(tables)
                    .execute(&text)
                    .and_then(|lf| {
                        lf.select([
                            col("claim_id").cast(DataType::String),
                            evidence.clone().alias("evidence"),
                        ])
                        .filter(col("claim_id").is_not_null())
                        .collect()
                    })
                    .map_err(bad)
            };
            let df = query(tables.clone())?;
            if per_patient::enabled() && per_patient::reaches_across(&tables, query)? {
                return Err(per_patient::refuse(format!(
                    "{file}: this custom check relates rows of different patients (its findings change when the patients are audited apart), so it cannot run per group of patients (--shards, Spark partitions): audit in one pass, or make it a dashboard query over the run folder"
                )));
            }
            Ok(df.lazy())
        }),
    }
}
