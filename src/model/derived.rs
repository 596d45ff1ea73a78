//! Frames derived from the model that the checks and the report both read
//! (audited visits, M62.81 claims, which note supports which claim, strength
//! measurement dates, M62.81 visits numbered since a measurement), built once
//! per audit so that shared work is done once. Here, below both, so that the
//! report reads them without importing check internals.

use polars::prelude::*;

use super::AuditTables;
use crate::codes::normalize_code;
use crate::config::Config;

/// The model, the config and the frames derived from them: what every check
/// reads (checks call it their `CheckContext`) and what the report's counts read.
pub struct Derived<'a> {
    pub tables: &'a AuditTables,
    pub config: &'a Config,
    /// Visits inside the audit period: the only claims checks may flag.
    pub audited: LazyFrame,
    /// __claim, m6281_position: claims holding M62.81 at any position (all dates).
    pub m6281_claims: LazyFrame,
    /// __claim, __note: which note supports which claim (CONTRACT.md).
    pub support: LazyFrame,
    /// __patient, note_date, note_ids: dates on which a strength measurement is documented, sorted by date.
    pub strength_dates: LazyFrame,
    /// [`numbered_m6281_visits`], computed on first use (a check and the report both read it).
    numbered: std::sync::OnceLock<(DataFrame, DataFrame)>,
}

impl<'a> Derived<'a> {
    pub fn new(tables: &'a AuditTables, config: &'a Config) -> PolarsResult<Derived<'a>> {
        let audited = tables.visits.clone().lazy().filter(col("in_period"));
        let m6281 = normalize_code(&config.codes.muscle_weakness);
        let m6281_claims = tables
            .claim_dx
            .clone()
            .lazy()
            .filter(col("code").eq(lit(m6281)))
            .group_by([col("__claim")])
            .agg([col("position").min().alias("m6281_position")]);
        let facts = tables.note_facts.clone().lazy();
        let visits = tables.visits.clone().lazy();
        // A note's __claim is set only when its claim_id names a claim of the
        // model (the key is looked up in visits).
        let by_claim = facts
            .clone()
            .filter(col("__claim").is_not_null())
            .select([col("__claim"), col("__note")]);
        let by_patient_date = facts
            .clone()
            .filter(col("claim_id").is_null())
            .select([col("__patient"), col("note_date"), col("__note")])
            .join(
                visits.select([col("__patient"), col("service_date"), col("__claim")]),
                [col("__patient"), col("note_date")],
                [col("__patient"), col("service_date")],
                JoinArgs::new(JoinType::Inner),
            )
            .select([col("__claim"), col("__note")]);
        let support = concat([by_claim, by_patient_date], UnionArgs::default())?;
        let strength_dates = facts
            .filter(col("has_strength_grade"))
            .group_by([col("__patient"), col("note_date")])
            .agg([col("note_id")
                .sort(Default::default())
                .str()
                .join(", ", true)
                .alias("note_ids")])
            .sort(["note_date", "__patient"], Default::default());
        // Computed once and shared: every check that reads them reads the
        // same in-memory frame instead of re-running their plans.
        let mut frames = LazyFrame::collect_all_with_engine(
            vec![
                audited.logical_plan,
                m6281_claims.logical_plan,
                support.logical_plan,
                strength_dates.logical_plan,
            ],
            Engine::Auto,
            OptFlags::default(),
        )?
        .into_iter()
        .map(|df| df.lazy());
        let mut next = || frames.next().expect("four frames");
        Ok(Derived {
            tables,
            config,
            audited: next(),
            m6281_claims: next(),
            support: next(),
            strength_dates: next(),
            numbered: std::sync::OnceLock::new(),
        })
    }

    pub fn claim_dx(&self) -> LazyFrame {
        self.tables.claim_dx.clone().lazy()
    }

    pub fn note_facts(&self) -> LazyFrame {
        self.tables.note_facts.clone().lazy()
    }

    /// Audited claims holding M62.81: claim_id, __claim, __patient, service_date, m6281_position.
    pub fn audited_m6281(&self) -> LazyFrame {
        self.audited
            .clone()
            .select([
                col("claim_id"),
                col("__claim"),
                col("__patient"),
                col("service_date"),
            ])
            .join(
                self.m6281_claims.clone(),
                [col("__claim")],
                [col("__claim")],
                JoinArgs::new(JoinType::Inner),
            )
    }

    /// Adds `strength_date` and `strength_notes`: the patient's latest strength
    /// measurement on or before `date_col` (as-of join, no cross join).
    pub fn with_latest_strength(&self, lf: LazyFrame, date_col: &str) -> LazyFrame {
        let right = self.strength_dates.clone().select([
            col("__patient"),
            col("note_date").alias("strength_date"),
            col("note_ids").alias("strength_notes"),
        ]);
        asof_backward(lf, right, date_col, "strength_date")
    }
}

/// M62.81 visits numbered for reassessment counting, shared by
/// m6281-no-reassessment and the report's cadence chart:
/// - every M62.81 visit of every patient (__claim, __patient, service_date,
///   in_period, m6281_position, visit_no), numbered 1.. in (date, claim_id) order;
/// - per patient and date, how many M62.81 visits fell on or before it
///   (__patient, through_date, visits_through).
pub fn numbered_m6281_visits(ctx: &Derived) -> PolarsResult<(LazyFrame, LazyFrame)> {
    if let Some((numbered, by_date)) = ctx.numbered.get() {
        return Ok((numbered.clone().lazy(), by_date.clone().lazy()));
    }
    let (numbered, by_date) = number_m6281_visits(ctx)?;
    let mut frames = LazyFrame::collect_all_with_engine(
        vec![numbered.logical_plan, by_date.logical_plan],
        Engine::Auto,
        OptFlags::default(),
    )?;
    let by_date = frames.pop().expect("two frames");
    let numbered = frames.pop().expect("two frames");
    let (numbered, by_date) = ctx.numbered.get_or_init(|| (numbered, by_date));
    Ok((numbered.clone().lazy(), by_date.clone().lazy()))
}

fn number_m6281_visits(ctx: &Derived) -> PolarsResult<(LazyFrame, LazyFrame)> {
    let visits = ctx.tables.visits.clone().lazy().select([
        col("__claim"),
        col("__patient"),
        col("service_date"),
        col("in_period"),
    ]);
    let numbered = ctx
        .m6281_claims
        .clone()
        .join(
            visits,
            [col("__claim")],
            [col("__claim")],
            JoinArgs::new(JoinType::Inner),
        )
        // Keys sort as the ids they stand for: this is (patient, date, claim_id) order.
        .sort(["__patient", "service_date", "__claim"], Default::default())
        .with_column(
            (int_range(lit(0), len(), 1, DataType::Int64).over([col("__patient")])? + lit(1i64))
                .alias("visit_no"),
        );
    let visits_by_date = numbered
        .clone()
        .group_by([col("__patient"), col("service_date")])
        .agg([col("visit_no").max().alias("visits_through")])
        .select([
            col("__patient"),
            col("service_date").alias("through_date"),
            col("visits_through"),
        ]);
    Ok((numbered, visits_by_date))
}

/// Backward as-of join by patient (`__patient`): for each left row, the right row with the
/// latest `right_on` on or before `left_on`.
pub fn asof_backward(
    left: LazyFrame,
    right: LazyFrame,
    left_on: &str,
    right_on: &str,
) -> LazyFrame {
    let left = left.sort([left_on], Default::default());
    let right = right.sort([right_on], Default::default());
    left.join(
        right,
        [col(left_on)],
        [col(right_on)],
        JoinArgs::new(JoinType::AsOf(Box::new(AsOfOptions {
            strategy: AsofStrategy::Backward,
            left_by: Some(vec!["__patient".into()]),
            right_by: Some(vec!["__patient".into()]),
            allow_eq: true,
            ..Default::default()
        }))),
    )
}
