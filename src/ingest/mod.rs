//! Reads the claims and notes exports (CSV, Parquet, Arrow IPC, NDJSON; a
//! file, folder or glob), applies the column mapping, validates every row
//! and splits them into usable rows and rejects (file, row, column, reason).
//!
//! File-level problems (missing file or column, unknown format, unreadable
//! or undecodable file, a column of a type that cannot mean its value) are
//! [`InputError`]s: the run stops before anything is written.

pub mod encoding;
pub mod fhir;
pub mod mapping;
pub mod parse;
mod parsed;
pub mod patient_range;
mod row_rules;
pub mod sources;
pub mod text_table;
pub mod x12;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::Result;
use polars::prelude::*;
use sha2::{Digest, Sha256};

use crate::input_error;
use crate::model::{CLAIM_COLUMNS, ColumnSpec, DX_COLUMNS, Kind, NOTE_COLUMNS};
use encoding::ByteFault;
pub use mapping::{Mapping, TableMapping};
pub use patient_range::Shard;
use sources::{Format, read_error};

/// Where the exports are and how their columns are named: what the audit
/// needs from whoever calls it (the command line, a test, a partition job).
#[derive(Debug, Clone)]
pub struct InputFiles {
    /// Claims export: a file, a folder of parts or a glob.
    pub claims: PathBuf,
    /// Clinical-notes export (same forms as `claims`); None: claims only
    /// (the checks that read notes are skipped).
    pub notes: Option<PathBuf>,
    /// TOML file renaming the exports' columns to the contract's names
    /// (or a built-in mapping's name, e.g. `cms-rif-carrier`).
    pub mapping: Option<PathBuf>,
    /// Encoding of text exports (a WHATWG label); None: UTF-8.
    pub encoding: Option<String>,
}

/// How one input's files are read: its column mapping and text settings.
#[derive(Debug, Clone, Copy)]
pub struct ReadOptions<'a> {
    pub columns: &'a TableMapping,
    /// Field separator of delimited text (None: by extension, see `Mapping`).
    pub delimiter: Option<u8>,
    pub date_format: Option<&'a str>,
    pub encoding: &'static encoding_rs::Encoding,
}

impl<'a> ReadOptions<'a> {
    /// The options of `kind`'s input under `mapping`, in `encoding`.
    pub fn of(
        kind: InputKind,
        mapping: &'a Mapping,
        encoding: &'static encoding_rs::Encoding,
    ) -> ReadOptions<'a> {
        ReadOptions {
            columns: match kind {
                InputKind::Claims => &mapping.claims,
                InputKind::Notes => &mapping.notes,
            },
            delimiter: mapping.delimiter,
            date_format: mapping.date_format.as_deref(),
            encoding,
        }
    }

    /// Plain contract columns, UTF-8, commas.
    pub fn plain(columns: &'a TableMapping) -> ReadOptions<'a> {
        ReadOptions {
            columns,
            delimiter: None,
            date_format: None,
            encoding: encoding_rs::UTF_8,
        }
    }

    fn delimiter_for(&self, file: &Path) -> u8 {
        self.delimiter.unwrap_or_else(|| {
            match file
                .extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase)
                .as_deref()
            {
                Some("psv") => b'|',
                Some("tsv") => b'\t',
                _ => b',',
            }
        })
    }
}

/// Optional columns of a partition file (see `cli::part`): the file and the
/// data row number (from 1) each row had in the original export.
pub const SOURCE_FILE_COLUMN: &str = "__source_file";
pub const SOURCE_ROW_COLUMN: &str = "__source_row";

/// Which export a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    Claims,
    Notes,
}

impl InputKind {
    pub fn name(self) -> &'static str {
        match self {
            InputKind::Claims => "claims",
            InputKind::Notes => "notes",
        }
    }
    fn columns(self) -> &'static [ColumnSpec] {
        match self {
            InputKind::Claims => CLAIM_COLUMNS,
            InputKind::Notes => NOTE_COLUMNS,
        }
    }
}

/// One input after validation.
pub struct LoadedInput {
    pub kind: InputKind,
    pub path: PathBuf,
    pub files: Vec<PathBuf>,
    pub sha256: String,
    pub rows_read: usize,
    /// Usable rows, typed as `model` documents.
    pub data: DataFrame,
    /// Rejected rows: file, row, column, reason.
    pub rejects: DataFrame,
    /// Records of another kind counted and skipped (FHIR resources by type).
    pub skipped: BTreeMap<String, u64>,
}

impl LoadedInput {
    pub fn rows_used(&self) -> usize {
        self.data.height()
    }
    pub fn rows_rejected(&self) -> usize {
        self.rejects.height()
    }
}

/// Reads, maps and validates one input.
pub fn load(kind: InputKind, path: &Path, opts: ReadOptions) -> Result<LoadedInput> {
    load_shard(kind, path, opts, None)
}

/// An input that was not given (`--notes` left out): no files, no rows, and
/// the typed columns [`load`] gives, so the model is built as usual.
pub fn absent(kind: InputKind) -> Result<LoadedInput> {
    let mut columns: Vec<Column> = kind
        .columns()
        .iter()
        .map(|c| Column::new_empty(c.name.into(), &DataType::String))
        .collect();
    columns.push(Column::new_empty("__file".into(), &DataType::String));
    columns.push(Column::new_empty("__row".into(), &IDX_DTYPE));
    let raw = DataFrame::new_infer_height(columns)?;
    let (data, rejects) = validate(kind, raw)?;
    Ok(LoadedInput {
        kind,
        path: PathBuf::new(),
        files: Vec::new(),
        sha256: String::new(),
        rows_read: 0,
        data: data.drop_many(["__file", "__row"]),
        rejects,
        skipped: BTreeMap::new(),
    })
}

/// [`load`] of the rows of one shard's patients only (row numbers stay
/// those of the file). The input's hash and byte checks are made by the
/// first shard; later shards leave `sha256` empty.
pub fn load_shard(
    kind: InputKind,
    path: &Path,
    opts: ReadOptions,
    shard: Option<&Shard>,
) -> Result<LoadedInput> {
    let (files, format) = sources::resolve(path)?;
    let hash = shard.is_none_or(|s| s.index == 0);
    // A plain file (Parquet, IPC, or UTF-8 text without a fault) is read by
    // Polars as it is. Whether a text file has a fault is learnt while it is
    // hashed (every byte is read once, checked for NUL bytes and invalid
    // UTF-8; later shards check without hashing), so the plain reads start
    // at once, beside the hashing thread: a file found faulty is read again
    // through `encoding::clean`, its first read (or its error) discarded.
    let plain = |file: &PathBuf| {
        let source = Source {
            read: file,
            shown: file,
            format,
            faults: &[],
        };
        crate::timing::stage("  read", || read_raw(kind, source, opts, shard))
    };
    let maybe_plain = !matches!(format, Format::X12 | Format::Fhir)
        && (!format.is_text() || opts.encoding == encoding_rs::UTF_8);
    let (hashed, first_reads) = std::thread::scope(|scope| {
        let hashing = scope.spawn(|| sha256_files(&files, format, hash));
        let reads: Vec<Option<Result<DataFrame>>> = files
            .iter()
            .map(|file| maybe_plain.then(|| plain(file)))
            .collect();
        (hashing.join().expect("hashing thread"), reads)
    });
    let (sha256, faulty) = hashed?;
    let mut parts = Vec::with_capacity(files.len());
    let mut skipped = BTreeMap::new();
    for ((file, faulty), first) in files.iter().zip(faulty).zip(first_reads) {
        parts.push(match (format, first) {
            (Format::X12 | Format::Fhir, _) => crate::timing::stage("  read", || {
                let table = parsed::read(kind, file, format)?;
                for (k, n) in &table.skipped {
                    *skipped.entry(k.clone()).or_insert(0) += n;
                }
                parsed::frame(kind, file, table, shard)
            })?,
            (_, Some(read)) if !faulty => read?,
            _ => crate::timing::stage("  read", || {
                let layout = match format {
                    Format::Csv => encoding::Layout::Csv {
                        delimiter: opts.delimiter_for(file),
                    },
                    _ => encoding::Layout::Lines,
                };
                let cleaned = encoding::clean(file, opts.encoding, layout)?;
                let source = Source {
                    read: cleaned.file.path(),
                    shown: file,
                    format,
                    faults: &cleaned.faults,
                };
                read_raw(kind, source, opts, shard)
            })?,
        });
    }
    // Rows rejected before parsing are marked in some parts only.
    if parts.iter().any(|p| p.schema().contains("__fault")) {
        for part in parts.iter_mut() {
            if !part.schema().contains("__fault") {
                for name in ["__fault", "__fault_column"] {
                    part.with_column(Column::full_null(
                        name.into(),
                        part.height(),
                        &DataType::String,
                    ))?;
                }
            }
        }
    }
    // Parts that disagree on a column's type are read as text throughout.
    if parts.iter().any(|p| p.schema() != parts[0].schema()) {
        for part in parts.iter_mut() {
            let names: Vec<PlSmallStr> = part
                .schema()
                .iter()
                .filter(|(_, dt)| !matches!(dt, DataType::String))
                .map(|(n, _)| n.clone())
                .collect();
            for n in names {
                if n.as_str() == "__row" {
                    continue;
                }
                let c = part.column(n.as_str())?.cast(&DataType::String)?;
                part.with_column(c)?;
            }
        }
    }
    let mut raw = parts.remove(0);
    for part in parts {
        raw.vstack_mut_owned(part)?;
    }
    let rows_read = raw.height();
    let (data, rejects) = crate::timing::stage("  validate", || validate(kind, raw))?;
    // Where each row came from matters only for rejects, which are made now.
    let data = data.drop_many(["__file", "__row"]);
    Ok(LoadedInput {
        kind,
        path: path.to_path_buf(),
        sha256,
        files,
        rows_read,
        data,
        rejects,
        skipped,
    })
}

/// One file to read: the file read (a clean UTF-8 copy, or the file
/// itself), the file named in rejects and messages, and the rows that held
/// bad bytes (see `encoding`).
struct Source<'a> {
    read: &'a Path,
    shown: &'a Path,
    format: Format,
    faults: &'a [ByteFault],
}

/// One file's contract columns as text, with `__file` and `__row` (data rows from 1).
fn read_raw(
    kind: InputKind,
    source: Source,
    opts: ReadOptions,
    shard: Option<&Shard>,
) -> Result<DataFrame> {
    let (file, format, mapping) = (source.shown, source.format, opts.columns);
    let shown = file.display().to_string();
    // The row index goes into the scan itself (before the schema is asked
    // for, which would freeze the plan): a shard's row filter is then
    // pushed into the reader instead of reading every row first.
    let mut lf = match sources::scan_delimited(source.read, format, opts.delimiter_for(file)) {
        Ok(lf) => lf,
        // The copy's name means nothing to the user: name the file.
        Err(_) if source.read != file => input_error!("{shown}: cannot read file"),
        Err(e) => return Err(e),
    }
    .with_row_index("__row", Some(1));
    let mut schema = match lf.collect_schema() {
        Ok(s) => s,
        Err(e) => input_error!("{}", read_error(file, format, &e)),
    };
    let schema = {
        let s = std::sync::Arc::make_mut(&mut schema);
        s.shift_remove("__row");
        s.clone()
    };
    if schema.is_empty() {
        input_error!("{shown}: file is empty (expected a header line naming the columns)");
    }
    // A UTF-8 byte-order mark sticks to the first header name in some readers.
    let names: Vec<(String, String)> = schema
        .iter_names()
        .map(|n| (n.to_string(), n.trim_start_matches('\u{feff}').to_string()))
        .collect();
    if format == Format::Csv && names.len() == 1 {
        for (sep, what) in [(';', "';'"), ('\t', "tabs"), ('|', "'|'")] {
            if names[0].1.contains(sep) {
                input_error!(
                    "{shown}: the header has one column; the file seems delimited by {what}, expected ','"
                );
            }
        }
    }
    for (_, clean) in &names {
        if let Some(base) = clean.strip_suffix("_duplicated_0") {
            input_error!("{shown}: column \"{base}\" appears more than once in the header");
        }
    }
    let find = |wanted: &str| {
        names
            .iter()
            .find(|(_, clean)| clean == wanted)
            .map(|(orig, _)| orig.clone())
    };
    for (target, source) in mapping.sources() {
        let is_ours = kind.columns().iter().any(|c| c.name == target)
            || (kind == InputKind::Claims && DX_COLUMNS.contains(&target));
        if is_ours && find(source).is_none() {
            input_error!(
                "{shown}: the mapping names column \"{source}\" for {target}, but the file has no such column"
            );
        }
    }
    let known = |name: &str| {
        kind.columns().iter().any(|c| c.name == name)
            || DX_COLUMNS.contains(&name)
            || mapping.sources().any(|(_, source)| source == name)
    };
    // Names are listed only when the first line is a header: a file without
    // one would have its first data row (a note's text) echoed in a log.
    let found = if names.iter().filter(|(_, c)| known(c)).count() >= 2 {
        let list: Vec<String> = names
            .iter()
            .map(|(_, c)| c.chars().take(40).collect())
            .collect();
        format!("; found: {}", list.join(", "))
    } else {
        "; the first line names none of the expected columns (no header line? or columns named otherwise: see --mapping)".to_string()
    };
    let mut exprs = Vec::new();
    // Native dates are written as text after reading, once per distinct day.
    let mut native_dates: Vec<(&str, DataType)> = Vec::new();
    for spec in kind.columns() {
        let source = mapping.source_name(spec.name);
        if let Some(list) = mapping.joined.get(spec.name) {
            let parts = list
                .iter()
                .map(|s| find(s).expect("checked above"))
                .collect();
            exprs.push(
                joined_columns(&shown, parts, &schema, spec.name == "dx_codes")?.alias(spec.name),
            );
            continue;
        }
        let expr = match find(source) {
            Some(orig)
                if matches!(spec.kind, Kind::Date | Kind::Text)
                    && matches!(
                        schema.get(&orig),
                        Some(DataType::Date | DataType::Datetime(_, _))
                    ) =>
            {
                native_dates.push((spec.name, schema.get(&orig).unwrap().clone()));
                col(orig.as_str())
            }
            Some(orig) => {
                let dtype = schema.get(&orig).unwrap();
                let text = text_column(&shown, &orig, dtype, spec)?;
                match opts.date_format {
                    Some(f) if spec.kind == Kind::Date && dtype == &DataType::String => {
                        parse::reformat_date(text, f)
                    }
                    _ => text,
                }
            }
            None if spec.name == "dx_codes" => {
                let parts: Vec<String> = DX_COLUMNS
                    .iter()
                    .filter_map(|dx| find(mapping.source_name(dx)))
                    .collect();
                if parts.is_empty() {
                    input_error!("{shown}: missing required column \"dx_codes\" (or dx1..dx12)");
                }
                joined_columns(&shown, parts, &schema, false)?
            }
            None if spec.required => {
                let via = if source != spec.name {
                    format!(" (mapped from \"{source}\")")
                } else {
                    String::new()
                };
                input_error!(
                    "{shown}: missing required column \"{}\"{via}{found}",
                    spec.name
                );
            }
            None => lit(LiteralValue::untyped_null()).cast(DataType::String),
        };
        exprs.push(expr.alias(spec.name));
    }
    // A partition of a larger input (`claims-audit part`) names each row's
    // original file and row, so its rejects read as one pass's would.
    match (find(SOURCE_FILE_COLUMN), find(SOURCE_ROW_COLUMN)) {
        (Some(file_col), Some(row_col)) => {
            exprs.push(
                col(file_col.as_str())
                    .cast(DataType::String)
                    .alias("__file"),
            );
            exprs.push(col(row_col.as_str()).cast(IDX_DTYPE).alias("__row"));
        }
        _ => {
            exprs.push(lit(shown.clone()).alias("__file"));
            exprs.push(col("__row"));
        }
    }
    if format == Format::Csv {
        // Blank lines and rows of empty cells (",,,,") are not records:
        // skipped, not counted as read; row numbers still count them.
        let all_empty = all_horizontal(
            names
                .iter()
                .map(|(orig, _)| col(orig.as_str()).is_null())
                .collect::<Vec<_>>(),
        )?;
        lf = lf.filter(all_empty.not());
    }
    if let (Some(shard), Some(patient)) = (shard, find(mapping.source_name("patient_id"))) {
        lf = lf.filter(shard.keeps(patient_range::patient_text(col(patient.as_str()))));
    }
    let mut df = match lf.select(exprs).collect() {
        Ok(df) => df,
        Err(e) => input_error!(
            "{}",
            sources::read_error_delimited(file, format, opts.delimiter_for(file), &e)
        ),
    };
    for (name, dtype) in native_dates {
        let text = dates_as_text(df.column(name)?, &dtype)?;
        df.with_column(text.with_name(name.into()))?;
    }
    if !source.faults.is_empty() {
        mark_byte_faults(&mut df, source.faults, mapping)?;
    }
    Ok(df)
}

/// Adds `__fault` / `__fault_column` naming the rows that held bad bytes
/// (the column as the contract names it, when the mapping says which).
fn mark_byte_faults(
    df: &mut DataFrame,
    faults: &[ByteFault],
    mapping: &TableMapping,
) -> PolarsResult<()> {
    let by_row: std::collections::HashMap<u64, &ByteFault> =
        faults.iter().map(|f| (f.row, f)).collect();
    let rows = df.column("__row")?.cast(&DataType::UInt64)?;
    let (mut reason, mut column) = (Vec::new(), Vec::new());
    for row in rows.u64()?.iter() {
        let fault = row.and_then(|r| by_row.get(&r));
        reason.push(fault.map(|f| f.reason.clone()));
        column.push(fault.map(|f| {
            mapping
                .sources()
                .find(|(_, source)| *source == f.column)
                .map(|(target, _)| target.to_string())
                .unwrap_or_else(|| f.column.clone())
        }));
    }
    df.with_column(Column::new("__fault".into(), reason))?;
    df.with_column(Column::new("__fault_column".into(), column))?;
    Ok(())
}

/// A native Date or Datetime column as [`date_text`] writes it, computed
/// once per distinct value (a column holds few distinct days) and spread
/// back to every row: formatting every row's date was most of a Parquet read.
fn dates_as_text(c: &Column, dtype: &DataType) -> PolarsResult<Column> {
    let phys = c.to_physical_repr().cast(&DataType::Int64)?;
    let (distinct, rows) = parse::distinct_rows(phys.i64()?.iter(), None).expect("no limit");
    let values = Series::new("v".into(), distinct);
    let values = match dtype {
        DataType::Date => values.cast(&DataType::Int32)?.cast(dtype)?,
        _ => values.cast(dtype)?,
    };
    let text = DataFrame::new_infer_height(vec![values.into_column()])?
        .lazy()
        .select([date_text(col("v"), dtype).alias("v")])
        .collect()?;
    text.column("v")?.take(&rows)
}

/// Several source columns as one `;`-separated list (`dx1`..`dx12`, or a
/// mapping's list): empty cells skipped; with `dedupe`, a cell repeating an
/// earlier one (the RIF repeats the principal diagnosis) is dropped.
fn joined_columns(
    shown: &str,
    sources: Vec<String>,
    schema: &Schema,
    dedupe: bool,
) -> Result<Expr> {
    let null = || lit(LiteralValue::untyped_null()).cast(DataType::String);
    // Each cell is read as text (a native number or date written out).
    let spec = ColumnSpec {
        name: "dx_codes",
        kind: Kind::Text,
        required: false,
    };
    let mut parts: Vec<Expr> = Vec::new();
    for orig in &sources {
        let text = text_column(shown, orig, schema.get(orig).unwrap(), &spec)?;
        let t = text.str().strip_chars(lit(LiteralValue::untyped_null()));
        let mut part = when(t.clone().eq(lit("")))
            .then(null())
            .otherwise(t.clone());
        if dedupe {
            for earlier in &parts {
                part = when(
                    earlier
                        .clone()
                        .str()
                        .to_uppercase()
                        .eq(t.clone().str().to_uppercase())
                        .fill_null(lit(false)),
                )
                .then(null())
                .otherwise(part);
            }
        }
        parts.push(part);
    }
    let joined = concat_str(parts, ";", true);
    Ok(when(joined.clone().eq(lit("")))
        .then(null())
        .otherwise(joined))
}

/// A source column as text, parsed later exactly as CSV text is. Native
/// types that can mean the value are written out; others are a file error.
fn text_column(shown: &str, name: &str, dtype: &DataType, spec: &ColumnSpec) -> Result<Expr> {
    let c = col(name);
    // Native types that mean the value as it is are kept (no text round trip):
    // whole numbers for line numbers and units, numbers for amounts. Dates
    // go through their text (date_text below), which also rejects native
    // dates beyond the calendar; text dates are parsed once per distinct value.
    let keep = match (spec.kind, dtype) {
        (Kind::LineNumber | Kind::Units, dt) => dt.is_integer(),
        (Kind::Amount, dt) => dt.is_primitive_numeric() || dt.is_decimal(),
        _ => false,
    };
    if keep {
        return Ok(c);
    }
    let ok_native = match dtype {
        DataType::String | DataType::Null => return Ok(c.cast(DataType::String)),
        DataType::Date if matches!(spec.kind, Kind::Date | Kind::Text) => {
            return Ok(date_text(c, dtype));
        }
        DataType::Datetime(_, _) if matches!(spec.kind, Kind::Date | Kind::Text) => {
            return Ok(date_text(c, dtype));
        }
        dt if dt.is_integer() => !matches!(spec.kind, Kind::Date | Kind::LongText),
        dt if dt.is_float() || dt.is_decimal() => matches!(
            spec.kind,
            Kind::Amount | Kind::Text | Kind::LineNumber | Kind::Units
        ),
        _ => false,
    };
    if !ok_native {
        input_error!(
            "{shown}: column \"{name}\" has type {dtype}, which cannot hold {} values",
            kind_word(spec.kind)
        );
    }
    Ok(c.cast(DataType::String))
}

/// A native Date or Datetime written as `YYYY-MM-DD`. Values outside years
/// 1..9999 (which Polars cannot even print: it panics) become a text that
/// fails the date rule, so the row is rejected like any impossible date.
fn date_text(c: Expr, dtype: &DataType) -> Expr {
    let (lo, hi) = (
        parse::day_number(1, 1, 1) as i64,
        parse::day_number(9999, 12, 31) as i64,
    );
    let per_day: i64 = match dtype {
        DataType::Datetime(TimeUnit::Nanoseconds, _) => 86_400_000_000_000,
        DataType::Datetime(TimeUnit::Microseconds, _) => 86_400_000_000,
        DataType::Datetime(TimeUnit::Milliseconds, _) => 86_400_000,
        _ => 1,
    };
    let phys = c.clone().to_physical().cast(DataType::Int64);
    let ok = phys
        .clone()
        .gt_eq(lit(lo.saturating_mul(per_day)))
        .and(phys.lt_eq(lit(hi.saturating_mul(per_day))));
    let safe = when(ok.clone())
        .then(c.clone())
        .otherwise(lit(LiteralValue::untyped_null()).cast(dtype.clone()))
        .cast(DataType::Date)
        .cast(DataType::String);
    when(c.is_null())
        .then(lit(LiteralValue::untyped_null()).cast(DataType::String))
        .when(ok)
        .then(safe)
        .otherwise(lit("beyond the calendar"))
}

fn kind_word(kind: Kind) -> &'static str {
    match kind {
        Kind::Text | Kind::LongText => "text",
        Kind::Date => "date",
        Kind::LineNumber | Kind::Units => "whole-number",
        Kind::Amount => "amount",
        Kind::Cpt => "CPT code",
        Kind::DxList => "diagnosis code",
    }
}

/// Splits raw rows into typed usable rows and rejects.
fn validate(kind: InputKind, raw: DataFrame) -> Result<(DataFrame, DataFrame)> {
    let show_values = kind == InputKind::Claims;
    let mut raw = raw;
    let schema = raw.schema().clone();
    // Cheap facts about the text columns that let parsing skip work: columns
    // with nothing to trim, and diagnosis lists normalised once per distinct value.
    let mut clean = std::collections::HashSet::new();
    let mut pre = std::collections::HashSet::new();
    for spec in kind.columns() {
        if schema.get(spec.name) != Some(&DataType::String) {
            continue;
        }
        if spec.kind == Kind::DxList {
            parse::precompute_dx(&mut raw, spec.name)?;
            pre.insert(spec.name);
        } else if spec.kind == Kind::Text && parse::is_clean(raw.column(spec.name)?.str()?) {
            clean.insert(spec.name);
        }
    }
    let mut parsed: Vec<_> = kind
        .columns()
        .iter()
        .map(|spec| match schema.get(spec.name) {
            Some(dt) => parse::parse_column_fast(
                spec,
                dt,
                clean.contains(spec.name),
                pre.contains(spec.name),
                show_values,
            ),
            None => parse::parse_column_with(spec, show_values),
        })
        .collect();
    // Dates, numbers, amounts and CPT codes as text repeat a lot: their parse
    // (row by row, on that column alone) runs once per distinct value.
    // (One column per thread: each is a pass over every row.)
    let distinct: Vec<(usize, Option<(Column, Column)>)> = {
        use rayon::prelude::*;
        kind.columns()
            .iter()
            .enumerate()
            .filter(|(_, spec)| {
                matches!(
                    spec.kind,
                    Kind::Date | Kind::LineNumber | Kind::Units | Kind::Amount | Kind::Cpt
                ) && schema.get(spec.name) == Some(&DataType::String)
            })
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|(i, spec)| Ok((i, per_distinct(&raw, spec.name, &parsed[i])?)))
            .collect::<PolarsResult<_>>()?
    };
    for (i, result) in distinct {
        let (spec, p) = (&kind.columns()[i], &mut parsed[i]);
        if let Some((value, bad)) = result {
            raw.with_column(value.with_name(parse::pre_value(spec.name).into()))?;
            raw.with_column(bad.with_name(parse::pre_bad(spec.name).into()))?;
            p.value = col(parse::pre_value(spec.name));
            p.bad = col(parse::pre_bad(spec.name));
        }
    }
    let checked = crate::timing::stage("    parse", || parse_in_groups(kind, raw, &parsed))?;
    let checked = crate::timing::stage("    row rules", || match kind {
        InputKind::Claims => row_rules::claims(checked),
        InputKind::Notes => row_rules::notes(checked),
    })?;
    let bad = checked.column("__reason")?.is_not_null();
    if !bad.any() {
        // The usual case: no copy of the whole input to drop nothing.
        let data = checked.drop_many(["__column", "__reason"]);
        return Ok((data, empty_rejects()));
    }
    // Only the columns each side needs are filtered (the rejects' four, the
    // data's all but two): filtering is a copy of every column it touches.
    let rejects = checked
        .select(["__file", "__row", "__column", "__reason"])?
        .filter(&bad)?
        .lazy()
        .select([
            col("__file").alias("file"),
            col("__row").cast(DataType::Int64).alias("row"),
            col("__column").alias("column"),
            col("__reason").alias("reason"),
        ])
        .collect()?;
    let data = checked.drop_many(["__column", "__reason"]).filter(&!&bad)?;
    Ok((data, rejects))
}

/// Evaluates every column's parse over `raw`, a few columns at a time (one
/// per thread), dropping each raw column once parsed: holding all raw and
/// all parsed columns at once was the peak memory of a whole run. Returns
/// the parsed columns with `__file`, `__row`, and `__column`/`__reason`
/// naming each bad row's first bad column in contract order.
fn parse_in_groups(
    kind: InputKind,
    mut raw: DataFrame,
    parsed: &[parse::Parsed],
) -> PolarsResult<DataFrame> {
    let specs = kind.columns();
    let height = raw.height();
    let mut out: Vec<Column> = Vec::with_capacity(specs.len() + 4);
    let mut bad_so_far = BooleanChunked::full("".into(), false, height);
    // (row, column, reason) of every bad row, found group by group.
    let mut why: Vec<(IdxSize, String, String)> = Vec::new();
    // Rows rejected before parsing (bad bytes, records a format parser
    // could not read) come first: their values mean nothing.
    if let (Ok(reason), Ok(column)) = (raw.column("__fault"), raw.column("__fault_column")) {
        let (reason, column) = (reason.str()?.clone(), column.str()?.clone());
        for (row, (r, c)) in reason.iter().zip(column.iter()).enumerate() {
            if let Some(r) = r {
                why.push((row as IdxSize, c.unwrap_or("").to_string(), r.to_string()));
            }
        }
        bad_so_far = reason.is_not_null();
        raw.drop_in_place("__fault")?;
        raw.drop_in_place("__fault_column")?;
    }
    let group = rayon::current_num_threads().max(2);
    let indices: Vec<usize> = (0..specs.len()).collect();
    for chunk in indices.chunks(group) {
        let mut exprs: Vec<Expr> = chunk
            .iter()
            .map(|&i| parsed[i].value.clone().alias(parsed[i].output.as_str()))
            .collect();
        let any_bad = chunk
            .iter()
            .map(|&i| parsed[i].bad.clone())
            .reduce(|a, b| a.or(b))
            .unwrap_or(lit(false));
        exprs.push(any_bad.fill_null(lit(false)).alias("__bad"));
        let mut values = raw.clone().lazy().select(exprs).collect()?;
        let bad = values.column("__bad")?.bool()?.clone();
        let new_bad = &bad & &!&bad_so_far;
        if new_bad.any() {
            // Which column and why, for the rows this group rejects first:
            // built back to front so that the first bad column in contract order wins.
            let mut column = lit(LiteralValue::untyped_null()).cast(DataType::String);
            let mut reason = lit(LiteralValue::untyped_null()).cast(DataType::String);
            for &i in chunk.iter().rev() {
                column = when(parsed[i].bad.clone())
                    .then(lit(specs[i].name))
                    .otherwise(column);
                reason = when(parsed[i].bad.clone())
                    .then(parsed[i].reason.clone())
                    .otherwise(reason);
            }
            let rows: Vec<IdxSize> = new_bad
                .iter()
                .enumerate()
                .filter(|(_, b)| *b == Some(true))
                .map(|(r, _)| r as IdxSize)
                .collect();
            let found = raw
                .filter(&new_bad)?
                .lazy()
                .select([column.alias("c"), reason.alias("r")])
                .collect()?;
            let (c, r) = (found.column("c")?.str()?, found.column("r")?.str()?);
            for (k, row) in rows.into_iter().enumerate() {
                let text = |ca: &StringChunked| ca.get(k).unwrap_or_default().to_string();
                why.push((row, text(c), text(r)));
            }
            bad_so_far = &bad_so_far | &bad;
        }
        values.drop_in_place("__bad")?;
        // One chunk per column: a column passed through as read (CSV: one
        // chunk per block of the file) would keep the reader's buffers of
        // every column of the block alive.
        values.rechunk_mut_par();
        out.extend(values.columns().iter().cloned());
        for &i in chunk {
            let name = specs[i].name;
            for used in [
                name.to_string(),
                parse::pre_value(name),
                parse::pre_bad(name),
            ] {
                if raw.schema().contains(&used) {
                    raw.drop_in_place(&used)?;
                }
            }
        }
    }
    out.push(raw.column("__file")?.clone());
    out.push(raw.column("__row")?.clone());
    drop(raw);
    why.sort_by_key(|(row, _, _)| *row);
    let mut next = why.iter().peekable();
    let (mut column, mut reason): (Vec<Option<&str>>, Vec<Option<&str>>) =
        (Vec::with_capacity(height), Vec::with_capacity(height));
    if why.is_empty() {
        out.push(Column::full_null(
            "__column".into(),
            height,
            &DataType::String,
        ));
        out.push(Column::full_null(
            "__reason".into(),
            height,
            &DataType::String,
        ));
    } else {
        for row in 0..height as IdxSize {
            match next.next_if(|(r, _, _)| *r == row) {
                Some((_, c, r)) => {
                    column.push(Some(c));
                    reason.push(Some(r));
                }
                None => {
                    column.push(None);
                    reason.push(None);
                }
            }
        }
        out.push(Column::new("__column".into(), column));
        out.push(Column::new("__reason".into(), reason));
    }
    DataFrame::new(height, out)
}

/// A rejects frame (file, row, column, reason) with no rows.
fn empty_rejects() -> DataFrame {
    DataFrame::new_infer_height(vec![
        Column::new_empty("file".into(), &DataType::String),
        Column::new_empty("row".into(), &DataType::Int64),
        Column::new_empty("column".into(), &DataType::String),
        Column::new_empty("reason".into(), &DataType::String),
    ])
    .expect("four empty columns")
}

/// The value and bad flag of `p` (expressions over column `name` alone),
/// evaluated on the column's distinct values and spread back to every row.
/// None when the values are mostly distinct (nothing to gain).
fn per_distinct(
    raw: &DataFrame,
    name: &str,
    p: &parse::Parsed,
) -> PolarsResult<Option<(Column, Column)>> {
    let ca = raw.column(name)?.str()?.clone();
    // Mostly distinct values: nothing to gain.
    let Some((distinct, rows)) = parse::distinct_rows(ca.iter(), Some(ca.len().max(1000) / 4))
    else {
        return Ok(None);
    };
    let small = DataFrame::new_infer_height(vec![Column::new(name.into(), distinct)])?;
    let eval = small
        .lazy()
        .select([p.value.clone().alias("v"), p.bad.clone().alias("b")])
        .collect()?;
    Ok(Some((
        eval.column("v")?.take(&rows)?,
        eval.column("b")?.take(&rows)?,
    )))
}

/// The files of an input (as `run` names them in rejects) and the SHA-256
/// of their bytes, as summary.json records it: for `merge`, whose parts
/// were read elsewhere.
pub fn files_and_hash(path: &Path) -> Result<(Vec<PathBuf>, String)> {
    let (files, format) = sources::resolve(path)?;
    let (sha256, _) = sha256_files(&files, format, true)?;
    Ok((files, sha256))
}

/// SHA-256 over the bytes of every file of the input, in read order (when
/// `hash`; else ""), and for each file whether it is a text file that is
/// not plain UTF-8: a NUL byte, bytes that are not UTF-8, or a UTF-16
/// byte-order mark. Such files are read through `encoding::clean`.
fn sha256_files(files: &[PathBuf], format: Format, hash: bool) -> Result<(String, Vec<bool>)> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let text = format.is_text();
    let mut faulty = Vec::with_capacity(files.len());
    for file in files {
        if !hash && !text {
            faulty.push(false);
            continue;
        }
        let mut f = match std::fs::File::open(file) {
            Ok(f) => f,
            Err(e) => input_error!("{}: cannot open file ({})", file.display(), e.kind()),
        };
        let mut check = sources::TextCheck::default();
        loop {
            let n = match f.read(&mut buf) {
                Ok(n) => n,
                Err(e) => input_error!("{}: cannot read file ({})", file.display(), e.kind()),
            };
            if n == 0 {
                break;
            }
            if hash {
                hasher.update(&buf[..n]);
            }
            if text {
                check.update(&buf[..n]);
            }
        }
        check.finish();
        faulty.push(text && check.fault.is_some());
    }
    let sha256 = if hash {
        format!("{:x}", hasher.finalize())
    } else {
        String::new()
    };
    Ok((sha256, faulty))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_parsers_fill_the_contract_columns() {
        let names = |specs: &[ColumnSpec]| specs.iter().map(|c| c.name).collect::<Vec<_>>();
        assert_eq!(text_table::CLAIM_COLUMNS.to_vec(), names(CLAIM_COLUMNS));
        assert_eq!(text_table::NOTE_COLUMNS.to_vec(), names(NOTE_COLUMNS));
    }
}
