//! Frames and expressions several checks need, built once per audit so
//! that shared work is done once.

use polars::prelude::*;

use crate::codes::normalize_code;
use crate::config::{Config, parse_cpt_range};
use crate::model::AuditTables;

/// What every check reads: the model, the config and the shared frames.
pub struct CheckContext<'a> {
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

impl<'a> CheckContext<'a> {
    pub fn new(tables: &'a AuditTables, config: &'a Config) -> PolarsResult<CheckContext<'a>> {
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
        Ok(CheckContext {
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
pub fn numbered_m6281_visits(ctx: &CheckContext) -> PolarsResult<(LazyFrame, LazyFrame)> {
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

fn number_m6281_visits(ctx: &CheckContext) -> PolarsResult<(LazyFrame, LazyFrame)> {
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

/// True when `code` starts with any prefix of the group (prefixes are normalised).
/// One anchored regular expression of all prefixes: one pass over the
/// codes, where a `starts_with` per prefix would be one pass each.
pub fn in_group(code: Expr, prefixes: &[String]) -> Expr {
    let alternatives: Vec<String> = prefixes
        .iter()
        .map(|p| regex::escape(&normalize_code(p)))
        .collect();
    // (Config accepts only non-empty alphanumeric prefixes.)
    if alternatives.is_empty() {
        return lit(false);
    }
    code.str()
        .contains(lit(format!("^(?:{})", alternatives.join("|"))), true)
        .fill_null(lit(false))
}

/// True when the CPT lies in one of the configured codes or ranges.
pub fn in_cpt_set(cpt: Expr, specs: &[String]) -> Expr {
    specs
        .iter()
        .filter_map(|s| parse_cpt_range(s))
        .map(|(lo, hi)| cpt.clone().gt_eq(lit(lo)).and(cpt.clone().lt_eq(lit(hi))))
        .reduce(|a, b| a.or(b))
        .unwrap_or(lit(false))
}

/// A normalised code printed with its dot, as reports show codes: `M6281` -> `M62.81`.
pub fn dotted(code: Expr) -> Expr {
    when(code.clone().str().len_chars().gt(lit(3)))
        .then(concat_str(
            [
                code.clone().str().slice(lit(0), lit(3)),
                lit("."),
                code.clone().str().slice(lit(3), lit(NULL_LEN)),
            ],
            "",
            false,
        ))
        .otherwise(code)
}

/// Slice length meaning "to the end".
const NULL_LEN: u32 = 1000;

/// `M62.81 (dx 1)`: a code and its position on the claim.
pub fn code_at(code: Expr, position: Expr) -> Expr {
    concat_str(
        [
            dotted(code),
            lit(" (dx "),
            position.cast(DataType::String),
            lit(")"),
        ],
        "",
        false,
    )
}

/// A date as `YYYY-MM-DD` text.
pub fn date_text(date: Expr) -> Expr {
    date.dt().strftime("%Y-%m-%d")
}

/// Several rows per claim folded into one: evidence parts sorted and `; `-joined.
pub fn per_claim(lf: LazyFrame) -> LazyFrame {
    lf.group_by([col("__claim")]).agg([col("evidence")
        .unique()
        .sort(Default::default())
        .str()
        .join("; ", true)])
}
