//! After the findings: a reproducible random sample of a run's claims for
//! chart review (`sample`), and the extrapolation of the reviewed amounts to
//! the whole frame (`extrapolate`), as CONTRACT.md defines them.
//!
//! `sample` reads a run folder only (summary.json, findings.parquet,
//! audited_claims.parquet), never the raw exports, so a sample drawn today
//! can be redrawn by anyone holding the run folder: sample.json records the
//! seed, the frame, the design and the run's summary.json hash, and the
//! draw is a fixed function of them ([`draw`]).

pub mod appraisal;
pub mod design;
pub mod draw;
pub mod extrapolation;
pub mod frame;
pub mod record;
pub mod worksheet;
pub mod worksheet_html;

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;

use crate::run_folder::RunFolder;
use design::Strata;
use frame::{FindingRow, Frame, FrameKind};
use record::{SampleRecord, StratumRecord, to_dollars};
use worksheet::Item;

use crate::input_error;

/// What `sample` was asked for.
#[derive(Debug, Clone)]
pub struct SampleOptions {
    pub size: usize,
    pub seed: u64,
    /// `audited`, `flagged` or a check id.
    pub frame: String,
    /// `amount:B1,B2,...`, None for an unrestricted sample.
    pub strata: Option<String>,
    pub spares: usize,
}

/// A drawn sample, ready to be written.
pub struct Sample {
    pub record: SampleRecord,
    pub items: Vec<Item>,
    pub spares: Vec<Item>,
    /// The findings of every listed claim (for sample.html).
    pub findings: BTreeMap<String, Vec<FindingRow>>,
}

/// Draws the sample of `run` that `opts` describe.
pub fn draw_sample(run: &RunFolder, run_arg: &str, opts: &SampleOptions) -> Result<Sample> {
    let kind = FrameKind::parse(&opts.frame, run)?;
    let strata = match &opts.strata {
        Some(text) => Strata::parse(text)?,
        None => Strata::unrestricted(),
    };
    let frame = Frame::load(run, kind)?;
    if frame.is_empty() {
        input_error!(
            "--frame {}: the run {} has no claim in this frame; nothing to sample",
            frame.kind.name(),
            run.path.display()
        );
    }
    if opts.size < 2 {
        input_error!("--size {}: a sample needs at least 2 claims", opts.size);
    }
    let members = draw::members(
        frame.amounts.iter().map(|&a| strata.index_of(a)),
        strata.strata.len(),
    );
    for (s, rows) in strata.strata.iter().zip(&members) {
        if rows.is_empty() {
            input_error!(
                "--strata {}: stratum {} ({}) holds no claim of the frame; choose other bounds",
                strata.spec.as_deref().unwrap_or(""),
                s.name,
                bounds_text(s.low, s.high)
            );
        }
    }
    let frame_sizes: Vec<usize> = members.iter().map(Vec::len).collect();
    let sample_sizes = match design::allocate(opts.size, &frame_sizes, 2) {
        Ok(n) => n,
        Err(why) => input_error!("--size {}: {why}", opts.size),
    };
    let room: Vec<usize> = frame_sizes
        .iter()
        .zip(&sample_sizes)
        .map(|(n, s)| n - s)
        .collect();
    // Spares go where claims are left, in proportion, one per stratum when there are enough.
    let one_each = usize::from(opts.spares >= room.iter().filter(|&&r| r > 0).count());
    let spare_sizes = match design::allocate(opts.spares, &room, one_each) {
        Ok(n) => n,
        Err(_) => input_error!(
            "--spares {}: only {} claims of the frame are left after the sample",
            opts.spares,
            room.iter().sum::<usize>()
        ),
    };
    let drawn = draw::draw(&members, &sample_sizes, &spare_sizes, opts.seed);
    let items = listed(&frame, &strata, &drawn.sample)?;
    let spares = listed(&frame, &strata, &drawn.spares)?;
    let claim_ids: Vec<String> = items
        .iter()
        .chain(&spares)
        .map(|i| i.claim.claim_id.clone())
        .collect();
    let findings = frame.findings_of(&claim_ids)?;
    let amount = |rows: &[usize]| rows.iter().map(|&r| frame.amounts[r]).sum::<i64>();
    let record = SampleRecord {
        seed: opts.seed,
        frame: frame.kind.name().to_string(),
        frame_size: frame.len(),
        frame_amount: to_dollars(frame.amounts.iter().sum()),
        strata: strata
            .strata
            .iter()
            .enumerate()
            .map(|(h, s)| StratumRecord {
                name: s.name.clone(),
                low: s.low.map(to_dollars),
                high: s.high.map(to_dollars),
                frame_size: frame_sizes[h],
                frame_amount: to_dollars(amount(&members[h])),
                sample_size: sample_sizes[h],
                spares: spare_sizes[h],
            })
            .collect(),
        summary_sha256: run.summary_sha256.clone(),
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        tool: "claims-audit".to_string(),
        method: if strata.is_stratified() {
            "stratified"
        } else {
            "unrestricted"
        }
        .to_string(),
        strata_option: strata.spec.clone(),
        sample_size: opts.size,
        spares: opts.spares,
        generator: record::GENERATOR.to_string(),
        run: run_arg.to_string(),
        period: Some(run.summary.period.label.clone()),
        pseudonymized: run.pseudonymized(),
    };
    Ok(Sample {
        record,
        items,
        spares,
        findings,
    })
}

/// Worksheet lines for the drawn rows of each stratum, numbered 1.. in stratum order.
fn listed(frame: &Frame, strata: &Strata, rows: &[Vec<usize>]) -> Result<Vec<Item>> {
    let mut out = Vec::new();
    for (s, rows) in strata.strata.iter().zip(rows) {
        for claim in frame.rows(rows)? {
            out.push(Item {
                item: out.len() + 1,
                stratum: s.name.clone(),
                claim,
            });
        }
    }
    Ok(out)
}

/// `100.00 to below 500.00`, `below 100.00`, `500.00 and up`, `all amounts`.
pub fn bounds_text(low: Option<i64>, high: Option<i64>) -> String {
    use design::dollars;
    match (low, high) {
        (None, None) => "all amounts".into(),
        (None, Some(h)) => format!("below {}", dollars(h)),
        (Some(l), None) => format!("{} and up", dollars(l)),
        (Some(l), Some(h)) => format!("{} to below {}", dollars(l), dollars(h)),
    }
}

impl Sample {
    /// Writes sample.csv, spares.csv, sample.json and sample.html into `dir`
    /// (a new or empty folder: a sample folder is never overwritten, since
    /// it may hold reviewed amounts), atomically.
    pub fn write(&self, dir: &Path) -> Result<()> {
        if dir.exists() && !std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none()) {
            input_error!(
                "--out {}: exists and is not empty; a sample is written into a new folder (it may hold reviewed amounts)",
                dir.display()
            );
        }
        use crate::output::{self, FileWriter};
        let html = worksheet_html::render(&self.record, &self.items, &self.spares, &self.findings);
        let writers: Vec<FileWriter> = vec![
            Box::new(|d| {
                output::write_text(&worksheet::csv_text(&self.items), &d.join("sample.csv"))
            }),
            Box::new(|d| {
                output::write_text(&worksheet::csv_text(&self.spares), &d.join("spares.csv"))
            }),
            Box::new(|d| self.record.write(&d.join("sample.json"))),
            Box::new(|d| output::write_text(&html, &d.join("sample.html"))),
        ];
        output::write_run_folder(dir, writers)
    }
}
