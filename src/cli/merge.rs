//! `claims-audit merge`: the part folders of a cluster job (one per
//! partition of patients, written by `claims-audit part`) merged into the
//! run folder one `run` over the whole export writes, byte for byte, by the
//! same merge a sharded run makes in memory ([`crate::audit::merge`]).
//!
//! ```text
//! claims-audit merge --parts DIR --claims PATH --notes PATH [run's options]
//! ```
//! `--claims` and `--notes` name the original exports as `run` would be given
//! them: summary.json records their paths, file counts and hashes, and
//! rejects name their files as `run` does (a part's `file:` URIs are matched
//! to them). A source that is no local path (a table, an object store URL)
//! is recorded as given, with no file count or hash. The run folder is
//! written atomically, as by `run`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Args;
use polars::prelude::*;

use super::progress::Progress;
use super::run::{RunArgs, prepare, write_run};
use crate::ingest::{self, InputKind};
use crate::report::summary::InputInfo;

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Folder whose subfolders are the part folders to merge (all of them).
    #[arg(long, value_name = "DIR")]
    pub parts: PathBuf,
    #[command(flatten)]
    pub run: RunArgs,
}

pub fn run(args: MergeArgs) -> Result<i32> {
    let prepared = prepare(&args.run)?;
    let dirs = crate::part::list(&args.parts)?;
    let mut progress = Progress::new(args.run.quiet, 2);
    progress.stage("merge", format!("merging {} parts", dirs.len()));
    let claims = Original::of(InputKind::Claims, &args.run.inputs.claims)?;
    // Parts are audits of claims and notes together: merge needs both originals.
    let Some(notes_path) = &args.run.inputs.notes else {
        crate::input_error!("merge: --notes is required (the parts were audited with notes)");
    };
    let notes = Original::of(InputKind::Notes, notes_path)?;
    let entries = [claims.info.clone(), notes.info.clone()];
    let mut files = [claims.files.clone(), notes.files.clone()];
    let mut parts = Vec::with_capacity(dirs.len());
    for dir in &dirs {
        let mut part = crate::part::read(dir, &entries, &files)?;
        part.rejects[0] = claims.rename_files(&part.rejects[0])?;
        part.rejects[1] = notes.rename_files(&part.rejects[1])?;
        parts.push(part);
    }
    // Sources that are no local files: rejects in file name order.
    for (i, original) in [&claims, &notes].into_iter().enumerate() {
        if !original.local {
            files[i] = reject_files(parts.iter().map(|p| &p.rejects[i]))?;
        }
    }
    for part in &mut parts {
        part.files = files.clone();
    }
    let audited = crate::timing::stage("merge parts", || crate::audit::merge(parts))?;
    write_run(&args.run, prepared, audited, progress)
}

/// One original export as `run` would read it.
struct Original {
    /// summary.json's entry, rows not counted yet.
    info: InputInfo,
    /// Its files as rejects name them, in read order.
    files: Vec<String>,
    /// Canonical path of each file -> its name in `files`.
    names: HashMap<PathBuf, String>,
    local: bool,
}

impl Original {
    fn of(kind: InputKind, path: &Path) -> Result<Original> {
        let text = path.to_string_lossy();
        let mut info = InputInfo {
            name: kind.name(),
            path: path.display().to_string(),
            files: 0,
            sha256: String::new(),
            rows_read: 0,
            rows_used: 0,
            rows_rejected: 0,
            unmatched_claim_id: None,
            resources_skipped: Default::default(),
        };
        let local = path.exists() || (!text.contains("://") && text.contains(['*', '?', '[']));
        if !local {
            return Ok(Original {
                info,
                files: Vec::new(),
                names: HashMap::new(),
                local,
            });
        }
        let (files, sha256) = ingest::files_and_hash(path)?;
        info.files = files.len();
        info.sha256 = sha256;
        let names = files
            .iter()
            .filter_map(|f| Some((f.canonicalize().ok()?, f.display().to_string())))
            .collect();
        Ok(Original {
            info,
            files: files.iter().map(|f| f.display().to_string()).collect(),
            names,
            local,
        })
    }

    /// `rejects` with each file (a path or a `file:` URI of one of this
    /// input's files) named as `run` names it; other names are kept.
    fn rename_files(&self, rejects: &DataFrame) -> Result<DataFrame> {
        if rejects.height() == 0 || self.names.is_empty() {
            return Ok(rejects.clone());
        }
        let renamed: StringChunked = rejects
            .column("file")?
            .str()?
            .iter()
            .map(|f| {
                f.map(|f| {
                    local_path(f)
                        .canonicalize()
                        .ok()
                        .and_then(|p| self.names.get(&p).cloned())
                        .unwrap_or_else(|| f.to_string())
                })
            })
            .collect();
        let mut out = rejects.clone();
        out.with_column(renamed.with_name("file".into()).into_column())?;
        Ok(out)
    }
}

/// The local path of a `file:` URI (`file:/a%20b`, `file:///a%20b`), or the text itself.
fn local_path(name: &str) -> PathBuf {
    let Some(rest) = name.strip_prefix("file:") else {
        return PathBuf::from(name);
    };
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    PathBuf::from(percent_decode(rest))
}

/// `%XX` escapes decoded (invalid ones kept as written).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The distinct file names of some rejects frames, sorted.
fn reject_files<'a>(frames: impl Iterator<Item = &'a DataFrame>) -> Result<Vec<String>> {
    let mut names = std::collections::BTreeSet::new();
    for df in frames {
        if df.height() > 0 {
            names.extend(df.column("file")?.str()?.iter().flatten().map(String::from));
        }
    }
    Ok(names.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris_become_local_paths() {
        assert_eq!(
            local_path("file:///a/b%20c.parquet"),
            PathBuf::from("/a/b c.parquet")
        );
        assert_eq!(
            local_path("file:/a/b.parquet"),
            PathBuf::from("/a/b.parquet")
        );
        assert_eq!(
            local_path("data/x.parquet"),
            PathBuf::from("data/x.parquet")
        );
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%41"), "%zzA");
    }
}
