//! The audit pipeline shared by the subcommands: load inputs, build the
//! model and note_facts, run the checks.

use anyhow::Result;
use polars::prelude::*;

use crate::checks::{self, CheckContext, CheckInfo};
use crate::cli::common::InputArgs;
use crate::config::Config;
use crate::evidence;
use crate::ingest::{self, InputKind, LoadedInput, Mapping};
use crate::model::{AuditTables, Period};
use crate::timing;

/// Both inputs, validated.
pub struct Inputs {
    pub claims: LoadedInput,
    pub notes: LoadedInput,
}

impl Inputs {
    pub fn load(args: &InputArgs) -> Result<Inputs> {
        let mapping = Mapping::load(args.mapping.as_deref())?;
        let claims = timing::stage("load claims", || {
            ingest::load(InputKind::Claims, &args.claims, &mapping.claims)
        })?;
        let notes = timing::stage("load notes", || {
            ingest::load(InputKind::Notes, &args.notes, &mapping.notes)
        })?;
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
    let notes = inputs.notes.data.clone();
    let note_facts = timing::stage("evidence (note text)", || {
        evidence::note_facts_frame(&notes, &config.evidence)
    })?;
    let claims = inputs.claims.data.clone();
    Ok(timing::stage("model (visits, claim_dx)", || {
        AuditTables::build(claims, notes, note_facts, period)
    })?)
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
