//! Synthetic claims and notes exports at any size, for benchmarks and scale
//! tests (`claims-audit generate`).
//!
//! The data is built patient by patient from the scenarios of
//! [`scenarios`]: therapy episodes of 2–3 visits a week with evaluations,
//! daily notes and re-evaluations, physician follow-ups, electrodiagnostic
//! visits, R53.1 visits, and every check's true cases and near misses at
//! realistic rates, with the look-alike traps of CHECKS.md in the note text.
//!
//! Output is deterministic for a seed and streams: the work is cut into
//! chunks of at most [`CHUNK_LINES`] claim lines, each generated from its own
//! seed (so chunks run in parallel and the result does not depend on the
//! thread count) and written in order, a few chunks in memory at a time.

pub mod scenarios;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use polars::prelude::*;
use rayon::prelude::*;

pub use crate::rng::Rng;

/// Claim lines per chunk (the unit of parallel work and of memory).
pub const CHUNK_LINES: u64 = 200_000;

/// Output file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutFormat {
    Csv,
    Parquet,
}

impl OutFormat {
    pub fn ext(self) -> &'static str {
        match self {
            OutFormat::Csv => "csv",
            OutFormat::Parquet => "parquet",
        }
    }
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct GenOptions {
    /// Claim lines in total (the claims file has exactly this many rows).
    pub lines: u64,
    pub seed: u64,
    pub format: OutFormat,
    pub out: PathBuf,
    /// Share of rows written bad (see [`scenarios::Gen`]'s bad rows): what
    /// claims-audit must reject. 0 writes none.
    pub bad_rate: f64,
}

/// `generate`'s default share of bad rows: real exports always carry some.
pub const DEFAULT_BAD_RATE: f64 = 0.005;

/// Counts of what was written.
#[derive(Debug, Default, Clone, Copy)]
pub struct GenStats {
    pub lines: u64,
    pub claims: u64,
    pub notes: u64,
    pub patients: u64,
}

/// Claim lines, column by column. Dates are days since 1970-01-01.
#[derive(Default)]
pub struct ClaimCols {
    pub claim_id: Vec<String>,
    pub line_number: Vec<i32>,
    pub patient_id: Vec<String>,
    pub provider_id: Vec<String>,
    pub service_date: Vec<i32>,
    /// A bad row's date as written instead of `service_date` (not a date).
    pub date_text: Vec<Option<&'static str>>,
    pub cpt_code: Vec<&'static str>,
    pub modifiers: Vec<&'static str>,
    pub units: Vec<i32>,
    /// Cents.
    pub charge: Vec<i64>,
    /// A bad row's charge as written instead of `charge` (not an amount).
    pub charge_text: Vec<Option<&'static str>>,
    /// Cents; None when not yet adjudicated.
    pub paid: Vec<Option<i64>>,
    pub payer: Vec<&'static str>,
    pub dx_codes: Vec<String>,
    pub dx_pointers: Vec<&'static str>,
}

/// Notes, column by column.
#[derive(Default)]
pub struct NoteCols {
    pub note_id: Vec<String>,
    pub patient_id: Vec<String>,
    pub note_date: Vec<i32>,
    /// A bad row's date as written instead of `note_date` (not a date).
    pub date_text: Vec<Option<&'static str>>,
    pub note_type: Vec<&'static str>,
    pub claim_id: Vec<Option<String>>,
    pub provider_id: Vec<String>,
    pub text: Vec<String>,
}

/// One chunk's rows.
#[derive(Default)]
pub struct Chunk {
    pub claims: ClaimCols,
    pub notes: NoteCols,
    pub n_claims: u64,
    pub patients: u64,
}

/// The seed of chunk `index`: chunks are independent streams of one seed.
fn chunk_seed(seed: u64, index: u64) -> u64 {
    let mut r = Rng::new(seed ^ 0x5DEE_CE66_D1CE_4E5B);
    let base = r.next_u64();
    let mut r = Rng::new(base.wrapping_add(index.wrapping_mul(0x9E37_79B9_7F4A_7C15)));
    r.next_u64()
}

/// Generates one chunk of exactly `budget` claim lines, without bad rows.
pub fn gen_chunk(seed: u64, index: u64, budget: u64, total_lines: u64) -> Chunk {
    gen_chunk_with(seed, index, budget, total_lines, 0.0)
}

/// [`gen_chunk`] with a share `bad_rate` of bad rows.
pub fn gen_chunk_with(
    seed: u64,
    index: u64,
    budget: u64,
    total_lines: u64,
    bad_rate: f64,
) -> Chunk {
    let seed = chunk_seed(seed, index);
    let mut g = scenarios::Gen::new(seed, index, budget, total_lines, bad_rate);
    g.run();
    g.into_chunk()
}

/// Writes `DIR/claims.{ext}` and `DIR/notes.{ext}`.
pub fn generate(opts: &GenOptions) -> Result<GenStats> {
    std::fs::create_dir_all(&opts.out)
        .with_context(|| format!("{}: cannot create folder", opts.out.display()))?;
    let ext = opts.format.ext();
    let claims_path = opts.out.join(format!("claims.{ext}"));
    let notes_path = opts.out.join(format!("notes.{ext}"));
    let n_chunks = opts.lines.div_ceil(CHUNK_LINES).max(1);
    let budget = |i: u64| {
        if i + 1 < n_chunks {
            CHUNK_LINES
        } else {
            opts.lines - CHUNK_LINES * (n_chunks - 1)
        }
    };
    let mut sink = Sink::open(opts.format, &claims_path, &notes_path)?;
    let mut stats = GenStats::default();
    // A few chunks in flight at a time: memory stays flat whatever the size.
    let in_flight = (rayon::current_num_threads() as u64 * 2).max(2);
    let mut start = 0;
    while start < n_chunks {
        let end = (start + in_flight).min(n_chunks);
        let encoded: Vec<Result<Encoded>> = (start..end)
            .into_par_iter()
            .map(|i| {
                let chunk = gen_chunk_with(opts.seed, i, budget(i), opts.lines, opts.bad_rate);
                // A typed Parquet column cannot hold a bad date or amount: with bad rows they are text.
                encode(opts.format, chunk, i == 0, opts.bad_rate > 0.0)
            })
            .collect();
        for e in encoded {
            let e = e?;
            stats.lines += e.lines;
            stats.claims += e.claims;
            stats.notes += e.notes;
            stats.patients += e.patients;
            sink.write(e)?;
        }
        start = end;
    }
    sink.finish()?;
    Ok(stats)
}

/// One chunk ready to be written.
struct Encoded {
    lines: u64,
    claims: u64,
    notes: u64,
    patients: u64,
    body: Body,
}

enum Body {
    Csv { claims: Vec<u8>, notes: Vec<u8> },
    Parquet { claims: DataFrame, notes: DataFrame },
}

fn encode(format: OutFormat, chunk: Chunk, header: bool, as_text: bool) -> Result<Encoded> {
    let lines = chunk.claims.claim_id.len() as u64;
    let notes = chunk.notes.note_id.len() as u64;
    let (claims, patients) = (chunk.n_claims, chunk.patients);
    let body = match format {
        OutFormat::Csv => Body::Csv {
            claims: claims_csv(&chunk.claims, header),
            notes: notes_csv(&chunk.notes, header),
        },
        OutFormat::Parquet => Body::Parquet {
            claims: claims_frame(chunk.claims, as_text)?,
            notes: notes_frame(chunk.notes, as_text)?,
        },
    };
    Ok(Encoded {
        lines,
        claims,
        notes,
        patients,
        body,
    })
}

enum Sink {
    Csv {
        claims: BufWriter<File>,
        notes: BufWriter<File>,
    },
    Parquet {
        claims: Option<parquet::Batched>,
        notes: Option<parquet::Batched>,
        claims_file: PathBuf,
        notes_file: PathBuf,
    },
}

mod parquet {
    use super::*;
    pub type Batched = polars::io::parquet::write::BatchedWriter<BufWriter<File>>;

    pub fn open(path: &Path, schema: &Schema) -> Result<Batched> {
        let f = File::create(path).with_context(|| format!("{}: cannot create", path.display()))?;
        Ok(ParquetWriter::new(BufWriter::with_capacity(1 << 20, f))
            .with_compression(ParquetCompression::Zstd(None))
            .with_row_group_size(Some(256 * 1024))
            .batched(schema)?)
    }
}

impl Sink {
    fn open(format: OutFormat, claims: &Path, notes: &Path) -> Result<Sink> {
        let create = |p: &Path| -> Result<BufWriter<File>> {
            let f = File::create(p).with_context(|| format!("{}: cannot create", p.display()))?;
            Ok(BufWriter::with_capacity(1 << 20, f))
        };
        Ok(match format {
            OutFormat::Csv => Sink::Csv {
                claims: create(claims)?,
                notes: create(notes)?,
            },
            OutFormat::Parquet => Sink::Parquet {
                claims: None,
                notes: None,
                claims_file: claims.to_path_buf(),
                notes_file: notes.to_path_buf(),
            },
        })
    }

    fn write(&mut self, e: Encoded) -> Result<()> {
        match (self, e.body) {
            (
                Sink::Csv { claims, notes },
                Body::Csv {
                    claims: c,
                    notes: n,
                },
            ) => {
                claims.write_all(&c)?;
                notes.write_all(&n)?;
            }
            (
                Sink::Parquet {
                    claims,
                    notes,
                    claims_file,
                    notes_file,
                },
                Body::Parquet {
                    claims: c,
                    notes: n,
                },
            ) => {
                if claims.is_none() {
                    *claims = Some(parquet::open(claims_file, c.schema())?);
                    *notes = Some(parquet::open(notes_file, n.schema())?);
                }
                claims.as_mut().unwrap().write_batch(&c)?;
                notes.as_mut().unwrap().write_batch(&n)?;
            }
            _ => unreachable!("sink and body share the format"),
        }
        Ok(())
    }

    fn finish(self) -> Result<()> {
        match self {
            Sink::Csv {
                mut claims,
                mut notes,
            } => {
                claims.flush()?;
                notes.flush()?;
            }
            Sink::Parquet { claims, notes, .. } => {
                if let Some(w) = claims {
                    w.finish()?;
                }
                if let Some(w) = notes {
                    w.finish()?;
                }
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------- CSV

/// `YYYY-MM-DD` of days since 1970-01-01.
pub fn date_str(days: i32) -> String {
    let d = chrono::NaiveDate::from_num_days_from_ce_opt(days + 719_163).expect("date in range");
    use chrono::Datelike;
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

fn cents_str(out: &mut Vec<u8>, cents: i64) {
    let _ = write!(out, "{}.{:02}", cents / 100, cents % 100);
}

fn cents_text(cents: i64) -> String {
    let mut out = Vec::new();
    cents_str(&mut out, cents);
    String::from_utf8(out).expect("ASCII")
}

/// A CSV field, quoted when it holds a comma, quote or line break (RFC 4180).
fn field(out: &mut Vec<u8>, s: &str) {
    if s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        out.push(b'"');
        for b in s.bytes() {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(s.as_bytes());
    }
}

fn claims_csv(c: &ClaimCols, header: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(c.claim_id.len() * 110);
    if header {
        out.extend_from_slice(b"claim_id,line_number,patient_id,provider_id,service_date,cpt_code,modifiers,units,charge_amount,paid_amount,payer,dx_codes,dx_pointers\n");
    }
    let mut last_date = (i32::MIN, String::new());
    for i in 0..c.claim_id.len() {
        if last_date.0 != c.service_date[i] {
            last_date = (c.service_date[i], date_str(c.service_date[i]));
        }
        let _ = write!(
            out,
            "{},{},{},{},",
            c.claim_id[i], c.line_number[i], c.patient_id[i], c.provider_id[i],
        );
        field(&mut out, c.date_text[i].unwrap_or(&last_date.1));
        out.push(b',');
        field(&mut out, c.cpt_code[i]);
        out.push(b',');
        field(&mut out, c.modifiers[i]);
        let _ = write!(out, ",{},", c.units[i]);
        match c.charge_text[i] {
            Some(t) => field(&mut out, t),
            None => cents_str(&mut out, c.charge[i]),
        }
        out.push(b',');
        if let Some(p) = c.paid[i] {
            cents_str(&mut out, p);
        }
        out.push(b',');
        field(&mut out, c.payer[i]);
        out.push(b',');
        field(&mut out, &c.dx_codes[i]);
        out.push(b',');
        field(&mut out, c.dx_pointers[i]);
        out.push(b'\n');
    }
    out
}

fn notes_csv(n: &NoteCols, header: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(n.note_id.len() * 400);
    if header {
        out.extend_from_slice(
            b"note_id,patient_id,note_date,note_type,claim_id,provider_id,text\n",
        );
    }
    for i in 0..n.note_id.len() {
        let _ = write!(out, "{},{},", n.note_id[i], n.patient_id[i]);
        match n.date_text[i] {
            Some(t) => field(&mut out, t),
            None => out.extend_from_slice(date_str(n.note_date[i]).as_bytes()),
        }
        out.push(b',');
        field(&mut out, n.note_type[i]);
        out.push(b',');
        if let Some(c) = &n.claim_id[i] {
            out.extend_from_slice(c.as_bytes());
        }
        out.push(b',');
        out.extend_from_slice(n.provider_id[i].as_bytes());
        out.push(b',');
        field(&mut out, &n.text[i]);
        out.push(b'\n');
    }
    out
}

// ---------------------------------------------------------------- Parquet

/// Claims with native types (dates as Date, amounts as Float64, numbers as
/// Int32), or with `as_text` dates and amounts as text spelled as in CSV
/// (then bad rows can hold values that are no date or amount).
fn claims_frame(c: ClaimCols, as_text: bool) -> PolarsResult<DataFrame> {
    let amount = |v: Vec<Option<i64>>| -> Vec<Option<f64>> {
        v.into_iter().map(|x| x.map(|c| c as f64 / 100.0)).collect()
    };
    if as_text {
        let dates = text_dates(&c.service_date, &c.date_text);
        let charge: Vec<String> = (c.charge.iter().zip(&c.charge_text))
            .map(|(&v, t)| t.map_or_else(|| cents_text(v), str::to_string))
            .collect();
        let paid: Vec<Option<String>> = c.paid.iter().map(|p| p.map(cents_text)).collect();
        return DataFrame::new_infer_height(vec![
            Column::new("claim_id".into(), c.claim_id),
            Column::new("line_number".into(), c.line_number),
            Column::new("patient_id".into(), c.patient_id),
            Column::new("provider_id".into(), c.provider_id),
            Column::new("service_date".into(), dates),
            Column::new("cpt_code".into(), c.cpt_code),
            Column::new("modifiers".into(), c.modifiers),
            Column::new("units".into(), c.units),
            Column::new("charge_amount".into(), charge),
            Column::new("paid_amount".into(), paid),
            Column::new("payer".into(), c.payer),
            Column::new("dx_codes".into(), c.dx_codes),
            Column::new("dx_pointers".into(), c.dx_pointers),
        ]);
    }
    let charge: Vec<Option<i64>> = c.charge.into_iter().map(Some).collect();
    DataFrame::new_infer_height(vec![
        Column::new("claim_id".into(), c.claim_id),
        Column::new("line_number".into(), c.line_number),
        Column::new("patient_id".into(), c.patient_id),
        Column::new("provider_id".into(), c.provider_id),
        Column::new("service_date".into(), c.service_date).cast(&DataType::Date)?,
        Column::new("cpt_code".into(), c.cpt_code),
        Column::new("modifiers".into(), c.modifiers),
        Column::new("units".into(), c.units),
        Column::new("charge_amount".into(), amount(charge)),
        Column::new("paid_amount".into(), amount(c.paid)),
        Column::new("payer".into(), c.payer),
        Column::new("dx_codes".into(), c.dx_codes),
        Column::new("dx_pointers".into(), c.dx_pointers),
    ])
}

/// Dates as `YYYY-MM-DD` text, a bad row's text where it has one.
fn text_dates(days: &[i32], bad: &[Option<&'static str>]) -> Vec<String> {
    let mut last = (i32::MIN, String::new());
    days.iter()
        .zip(bad)
        .map(|(&d, b)| match b {
            Some(t) => t.to_string(),
            None => {
                if last.0 != d {
                    last = (d, date_str(d));
                }
                last.1.clone()
            }
        })
        .collect()
}

fn notes_frame(n: NoteCols, as_text: bool) -> PolarsResult<DataFrame> {
    let date = if as_text {
        Column::new("note_date".into(), text_dates(&n.note_date, &n.date_text))
    } else {
        Column::new("note_date".into(), n.note_date).cast(&DataType::Date)?
    };
    DataFrame::new_infer_height(vec![
        Column::new("note_id".into(), n.note_id),
        Column::new("patient_id".into(), n.patient_id),
        date,
        Column::new("note_type".into(), n.note_type),
        Column::new("claim_id".into(), n.claim_id),
        Column::new("provider_id".into(), n.provider_id),
        Column::new("text".into(), n.text),
    ])
}

#[cfg(test)]
mod tests;
