//! Finds the files behind an input path (a file, a folder of parts or a
//! glob) and scans each one lazily with its format's Polars reader.

use std::path::{Path, PathBuf};

use anyhow::Result;
use polars::prelude::*;

use crate::input_error;

/// The file formats CONTRACT.md accepts, chosen by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Parquet,
    Ipc,
    NdJson,
}

impl Format {
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(Format::Csv),
            "parquet" | "pq" => Some(Format::Parquet),
            "arrow" | "ipc" | "feather" => Some(Format::Ipc),
            "ndjson" | "jsonl" => Some(Format::NdJson),
            _ => None,
        }
    }
}

const EXPECTED: &str = "expected .csv, .parquet, .arrow/.ipc/.feather or .ndjson/.jsonl";

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
    let p = PlRefPath::new(file.to_string_lossy().as_ref());
    let lf = match format {
        Format::Csv => LazyCsvReader::new(p)
            .with_has_header(true)
            .with_infer_schema_length(Some(0))
            .with_missing_is_null(true)
            .with_raise_if_empty(false)
            .finish(),
        Format::Parquet => LazyFrame::scan_parquet(p, ScanArgsParquet::default()),
        Format::Ipc => LazyFrame::scan_ipc(p, Default::default(), Default::default()),
        Format::NdJson => LazyJsonLineReader::new(p)
            .with_infer_schema_length(std::num::NonZeroUsize::new(1000))
            .finish(),
    };
    match lf {
        Ok(lf) => Ok(lf),
        Err(e) => input_error!(
            "{}: cannot read file ({})",
            file.display(),
            one_line(&e.to_string())
        ),
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
