//! A part folder: the audit of one partition of patients (`claims-audit
//! part`), written so that `claims-audit merge` can turn many of them into
//! the run folder of one pass. It holds what [`Audited`] holds, the same
//! things a sharded run merges in memory ([`crate::audit::merge`]): findings,
//! the report's mergeable counts, the audited claims, rejects and row counts.
//! Frames are Arrow IPC files (types kept exactly); the rest is part.json.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use polars::prelude::*;
use serde::{Deserialize, Serialize};

use crate::audit::Audited;
use crate::input_error;
use crate::output::{create_private_dir, create_private_file};
use crate::report::aggregates::{Cadence, ModelCounts};
use crate::report::summary::InputInfo;

/// Names the part format, so that merge refuses folders of another version.
const FORMAT: &str = "claims-audit part 1";
const META_FILE: &str = "part.json";

/// The frames of a part folder, by file name (without `.arrow`).
const FINDINGS: &str = "findings";
const AUDITED_CLAIMS: &str = "audited_claims";
const CLAIM_REJECTS: &str = "rejects_claims";
const NOTE_REJECTS: &str = "rejects_notes";
const COUNT_CLAIMS: &str = "counts_claims";
const COUNT_NOTES_ALL: &str = "counts_notes_all";
const COUNT_NOTES_BY_PROVIDER: &str = "counts_notes_by_provider";
const CADENCE: &str = "cadence_measured";

/// part.json: the counts that are not frames.
#[derive(Serialize, Deserialize)]
struct Meta {
    format: String,
    claims_audited: usize,
    cadence_unmeasured: u64,
    /// Claims, then notes.
    inputs: [Rows; 2],
}

/// One input's row counts in a part.
#[derive(Serialize, Deserialize)]
struct Rows {
    rows_read: usize,
    rows_used: usize,
    rows_rejected: usize,
    unmatched_claim_id: Option<usize>,
}

/// Writes `audited` into the folder `dir` (created; it must not hold a part).
pub fn write(dir: &Path, audited: &Audited) -> Result<()> {
    create_private_dir(dir)?;
    if dir.join(META_FILE).exists() {
        input_error!("{}: already holds a part", dir.display());
    }
    let counts = &audited.counts;
    let (after, since): (Vec<i64>, Vec<i64>) = counts.cadence.measured.iter().copied().unzip();
    let cadence = df!("visits_since" => after, "days_since" => since)?;
    for (name, df) in [
        (FINDINGS, &audited.findings),
        (AUDITED_CLAIMS, &audited.audited_claims),
        (CLAIM_REJECTS, &audited.rejects[0]),
        (NOTE_REJECTS, &audited.rejects[1]),
        (COUNT_CLAIMS, &counts.claims),
        (COUNT_NOTES_ALL, &counts.notes_all),
        (COUNT_NOTES_BY_PROVIDER, &counts.notes_by_provider),
        (CADENCE, &cadence),
    ] {
        write_ipc(df, &frame_path(dir, name))?;
    }
    let rows = |i: &InputInfo| Rows {
        rows_read: i.rows_read,
        rows_used: i.rows_used,
        rows_rejected: i.rows_rejected,
        unmatched_claim_id: i.unmatched_claim_id,
    };
    let meta = Meta {
        format: FORMAT.into(),
        claims_audited: audited.claims_audited,
        cadence_unmeasured: counts.cadence.unmeasured,
        inputs: [rows(&audited.inputs[0]), rows(&audited.inputs[1])],
    };
    // part.json last: a folder without it is an unfinished part.
    let mut f = create_private_file(&dir.join(META_FILE))?;
    serde_json::to_writer_pretty(&mut f, &meta)?;
    Ok(())
}

/// The part folders under `dir` (its subfolders holding part.json), in name order.
pub fn list(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => input_error!(
            "--parts {}: cannot read folder ({})",
            dir.display(),
            e.kind()
        ),
    };
    let mut parts = Vec::new();
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() {
            if !path.join(META_FILE).is_file() {
                input_error!(
                    "{}: not a finished part (no {META_FILE}; was its task stopped?)",
                    path.display()
                );
            }
            parts.push(path);
        }
    }
    parts.sort();
    if parts.is_empty() {
        input_error!("--parts {}: holds no part folder", dir.display());
    }
    Ok(parts)
}

/// Reads a part folder back. `inputs` holds the claims and notes entries
/// (name, path, files, sha256) to which the part's row counts are added;
/// `files` goes to [`Audited::files`] (the order of rejects).
pub fn read(dir: &Path, inputs: &[InputInfo; 2], files: &[Vec<String>; 2]) -> Result<Audited> {
    let meta_path = dir.join(META_FILE);
    let text = std::fs::read_to_string(&meta_path)
        .with_context(|| format!("{}: cannot read", meta_path.display()))?;
    let meta: Meta = match serde_json::from_str(&text) {
        Ok(m) => m,
        Err(e) => input_error!("{}: not a part file ({e})", meta_path.display()),
    };
    if meta.format != FORMAT {
        input_error!(
            "{}: written as \"{}\", this claims-audit reads \"{FORMAT}\" (run part and merge with the same binary)",
            meta_path.display(),
            meta.format
        );
    }
    let frame = |name: &str| read_ipc(&frame_path(dir, name));
    let cadence = frame(CADENCE)?;
    let measured = cadence
        .column("visits_since")?
        .i64()?
        .iter()
        .zip(cadence.column("days_since")?.i64()?.iter())
        .filter_map(|(a, b)| Some((a?, b?)))
        .collect();
    let info = |i: usize| {
        let rows = &meta.inputs[i];
        InputInfo {
            rows_read: rows.rows_read,
            rows_used: rows.rows_used,
            rows_rejected: rows.rows_rejected,
            unmatched_claim_id: rows.unmatched_claim_id,
            ..inputs[i].clone()
        }
    };
    Ok(Audited {
        findings: frame(FINDINGS)?,
        counts: ModelCounts {
            claims: frame(COUNT_CLAIMS)?,
            cadence: Cadence {
                measured,
                unmeasured: meta.cadence_unmeasured,
            },
            notes_all: frame(COUNT_NOTES_ALL)?,
            notes_by_provider: frame(COUNT_NOTES_BY_PROVIDER)?,
        },
        claims_audited: meta.claims_audited,
        audited_claims: frame(AUDITED_CLAIMS)?,
        inputs: vec![info(0), info(1)],
        rejects: [frame(CLAIM_REJECTS)?, frame(NOTE_REJECTS)?],
        files: files.clone(),
        unmatched_notes: Vec::new(),
    })
}

fn frame_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}.arrow"))
}

fn write_ipc(df: &DataFrame, path: &Path) -> Result<()> {
    let f = create_private_file(path)?;
    let mut df = df.clone();
    IpcWriter::new(f)
        .finish(&mut df)
        .map_err(|e| anyhow::anyhow!("{}: cannot write ({e})", path.display()))
}

fn read_ipc(path: &Path) -> Result<DataFrame> {
    let f = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => input_error!("{}: cannot open part file ({})", path.display(), e.kind()),
    };
    match IpcReader::new(f).finish() {
        Ok(df) => Ok(df),
        Err(e) => input_error!("{}: cannot read part file ({e})", path.display()),
    }
}
