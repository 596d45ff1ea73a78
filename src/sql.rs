//! The SQL view of an audit: the named tables that `claims-audit query`,
//! custom checks (`queries/checks/*.sql`) and `claims-audit export` share,
//! with the same names and columns everywhere, so a query written against
//! one runs against the others (and in DuckDB, Spark SQL or Trino over an
//! export).
//!
//! | table        | one row per             | columns |
//! |--------------|-------------------------|---------|
//! | `claims`     | service line            | claim_id, line_number, patient_id, provider_id, service_date, cpt_code, modifiers, units, charge_cents, paid_cents, payer, dx_codes, dx_pointers, charge_amount, paid_amount |
//! | `claim_dx`   | diagnosis of a claim    | claim_id, position (1 = primary), code (normalised `M6281`), code_dotted (`M62.81`) |
//! | `visits`     | claim                   | claim_id, patient_id, provider_id, service_date, payer, amount_cents, lines, in_period, amount |
//! | `notes`      | clinical note           | note_id, patient_id, note_date, note_type, claim_id, provider_id, text |
//! | `note_facts` | clinical note           | note_id, patient_id, note_date, claim_id, note_type, provider_id, has_strength_grade, muscle_group, msk_etiology, neuro_distinction, functional_impact, treatment_plan, grades |
//! | `findings`   | finding (check, claim)  | check_id, severity, claim_id, patient_id, provider_id, service_date, payer, amount_at_risk, evidence, rule |
//! | `icd10cm`    | FY2026 code or header   | code (normalised), code_dotted, billable, description, block, chapter |
//!
//! Amounts are integer cents in the model (`*_cents`); the decimal columns
//! (`charge_amount`, `paid_amount`, `amount`) are the same values divided
//! by 100, for reading.

use std::path::Path;
use std::sync::OnceLock;

use polars::prelude::*;
use polars::sql::SQLContext;

use crate::codes::CodeSet;
use crate::config::Config;
use crate::evidence;
use crate::model::{AuditTables, Period};

/// Every table name, in the order the README documents them.
pub const TABLES: [&str; 7] = [
    "claims",
    "claim_dx",
    "visits",
    "notes",
    "note_facts",
    "findings",
    "icd10cm",
];

/// The model tables (everything but `findings` and `icd10cm`), as SQL sees them.
pub const MODEL_TABLES: [&str; 5] = ["claims", "claim_dx", "visits", "notes", "note_facts"];

/// Columns of a frame that are not internal bookkeeping (`__file`, `__row`).
fn public(df: &DataFrame) -> LazyFrame {
    let cols: Vec<Expr> = df
        .get_column_names()
        .into_iter()
        .filter(|n| !n.starts_with("__"))
        .map(|n| col(n.as_str()))
        .collect();
    df.clone().lazy().select(cols)
}

/// Cents as a decimal amount (Float64, for reading and sums in SQL).
fn amount(cents: &str) -> Expr {
    (col(cents).cast(DataType::Float64) / lit(100.0)).alias(cents.replace("_cents", "_amount"))
}

/// The five model tables of an audit, in [`MODEL_TABLES`] order.
pub fn model_tables(t: &AuditTables) -> Vec<(&'static str, LazyFrame)> {
    vec![
        (
            "claims",
            // (A run whose checks do not read claims keeps only some columns.)
            public(&t.claims).with_columns(
                ["charge_cents", "paid_cents"]
                    .into_iter()
                    .filter(|c| t.claims.schema().contains(c))
                    .map(amount)
                    .collect::<Vec<_>>(),
            ),
        ),
        (
            "claim_dx",
            public(&t.claim_dx).with_column(crate::model::dotted(col("code")).alias("code_dotted")),
        ),
        (
            "visits",
            public(&t.visits).with_column(
                (col("amount_cents").cast(DataType::Float64) / lit(100.0)).alias("amount"),
            ),
        ),
        ("notes", public(&t.notes)),
        ("note_facts", public(&t.note_facts)),
    ]
}

/// The `icd10cm` table: the embedded FY2026 code set, built once per process.
pub fn icd10cm() -> PolarsResult<DataFrame> {
    static CELL: OnceLock<DataFrame> = OnceLock::new();
    if let Some(df) = CELL.get() {
        return Ok(df.clone());
    }
    let tsv = CodeSet::embedded().table_tsv();
    let n = tsv.lines().count();
    let (mut code, mut dotted, mut billable, mut desc, mut block, mut chapter) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for line in tsv.lines().skip(1).filter(|l| !l.is_empty()) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() != 5 {
            polars_bail!(ComputeError: "embedded ICD-10-CM table: bad line {line:?}");
        }
        code.push(crate::codes::normalize_code(f[0]));
        dotted.push(f[0]);
        billable.push(f[1] == "1");
        desc.push(f[2]);
        chapter.push(f[3].parse::<i32>().unwrap_or(0));
        block.push(f[4]);
    }
    let df = df!(
        "code" => code,
        "code_dotted" => dotted,
        "billable" => billable,
        "description" => desc,
        "block" => block,
        "chapter" => chapter,
    )?;
    Ok(CELL.get_or_init(|| df).clone())
}

/// A SQL context holding `tables`.
pub fn context(tables: Vec<(&str, LazyFrame)>) -> SQLContext {
    let ctx = SQLContext::new();
    for (name, lf) in tables {
        ctx.register(name, lf);
    }
    ctx
}

/// The tables a query reads (CTE names included), or the parse error.
pub fn tables_read(query: &str) -> PolarsResult<Vec<String>> {
    Ok(polars::sql::extract_table_identifiers(query, false, true)?
        .into_iter()
        .map(|t| t.to_ascii_lowercase())
        .collect())
}

/// True when the query reads table `name`.
pub fn reads(query_tables: &[String], name: &str) -> bool {
    query_tables.iter().any(|t| t == name)
}

/// Empty model tables with the columns and types a real audit has: custom
/// checks are planned and run against them before any data is read, so a
/// wrong table or column name stops the run early.
pub fn empty_model() -> PolarsResult<AuditTables> {
    let s = |n: &str| Column::new_empty(n.into(), &DataType::String);
    let d = |n: &str| Column::new_empty(n.into(), &DataType::Date);
    let i32c = |n: &str| Column::new_empty(n.into(), &DataType::Int32);
    let i64c = |n: &str| Column::new_empty(n.into(), &DataType::Int64);
    let claims = DataFrame::new_infer_height(vec![
        s("claim_id"),
        i32c("line_number"),
        s("patient_id"),
        s("provider_id"),
        d("service_date"),
        s("cpt_code"),
        s("modifiers"),
        i32c("units"),
        i64c("charge_cents"),
        i64c("paid_cents"),
        s("payer"),
        s("dx_codes"),
        s("dx_pointers"),
    ])?;
    let notes = DataFrame::new_infer_height(vec![
        s("note_id"),
        s("patient_id"),
        d("note_date"),
        s("note_type"),
        s("claim_id"),
        s("provider_id"),
        s("text"),
    ])?;
    // The schema is enough: running the text patterns, even over no rows,
    // compiles every regex (half a second in a dev build).
    let facts_schema =
        evidence::note_facts(notes.clone().lazy(), &Config::default().evidence).collect_schema()?;
    let facts = DataFrame::empty_with_schema(&facts_schema);
    AuditTables::build(claims, notes, facts, Period::ALL)
}

/// One line naming where a query went wrong: `FILE, line N: what`.
///
/// The parser reports its own line; for other errors (an unknown table or
/// column) the line is the first one, outside comments, that holds a name
/// quoted in the message, else the query's first line of SQL.
pub fn error_line(file: &str, query: &str, err: &PolarsError) -> String {
    let raw = match err {
        PolarsError::SQLInterface(m)
        | PolarsError::SQLSyntax(m)
        | PolarsError::ColumnNotFound(m)
        | PolarsError::ComputeError(m)
        | PolarsError::InvalidOperation(m)
        | PolarsError::SchemaMismatch(m)
        | PolarsError::SchemaFieldNotFound(m) => m.to_string(),
        other => other.to_string(),
    };
    let mut what = raw
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("sql parser error: ", "");
    if let Some(rest) = what.strip_prefix("not found: ") {
        what = rest.to_string();
    }
    // Polars lists every valid column after an unknown one: keep the message short.
    for cut in ["; valid columns:", "\n\nResolved plan", " Resolved plan"] {
        if let Some(i) = what.find(cut) {
            what.truncate(i);
        }
    }
    let line = parser_line(&what)
        .or_else(|| what.ends_with("found: EOF").then(|| last_sql_line(query)))
        .or_else(|| quoted_names(&what).iter().find_map(|n| line_of(query, n)))
        .unwrap_or_else(|| first_sql_line(query));
    if let Some(i) = what.find(" at Line: ") {
        what.truncate(i);
    }
    if what.chars().count() > 300 {
        what = what.chars().take(300).collect::<String>() + "...";
    }
    format!("{file}, line {line}: {what}")
}

/// `... at Line: 3, Column: 7` in a parser message.
fn parser_line(msg: &str) -> Option<usize> {
    let i = msg.find("Line: ")?;
    let digits: String = msg[i + 6..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

/// Names quoted in a message: `relation 'foo' was not found` -> `foo`.
fn quoted_names(msg: &str) -> Vec<String> {
    let mut out = Vec::new();
    for q in ['\'', '"', '`'] {
        let parts: Vec<&str> = msg.split(q).collect();
        for (i, p) in parts.iter().enumerate() {
            if i % 2 == 1 && i + 1 < parts.len() && !p.is_empty() && p.len() < 80 {
                out.push(p.to_string());
            }
        }
    }
    out
}

/// First line (1-based), outside `--` comments, that holds `name` as a word.
fn line_of(query: &str, name: &str) -> Option<usize> {
    let name = name.to_ascii_lowercase();
    query.lines().enumerate().find_map(|(i, l)| {
        let code = l.split("--").next().unwrap_or("").to_ascii_lowercase();
        let mut start = 0;
        while let Some(j) = code[start..].find(&name) {
            let a = start + j;
            let b = a + name.len();
            let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
            if !word(code[..a].chars().last()) && !word(code[b..].chars().next()) {
                return Some(i + 1);
            }
            start = b;
        }
        None
    })
}

/// Line of the first SQL token (after comments and blank lines).
fn first_sql_line(query: &str) -> usize {
    query
        .lines()
        .position(|l| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with("--")
        })
        .map(|i| i + 1)
        .unwrap_or(1)
}

/// Line of the last SQL text (the query ended too early there).
fn last_sql_line(query: &str) -> usize {
    query
        .lines()
        .enumerate()
        .filter(|(_, l)| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with("--")
        })
        .last()
        .map(|(i, _)| i + 1)
        .unwrap_or(1)
}

/// The tables of a run or export folder: every `<table>.parquet` present.
pub fn folder_tables(dir: &Path) -> PolarsResult<Vec<(&'static str, LazyFrame)>> {
    let mut out = Vec::new();
    for name in TABLES {
        let p = dir.join(format!("{name}.parquet"));
        if p.is_file() {
            let lf = LazyFrame::scan_parquet(
                PlRefPath::new(p.to_string_lossy().to_string()),
                ScanArgsParquet::default(),
            )?;
            out.push((name, lf));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parser_errors_name_their_line() {
        let q = "-- header\nSELECT claim_id\nFORM claims\n";
        let err = tables_read(q).unwrap_err();
        let msg = error_line("x.sql", q, &err);
        assert!(msg.starts_with("x.sql, line 3: "), "{msg}");
        assert!(!msg.contains('\n'));
    }

    #[test]
    fn unknown_names_are_found_outside_comments() {
        let q = "-- nope: claimz\nSELECT a\nFROM claimz\n";
        assert_eq!(line_of(q, "claimz"), Some(3));
        assert_eq!(line_of("SELECT claims_x FROM claims", "claims"), Some(1));
        assert_eq!(line_of("SELECT claims_x\nFROM t", "claims"), None);
        assert_eq!(first_sql_line("-- a\n\n  select 1"), 3);
    }

    #[test]
    fn icd10cm_table_has_the_code_set() {
        let df = icd10cm().unwrap();
        assert!(df.height() > 90_000);
        let out = context(vec![("icd10cm", df.lazy())])
            .execute(
                "SELECT code_dotted, billable, block, chapter FROM icd10cm WHERE code = 'M6281'",
            )
            .unwrap()
            .collect()
            .unwrap();
        assert_eq!(out.height(), 1);
        assert_eq!(
            out.column("code_dotted").unwrap().str().unwrap().get(0),
            Some("M62.81")
        );
        assert_eq!(
            out.column("block").unwrap().str().unwrap().get(0),
            Some("M60-M63")
        );
        assert_eq!(
            out.column("chapter").unwrap().i32().unwrap().get(0),
            Some(13)
        );
    }

    /// Custom checks are validated against `empty_model`: its tables must
    /// have exactly the columns and types of a real audit's.
    #[test]
    fn empty_model_has_the_schema_of_a_real_audit() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data");
        let inputs = crate::audit::Inputs::load(&crate::ingest::InputFiles {
            claims: dir.join("claims.csv"),
            notes: Some(dir.join("notes.csv")),
            mapping: None,
            encoding: None,
        })
        .unwrap();
        let real = crate::audit::build_tables(&inputs, &Config::default(), Period::ALL).unwrap();
        let empty = empty_model().unwrap();
        let real = model_tables(&real);
        let empty = model_tables(&empty);
        let names: Vec<&str> = empty.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, MODEL_TABLES);
        for ((name, mut r), (_, mut e)) in real.into_iter().zip(empty) {
            assert_eq!(
                r.collect_schema().unwrap(),
                e.collect_schema().unwrap(),
                "table {name}"
            );
        }
    }
}
