//! Finds the files behind an input path (a file, a folder of parts or a
//! glob) and scans each one lazily with its format's Polars reader.

use std::path::{Path, PathBuf};

use anyhow::Result;
use polars::prelude::*;

use crate::input_error;

/// The file formats CONTRACT.md accepts: by extension, or for `.ndjson`,
/// `.json` and no extension by content (X12 starts with `ISA`; Bulk FHIR
/// records carry `"resourceType"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Parquet,
    Ipc,
    NdJson,
    /// X12 837P 5010 (see `x12`).
    X12,
    /// Bulk FHIR R4 NDJSON (see `fhir`).
    Fhir,
}

impl Format {
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase());
        match ext.as_deref() {
            Some("csv" | "psv" | "tsv") => Some(Format::Csv),
            Some("parquet" | "pq") => Some(Format::Parquet),
            Some("arrow" | "ipc" | "feather") => Some(Format::Ipc),
            Some("837" | "x12" | "edi") => Some(Format::X12),
            Some("ndjson" | "jsonl") => Some(sniff(path).unwrap_or(Format::NdJson)),
            Some("json") | None => sniff(path),
            _ => None,
        }
    }

    /// Text formats: checked for their encoding, NUL bytes and invalid bytes.
    pub fn is_text(self) -> bool {
        matches!(self, Format::Csv | Format::NdJson)
    }
}

/// X12 or Bulk FHIR, told by the first bytes of the file.
fn sniff(path: &Path) -> Option<Format> {
    use std::io::Read;
    let mut head = vec![0u8; 4096];
    let n = std::fs::File::open(path).ok()?.read(&mut head).ok()?;
    let head = &head[..n];
    if super::x12::looks_like_x12(head) {
        Some(Format::X12)
    } else if super::fhir::looks_like_fhir(head) {
        Some(Format::Fhir)
    } else {
        None
    }
}

const EXPECTED: &str = "expected .csv, .parquet, .arrow/.ipc/.feather, .ndjson/.jsonl, X12 837 (.837/.x12/.edi) or Bulk FHIR NDJSON";

/// The files of one input, sorted by path so reads are deterministic.
pub fn resolve(path: &Path) -> Result<(Vec<PathBuf>, Format)> {
    let text = path.to_string_lossy();
    let files: Vec<PathBuf> = if text.contains(['*', '?', '[']) {
        let paths = match glob::glob(&text) {
            Ok(paths) => paths,
            Err(e) => input_error!("{text}: not a valid glob pattern ({})", e.msg),
        };
        let mut files: Vec<PathBuf> = paths
            .filter_map(|p| p.ok())
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        if files.is_empty() {
            input_error!("{text}: no file matches this pattern");
        }
        files
    } else if path.is_dir() {
        let mut files = Vec::new();
        collect_dir(path, &mut files)?;
        files.sort();
        if files.is_empty() {
            input_error!(
                "{}: folder holds no input file ({EXPECTED})",
                path.display()
            );
        }
        files
    } else if path.exists() {
        vec![path.to_path_buf()]
    } else {
        input_error!("{}: no such file or folder", path.display());
    };
    let format = match Format::from_path(&files[0]) {
        Some(f) => f,
        None => input_error!("{}: unknown file format ({EXPECTED})", files[0].display()),
    };
    for f in &files {
        if Format::from_path(f) != Some(format) {
            input_error!(
                "{}: parts of one input must share one format, and {} does not",
                path.display(),
                f.display()
            );
        }
        if let Err(e) = std::fs::File::open(f) {
            input_error!("{}: cannot open file ({})", f.display(), e.kind());
        }
    }
    Ok((files, format))
}

/// Recursively lists files with a known extension (hive-partitioned folders included).
fn collect_dir(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => input_error!("{}: cannot read folder ({})", dir.display(), e.kind()),
    };
    for entry in entries.flatten() {
        let p = entry.path();
        let hidden = p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.') || n.starts_with('_'));
        if hidden {
            continue;
        }
        if p.is_dir() {
            collect_dir(&p, out)?;
        } else if Format::from_path(&p).is_some() {
            out.push(p);
        }
    }
    Ok(())
}

/// Scans one file. CSV is read with every column as text so that each value
/// is parsed (and rejected) by our own rules; other formats keep native types.
pub fn scan(file: &Path, format: Format) -> Result<LazyFrame> {
    scan_delimited(file, format, b',')
}

/// [`scan`] with the field separator of a delimited export.
pub fn scan_delimited(file: &Path, format: Format, delimiter: u8) -> Result<LazyFrame> {
    let p = PlRefPath::new(file.to_string_lossy().as_ref());
    let lf = match format {
        Format::NdJson if std::fs::metadata(file).is_ok_and(|m| m.len() == 0) => {
            input_error!(
                "{}: file is empty (expected one JSON object per line)",
                file.display()
            )
        }
        Format::Csv => LazyCsvReader::new(p)
            .with_has_header(true)
            .with_separator(delimiter)
            .with_infer_schema_length(Some(0))
            .with_missing_is_null(true)
            .with_raise_if_empty(false)
            .finish(),
        Format::Parquet => LazyFrame::scan_parquet(p, ScanArgsParquet::default()),
        Format::Ipc => LazyFrame::scan_ipc(p, Default::default(), Default::default()),
        Format::NdJson => LazyJsonLineReader::new(p)
            .with_infer_schema_length(std::num::NonZeroUsize::new(1000))
            .finish(),
        Format::X12 | Format::Fhir => input_error!(
            "{}: X12 837 and Bulk FHIR files are read whole: audit them in one pass (without --shards or `part`)",
            file.display()
        ),
    };
    match lf {
        Ok(lf) => Ok(lf),
        Err(e) => input_error!("{}", read_error(file, format, &e)),
    }
}

/// Polars errors can span lines; CONTRACT.md wants one.
pub fn one_line(msg: &str) -> String {
    let first = msg
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    first.chars().take(240).collect()
}

/// A reader's error made fit for a one-line message that may be logged:
/// Polars quotes offending values between backticks (a note's text, a
/// patient id), so every backticked span is cut, and so are the hints meant
/// for Python users. See also [`crate::error::safe_message`].
pub fn safe_reader_message(msg: &str) -> String {
    let mut msg = msg.to_string();
    for hint in [
        "You might want to try",
        "The current offset in the file",
        "Consider setting",
    ] {
        if let Some(i) = msg.find(hint) {
            msg.truncate(i);
        }
    }
    let line = one_line(&crate::error::safe_message(&msg));
    line.trim_end_matches([' ', '.', ',', ':', ';']).to_string()
}

/// Why a file of `format` could not be read, in one line without its data:
/// our own diagnosis of CSV and NDJSON structure (with a line number) when
/// it finds the fault, else the reader's message with values cut out.
pub fn read_error(file: &Path, format: Format, err: &PolarsError) -> String {
    read_error_delimited(file, format, b',', err)
}

/// [`read_error`] of a delimited export whose field separator is `delimiter`.
pub fn read_error_delimited(
    file: &Path,
    format: Format,
    delimiter: u8,
    err: &PolarsError,
) -> String {
    let shown = file.display();
    let diagnosis = match format {
        Format::Csv => std::fs::read(file)
            .ok()
            .and_then(|b| diagnose_delimited(&b, delimiter)),
        Format::NdJson => std::fs::read(file).ok().and_then(|b| diagnose_ndjson(&b)),
        _ => None,
    };
    match diagnosis {
        Some(d) => format!("{shown}: {d}"),
        None => format!(
            "{shown}: cannot read file ({})",
            safe_reader_message(&err.to_string())
        ),
    }
}

/// Checks the structure of a CSV file as the reader sees it (`"` quotes,
/// `""` escapes, quoted fields may hold newlines; like the reader, a `"` in
/// the middle of a field opens a quoted span too) and names the first fault:
/// a quote that never closes, text right after the closing quote of a quoted
/// field, or a record with more fields than the header. Lines are physical
/// lines of the file, from 1, as an editor shows them.
pub fn diagnose_csv(bytes: &[u8]) -> Option<String> {
    diagnose_delimited(bytes, b',')
}

/// [`diagnose_csv`] with another field separator.
pub fn diagnose_delimited(bytes: &[u8], delimiter: u8) -> Option<String> {
    let mut line = 1usize;
    let mut record_line = 1usize;
    let mut fields = 1usize;
    let mut header_fields: Option<usize> = None;
    let mut in_quotes = false;
    let mut opened_at_start = false;
    let mut after_close = false;
    let mut field_start = true;
    let mut quote_line = 0usize;
    let mut record_empty = true;
    let mut i = 0;
    let n = bytes.len();
    let mut end_record = |fields: usize, record_line: usize, empty: bool| -> Option<String> {
        if empty {
            return None;
        }
        match header_fields {
            None => {
                header_fields = Some(fields);
                None
            }
            Some(h) if fields > h => Some(format!(
                "line {record_line} has {fields} fields but the header has {h} (an unquoted {} in a value?)",
                if delimiter == b',' {
                    "comma".to_string()
                } else {
                    format!("'{}'", delimiter as char)
                }
            )),
            Some(_) => None,
        }
    };
    while i < n {
        let b = bytes[i];
        if in_quotes {
            if b == b'"' {
                if i + 1 < n && bytes[i + 1] == b'"' {
                    i += 2;
                    continue;
                }
                in_quotes = false;
                after_close = opened_at_start;
            } else if b == b'\n' {
                line += 1;
            }
            i += 1;
            continue;
        }
        if after_close && b != delimiter && !matches!(b, b'\n' | b'\r') {
            return Some(format!(
                "line {line}: text follows the closing quote of a quoted field (a stray quote?)"
            ));
        }
        after_close = false;
        match b {
            b'"' => {
                in_quotes = true;
                opened_at_start = field_start;
                quote_line = line;
                record_empty = false;
                field_start = false;
            }
            b if b == delimiter => {
                fields += 1;
                field_start = true;
                record_empty = false;
            }
            b'\n' => {
                if let Some(msg) = end_record(fields, record_line, record_empty) {
                    return Some(msg);
                }
                line += 1;
                record_line = line;
                fields = 1;
                field_start = true;
                record_empty = true;
            }
            b'\r' => {}
            _ => {
                field_start = false;
                record_empty = false;
            }
        }
        i += 1;
    }
    if in_quotes {
        return Some(format!(
            "the quote (\") on line {quote_line} opens a quoted field that is never closed (unterminated or stray quote)"
        ));
    }
    end_record(fields, record_line, record_empty)
}

/// Names the first line of an NDJSON file that is not one JSON object.
pub fn diagnose_ndjson(bytes: &[u8]) -> Option<String> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Some("file is empty (expected one JSON object per line)".into());
    }
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let text = String::from_utf8_lossy(line);
        if text.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(serde_json::Value::Object(_)) => {}
            Ok(_) => return Some(format!("line {} is not a JSON object", i + 1)),
            Err(e) => {
                return Some(format!(
                    "line {} is not valid JSON ({} at column {})",
                    i + 1,
                    json_error_kind(&e),
                    e.column()
                ));
            }
        }
    }
    None
}

fn json_error_kind(e: &serde_json::Error) -> &'static str {
    use serde_json::error::Category;
    match e.classify() {
        Category::Eof => "the line ends inside a value",
        Category::Syntax => "syntax error",
        Category::Data => "unexpected data",
        Category::Io => "read error",
    }
}

/// Text formats must be UTF-8 without NUL bytes. Checked while the file is
/// hashed (one read); returns the byte offset and kind of the first fault.
#[derive(Default)]
pub struct TextCheck {
    offset: u64,
    carry: Vec<u8>,
    pub fault: Option<(u64, &'static str)>,
}

impl TextCheck {
    pub fn update(&mut self, chunk: &[u8]) {
        if self.fault.is_some() {
            return;
        }
        if self.offset == 0
            && (chunk.starts_with(&[0xFF, 0xFE]) || chunk.starts_with(&[0xFE, 0xFF]))
        {
            self.fault = Some((0, "a UTF-16 byte-order mark"));
            return;
        }
        // `contains` on bytes is std's optimised memchr, even in a debug build.
        if chunk.contains(&0) {
            let i = chunk.iter().position(|&b| b == 0).unwrap_or(0);
            self.fault = Some((self.offset + i as u64, "a NUL byte"));
        }
        // A character cut by the previous chunk's end is completed from the
        // first bytes of this one; the chunk itself is checked in place (it
        // was copied whole behind the carry: a second pass over every byte).
        let mut skip = 0;
        if !self.carry.is_empty() {
            let carried = self.carry.len();
            let start = self.offset - carried as u64;
            let mut head = std::mem::take(&mut self.carry);
            head.extend_from_slice(&chunk[..chunk.len().min(4)]);
            match std::str::from_utf8(&head) {
                Ok(_) => skip = head.len() - carried,
                Err(e) if e.valid_up_to() > 0 => skip = e.valid_up_to() - carried,
                Err(e) if e.error_len().is_some() => {
                    self.utf8_fault(start);
                    skip = chunk.len();
                }
                // Still cut short (a chunk of fewer bytes than the character needs).
                Err(_) => {
                    self.carry = head;
                    self.offset += chunk.len() as u64;
                    return;
                }
            }
        }
        if let Err(e) = std::str::from_utf8(&chunk[skip..]) {
            match e.error_len() {
                Some(_) => self.utf8_fault(self.offset + (skip + e.valid_up_to()) as u64),
                None => self.carry = chunk[skip + e.valid_up_to()..].to_vec(),
            }
        }
        self.offset += chunk.len() as u64;
    }

    /// Invalid UTF-8 at byte `at`, kept when it comes before any NUL found.
    fn utf8_fault(&mut self, at: u64) {
        if self.fault.is_none_or(|(o, _)| at < o) {
            self.fault = Some((at, "bytes that are not UTF-8"));
        }
    }

    pub fn finish(&mut self) {
        if self.fault.is_none() && !self.carry.is_empty() {
            let at = self.offset - self.carry.len() as u64;
            self.fault = Some((at, "bytes that are not UTF-8"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pipe_delimited_file_is_diagnosed_by_its_own_separator() {
        let psv = b"a|b\n1|x, with a comma\n2|y|z\n";
        assert_eq!(
            diagnose_delimited(psv, b'|').as_deref(),
            Some("line 3 has 3 fields but the header has 2 (an unquoted '|' in a value?)")
        );
        // Read with commas, the same file's comma would be the fault.
        assert!(diagnose_csv(psv).is_some_and(|m| m.starts_with("line 2")));
        assert_eq!(diagnose_delimited(b"a|b\n1|\"x|y\"\n", b'|'), None);
    }
}
