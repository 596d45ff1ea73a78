//! The audit pipeline shared by the subcommands: load inputs, build the
//! model and note_facts, run the checks.

use anyhow::Result;
use polars::prelude::*;

use crate::checks::{self, CheckContext, CheckInfo};
use crate::config::Config;
use crate::evidence;
use crate::ingest::{self, InputFiles, InputKind, LoadedInput, Mapping, ReadOptions, Shard};
use crate::model::{AuditTables, Period};
use crate::report::aggregates::ModelCounts;
use crate::report::summary::InputInfo;
use crate::timing;

/// What one audit is asked to do: the plain options the command line (and
/// any other caller) builds, so the pipeline never depends on the CLI.
#[derive(Clone, Copy)]
pub struct AuditOptions<'a> {
    pub inputs: &'a InputFiles,
    pub config: &'a Config,
    pub period: Period,
    pub checks: &'a [CheckInfo],
}

/// Both inputs, validated.
pub struct Inputs {
    pub claims: LoadedInput,
    pub notes: LoadedInput,
}

impl Inputs {
    pub fn load(args: &InputFiles) -> Result<Inputs> {
        Self::load_shard(args, None)
    }

    /// The rows of one shard's patients (see `shard`), or all rows.
    pub fn load_shard(args: &InputFiles, shard: Option<&Shard>) -> Result<Inputs> {
        let mapping = Mapping::load(args.mapping.as_deref())?;
        let encoding = match &args.encoding {
            Some(label) => ingest::encoding::from_label(label)?,
            None => encoding_rs::UTF_8,
        };
        let opts = |kind| ReadOptions::of(kind, &mapping, encoding);
        let claims = timing::stage("load claims", || {
            ingest::load_shard(
                InputKind::Claims,
                &args.claims,
                opts(InputKind::Claims),
                shard,
            )
        })?;
        let notes = match &args.notes {
            Some(path) => timing::stage("load notes", || {
                ingest::load_shard(InputKind::Notes, path, opts(InputKind::Notes), shard)
            })?,
            None => ingest::absent(InputKind::Notes)?,
        };
        Ok(Inputs { claims, notes })
    }

    /// All rejects of both inputs, in input then file/row order.
    pub fn rejects(&self) -> Result<DataFrame> {
        let mut all = self.claims.rejects.clone();
        all.vstack_mut(&self.notes.rejects)?;
        Ok(all)
    }
}

/// The model with its evidence pass done (the only place note text is read).
pub fn build_tables(inputs: &Inputs, config: &Config, period: Period) -> Result<AuditTables> {
    build_tables_scanning(inputs, config, period, None)
}

/// [`build_tables`] whose evidence pass reads only the notes `scan` marks
/// (all when None); the others get no facts (every flag false, no grades).
fn build_tables_scanning(
    inputs: &Inputs,
    config: &Config,
    period: Period,
    scan: Option<&BooleanChunked>,
) -> Result<AuditTables> {
    let notes = inputs.notes.data.clone();
    let note_facts = timing::stage("evidence (note text)", || {
        let mut read = notes.clone();
        if let Some(scan) = scan {
            let text = text_where(notes.column("text")?.str()?, scan);
            read.with_column(text.into_column())?;
        }
        evidence::note_facts_frame(&read, &config.evidence)
    })?;
    let claims = inputs.claims.data.clone();
    Ok(timing::stage("model (visits, claim_dx)", || {
        AuditTables::build(claims, notes, note_facts, period)
    })?)
}

/// Which notes `run`'s evidence pass must read: those of patients with a
/// claim holding M62.81 or R53.1 (of any date, usable). Every note whose
/// facts a built-in check reads belongs to such a patient (the patient's
/// strength measurements for an M62.81 claim; notes supporting an M62.81 or
/// R53.1 claim), and so does every note the report counts (notes supporting
/// M62.81 claims); in most exports they are a minority of the notes.
/// None when every note is read anyway.
pub fn notes_to_scan(inputs: &Inputs, config: &Config) -> Result<Option<BooleanChunked>> {
    let codes = [
        &config.codes.muscle_weakness,
        &config.codes.weakness_symptom,
    ]
    .map(|c| regex::escape(&crate::codes::normalize_code(c)));
    // dx_codes is the normalised list: codes joined with `;`.
    let holds = format!("(?:^|;)(?:{})(?:;|$)", codes.join("|"));
    let patients = inputs
        .claims
        .data
        .clone()
        .lazy()
        .filter(col("dx_codes").str().contains(lit(holds), true))
        .select([col("patient_id")])
        .unique(None, UniqueKeepStrategy::Any)
        .collect()?;
    let ids = patients
        .column("patient_id")?
        .as_materialized_series()
        .clone();
    let scan = inputs
        .notes
        .data
        .clone()
        .lazy()
        .select([col("patient_id")
            .is_in(lit(ids).implode(false), false)
            .fill_null(lit(false))
            .alias("scan")])
        .collect()?;
    let scan = scan.column("scan")?.bool()?.clone();
    Ok((!scan.all()).then_some(scan))
}

/// `text` with the values `keep` does not mark set to null, without copying
/// any text (only the validity changes).
fn text_where(text: &StringChunked, keep: &BooleanChunked) -> StringChunked {
    let keep = keep & &text.is_not_null();
    let keep = keep.rechunk();
    let validity = keep.downcast_as_array().values().clone();
    text.clone().with_validity(Some(validity))
}

/// Frees the note text (every copy) once note_facts holds what it documents.
pub fn drop_note_text(inputs: &mut Inputs, tables: &mut AuditTables) -> PolarsResult<()> {
    inputs.notes.data = inputs.notes.data.drop("text")?;
    tables.notes = tables.notes.drop("text")?;
    Ok(())
}

/// The claim-line columns the built-in checks read (m6281-neuro-cpt-undistinguished).
pub const CLAIM_LINE_COLUMNS_READ: [&str; 3] = ["claim_id", "line_number", "cpt_code"];

/// Frees the claim-line columns no check reads, once the model (visits,
/// claim_dx) is built from them.
pub fn slim_claim_lines(inputs: &mut Inputs, tables: &mut AuditTables) -> PolarsResult<()> {
    inputs.claims.data = inputs.claims.data.select(CLAIM_LINE_COLUMNS_READ)?;
    tables.claims = tables.claims.select(CLAIM_LINE_COLUMNS_READ)?;
    Ok(())
}

/// Runs `checks` over the tables: the findings frame, sorted.
pub fn run_checks(
    tables: &AuditTables,
    config: &Config,
    checks: &[CheckInfo],
) -> Result<DataFrame> {
    let ctx = timing::stage("check context", || CheckContext::new(tables, config))?;
    Ok(timing::stage("checks", || checks::run_all(&ctx, checks))?)
}

/// What the report needs from the audit of a whole run or of one shard.
pub struct Audited {
    /// Sorted as [`checks::run_all`] sorts them.
    pub findings: DataFrame,
    pub counts: ModelCounts,
    /// Claims dated in the period.
    pub claims_audited: usize,
    /// The claims dated in the period, as audited_claims.parquet holds them
    /// (see [`audited_claims`]).
    pub audited_claims: DataFrame,
    /// Claims, then notes.
    pub inputs: Vec<InputInfo>,
    /// Claims' rejects, then notes' (file, row, column, reason).
    pub rejects: [DataFrame; 2],
    /// Claims' files, then notes', in read order (as rejects name them).
    pub files: [Vec<String>; 2],
    /// Sharded runs: (note_id, claim_id, shard) of the notes whose claim_id
    /// names no usable claim of their shard (see `shard::check_note_links`).
    pub unmatched_notes: Vec<(String, String, usize)>,
}

impl Audited {
    /// All rejects, claims' then notes', as rejects.csv lists them.
    pub fn all_rejects(&self) -> PolarsResult<DataFrame> {
        let mut all = self.rejects[0].clone();
        all.vstack_mut(&self.rejects[1])?;
        Ok(all)
    }
}

/// Loads the inputs (one shard's rows, or all), builds the model, runs the
/// checks and counts what the report needs; the model is freed on return.
pub fn audit(
    options: AuditOptions,
    shard: Option<&Shard>,
    mut stage: impl FnMut(&'static str, String),
) -> Result<Audited> {
    let AuditOptions {
        inputs: files,
        config,
        period,
        checks,
    } = options;
    stage("read", "reading and validating the inputs".into());
    let mut inputs = Inputs::load_shard(files, shard)?;
    stage(
        "evidence",
        format!("reading {} notes", inputs.notes.rows_used()),
    );
    // No check reads the facts of notes of other patients: they are not scanned.
    let scan = if checks.iter().any(|c| c.reads_note_facts) {
        None
    } else {
        notes_to_scan(&inputs, config)?
    };
    let mut tables = build_tables_scanning(&inputs, config, period, scan.as_ref())?;
    if !checks.iter().any(|c| c.reads_notes) {
        // The evidence pass was the text's only reader: free it (the largest column).
        drop_note_text(&mut inputs, &mut tables)?;
    }
    if !checks.iter().any(|c| c.reads_claims) {
        // The model holds what the claim lines said; the built-in checks read only a few columns.
        slim_claim_lines(&mut inputs, &mut tables)?;
    }
    stage("checks", format!("running {} checks", checks.len()));
    // One context for the checks and the report counts: its shared frames are built once.
    let ctx = timing::stage("check context", || CheckContext::new(&tables, config))?;
    let findings = timing::stage("checks", || checks::run_all(&ctx, checks))?;
    let counts = ModelCounts::of(&ctx)?;
    let audited_claims = audited_claims(ctx.audited.clone())?;
    let claims_audited = tables
        .visits
        .column("in_period")?
        .bool()?
        .sum()
        .unwrap_or(0) as usize;
    let unmatched_notes = match shard {
        Some(shard) => unmatched_notes(&tables.note_facts, shard.index)?,
        None => Vec::new(),
    };
    Ok(Audited {
        unmatched_notes,
        findings,
        counts,
        claims_audited,
        audited_claims,
        inputs: inputs_info(&inputs, &tables)?,
        files: [&inputs.claims, &inputs.notes]
            .map(|i| i.files.iter().map(|f| f.display().to_string()).collect()),
        rejects: [inputs.claims.rejects, inputs.notes.rejects],
    })
}

/// The audits of every shard as the audit of the whole input: findings in
/// order, counts and row counts summed, rejects in file and row order.
pub fn merge(parts: Vec<Audited>) -> Result<Audited> {
    let mut findings = Vec::new();
    let mut counts = Vec::new();
    let mut claims_audited = 0;
    let mut audited_claims = Vec::new();
    let mut inputs: Vec<InputInfo> = Vec::new();
    let mut rejects: [Vec<DataFrame>; 2] = [Vec::new(), Vec::new()];
    let mut files = [Vec::new(), Vec::new()];
    let mut unmatched_notes = Vec::new();
    for part in parts {
        files = part.files;
        unmatched_notes.extend(part.unmatched_notes);
        findings.push(part.findings);
        counts.push(part.counts);
        claims_audited += part.claims_audited;
        audited_claims.push(part.audited_claims.lazy());
        if inputs.is_empty() {
            // The first shard's entries carry the hashes.
            inputs = part.inputs;
        } else {
            for (sum, add) in inputs.iter_mut().zip(&part.inputs) {
                sum.rows_read += add.rows_read;
                sum.rows_used += add.rows_used;
                sum.rows_rejected += add.rows_rejected;
                if let (Some(a), Some(b)) =
                    (sum.unmatched_claim_id.as_mut(), add.unmatched_claim_id)
                {
                    *a += b;
                }
            }
        }
        let [claims, notes] = part.rejects;
        rejects[0].push(claims);
        rejects[1].push(notes);
    }
    let [claims, notes] = rejects;
    Ok(Audited {
        findings: checks::merge_findings(findings)?,
        counts: ModelCounts::merge(counts)?,
        claims_audited,
        audited_claims: concat(audited_claims, UnionArgs::default())?
            .sort(["claim_id"], Default::default())
            .collect()?,
        inputs,
        rejects: [
            in_row_order(claims, &files[0])?,
            in_row_order(notes, &files[1])?,
        ],
        files,
        unmatched_notes,
    })
}

/// Every claim of the period, one row per claim in claim_id order, as the
/// run folder keeps it for `sample --frame audited`: `claim_id`,
/// `patient_id`, `provider_id`, `service_date`, `payer` (null when unknown)
/// and `amount_paid` (paid where known, else charged, summed over the lines:
/// the findings' amount_at_risk).
pub fn audited_claims(audited_visits: LazyFrame) -> PolarsResult<DataFrame> {
    audited_visits
        .select([
            col("claim_id"),
            col("patient_id"),
            col("provider_id"),
            col("service_date"),
            col("payer"),
            (col("amount_cents").cast(DataType::Float64) / lit(100.0)).alias("amount_paid"),
        ])
        .sort(["claim_id"], Default::default())
        .collect()
}

/// One input's entry in summary.json's `inputs`.
pub fn input_info(input: &LoadedInput) -> InputInfo {
    InputInfo {
        name: input.kind.name(),
        path: input.path.display().to_string(),
        files: input.files.len(),
        sha256: input.sha256.clone(),
        rows_read: input.rows_read,
        rows_used: input.rows_used(),
        rows_rejected: input.rows_rejected(),
        unmatched_claim_id: None,
        resources_skipped: input.skipped.clone(),
    }
}

/// Both inputs' entries; the notes' one counts notes whose claim_id matches no claim.
fn inputs_info(inputs: &Inputs, tables: &AuditTables) -> Result<Vec<InputInfo>> {
    // A note's claim key is set only when its claim_id names a usable claim.
    let unmatched = tables
        .note_facts
        .clone()
        .lazy()
        .filter(col("claim_id").is_not_null().and(col("__claim").is_null()))
        .select([len()])
        .collect()?
        .column("len")?
        .cast(&DataType::UInt64)?
        .u64()?
        .get(0)
        .unwrap_or(0) as usize;
    if inputs.notes.files.is_empty() {
        // No --notes: there is no notes input to reconcile.
        return Ok(vec![input_info(&inputs.claims)]);
    }
    let mut notes = input_info(&inputs.notes);
    notes.unmatched_claim_id = Some(unmatched);
    Ok(vec![input_info(&inputs.claims), notes])
}

/// (note_id, claim_id, `shard`) of the notes whose claim_id names no usable claim.
fn unmatched_notes(
    note_facts: &DataFrame,
    shard: usize,
) -> PolarsResult<Vec<(String, String, usize)>> {
    let df = note_facts
        .clone()
        .lazy()
        .filter(col("claim_id").is_not_null().and(col("__claim").is_null()))
        .select([col("note_id"), col("claim_id")])
        .collect()?;
    let (notes, claims) = (df.column("note_id")?.str()?, df.column("claim_id")?.str()?);
    Ok(notes
        .iter()
        .zip(claims.iter())
        .filter_map(|(n, c)| Some((n?.to_string(), c?.to_string(), shard)))
        .collect())
}

/// Rejects of several shards in the order one run makes them: by file (in
/// read order) and row.
fn in_row_order(parts: Vec<DataFrame>, files: &[String]) -> PolarsResult<DataFrame> {
    let mut parts = parts.into_iter();
    let Some(mut all) = parts.next() else {
        return Ok(DataFrame::empty());
    };
    for part in parts {
        all.vstack_mut_owned(part)?;
    }
    if all.height() == 0 {
        return Ok(all);
    }
    let order = df!(
        "file" => files.iter().map(String::as_str).collect::<Vec<_>>(),
        "__file_no" => (0..files.len() as u32).collect::<Vec<_>>(),
    )?;
    all = all
        .lazy()
        .join(
            order.lazy(),
            [col("file")],
            [col("file")],
            JoinArgs::new(JoinType::Left),
        )
        .sort(["__file_no", "row"], Default::default())
        .drop(cols(["__file_no"]))
        .collect()?;
    Ok(all)
}

#[cfg(test)]
#[path = "audit_tests.rs"]
mod tests;
