//! The aggregates every report shows (CHECKS.md "Not findings, but in every
//! report"), computed with Polars lazy plans from the findings frame and the
//! model (visits, claim_dx, note_facts). Never from raw inputs.
//!
//! Each plan is collected once, then turned into plain rows (sorted, ties
//! broken by id) that charts, the HTML page and summary.json all read, so the
//! three always agree.
//!
//! Definitions (also in the README):
//! - **provider share**: audited claims of the provider holding M62.81 at any
//!   position, divided by all the provider's audited claims.
//! - **peer group**: providers with at least `thresholds.provider_min_claims`
//!   audited claims. Providers with fewer are listed with their share but not
//!   ranked and never flagged: a share over a handful of claims says little.
//! - **percentile** (0-100): the share of peer-group providers whose M62.81
//!   share is at or below this provider's (ties get the same percentile; the
//!   highest share is 100). Flagged as an outlier at or above
//!   `thresholds.provider_outlier_percentile` (80, as CMS's PEPPER does).
//! - **amount at risk of a provider or payer**: each flagged claim once.
//!   Split by check, a claim counts under its first check in catalog order
//!   (the most severe), so the parts add up to the total.
//! - **M62.81 notes**: notes that support an audited M62.81 claim
//!   (CONTRACT.md: same claim_id, else same patient and date).

mod documentation;
mod months;
mod payers;
mod providers;
mod rejects;

use std::collections::BTreeMap;

use anyhow::Result;
use chrono::{Datelike, NaiveDate};
use polars::prelude::*;

use crate::checks::CheckInfo;
use crate::config::Config;
use crate::evidence::FACT_COLUMNS;
use crate::model::AuditTables;
use crate::model::derived::{Derived, asof_backward, numbered_m6281_visits};
pub use rejects::{RejectGroup, reject_groups};

/// One provider of the audited claims.
#[derive(Debug, Clone)]
pub struct ProviderRow {
    pub id: String,
    /// Audited claims rendered by the provider.
    pub claims: u64,
    pub m6281_claims: u64,
    /// m6281_claims / claims.
    pub share: f64,
    /// In the peer group (enough claims to be ranked).
    pub eligible: bool,
    /// 0-100, peer group only.
    pub percentile: Option<f64>,
    pub outlier: bool,
    pub findings: u64,
    pub claims_flagged: u64,
    /// Each flagged claim once.
    pub amount_cents: i64,
    /// Per check, in catalog order: findings and their amount at risk.
    pub check_findings: Vec<u64>,
    pub check_cents: Vec<i64>,
    /// Per check, in catalog order: amount at risk with each claim under its first check.
    pub primary_cents: Vec<i64>,
}

/// One payer (empty payer shown as "(not given)").
#[derive(Debug, Clone)]
pub struct PayerRow {
    pub payer: String,
    pub claims: u64,
    pub findings: u64,
    pub claims_flagged: u64,
    pub amount_cents: i64,
    pub check_findings: Vec<u64>,
    pub primary_cents: Vec<i64>,
}

/// Findings of one month, per check in catalog order.
#[derive(Debug, Clone)]
pub struct MonthRow {
    pub month: String,
    pub claims: u64,
    pub check_findings: Vec<u64>,
}

/// Reassessment cadence of the audited M62.81 visits.
#[derive(Debug, Clone, Default)]
pub struct Cadence {
    /// Per measured visit: M62.81 visits since the latest strength
    /// measurement (this one included) and days since it.
    pub measured: Vec<(i64, i64)>,
    /// Audited M62.81 visits of patients with no measurement on or before the visit.
    pub unmeasured: u64,
}

/// Documentation completeness of one group of M62.81 notes.
#[derive(Debug, Clone)]
pub struct CompletenessRow {
    /// `all` or a provider id.
    pub group: String,
    /// M62.81 claims of the group (providers), for the label.
    pub m6281_claims: u64,
    pub notes: u64,
    /// Notes holding each element, in FACT_COLUMNS order.
    pub with: [u64; 6],
}

/// Everything the reports show besides the per-check totals of the summary.
#[derive(Debug, Clone)]
pub struct Aggregates {
    /// Sorted by amount at risk (desc), then id.
    pub providers: Vec<ProviderRow>,
    /// Every month of the audited claims, in order.
    pub months: Vec<MonthRow>,
    /// Sorted by amount at risk (desc), then payer.
    pub payers: Vec<PayerRow>,
    pub cadence: Cadence,
    /// First row `all`, then the five providers with the most M62.81 claims.
    pub completeness: Vec<CompletenessRow>,
    /// The lowest share among outliers: the outlier line of the share chart.
    pub outlier_cut: Option<f64>,
    pub peer_count: usize,
    pub min_claims: u64,
    pub outlier_percentile: f64,
    pub max_visits: i64,
    pub max_days: i64,
}

impl Aggregates {
    /// Providers in the peer group, by share ascending, then id.
    pub fn ranked(&self) -> Vec<&ProviderRow> {
        let mut v: Vec<&ProviderRow> = self.providers.iter().filter(|p| p.eligible).collect();
        v.sort_by(|a, b| a.share.total_cmp(&b.share).then_with(|| a.id.cmp(&b.id)));
        v
    }

    /// Providers with the most M62.81 claims (ties by id), at most `n`.
    pub fn top_m6281(&self, n: usize) -> Vec<&ProviderRow> {
        let mut v: Vec<&ProviderRow> = self
            .providers
            .iter()
            .filter(|p| p.m6281_claims > 0)
            .collect();
        v.sort_by(|a, b| {
            b.m6281_claims
                .cmp(&a.m6281_claims)
                .then_with(|| a.id.cmp(&b.id))
        });
        v.truncate(n);
        v
    }
}

fn cents(amount: Expr) -> Expr {
    (amount * lit(100.0))
        .round(0, RoundMode::HalfAwayFromZero)
        .cast(DataType::Int64)
}

fn strs(df: &DataFrame, name: &str) -> Result<Vec<String>> {
    let c = df.column(name)?.cast(&DataType::String)?;
    Ok(c.str()?
        .iter()
        .map(|v| v.unwrap_or("").to_string())
        .collect())
}

fn u64s(df: &DataFrame, name: &str) -> Result<Vec<u64>> {
    let c = df.column(name)?.cast(&DataType::UInt64)?;
    Ok(c.u64()?.iter().map(|v| v.unwrap_or(0)).collect())
}

fn i64s(df: &DataFrame, name: &str) -> Result<Vec<Option<i64>>> {
    let c = df.column(name)?.cast(&DataType::Int64)?;
    Ok(c.i64()?.iter().collect())
}

fn f64s(df: &DataFrame, name: &str) -> Result<Vec<Option<f64>>> {
    let c = df.column(name)?.cast(&DataType::Float64)?;
    Ok(c.f64()?.iter().collect())
}

fn bools(df: &DataFrame, name: &str) -> Result<Vec<bool>> {
    Ok(df
        .column(name)?
        .bool()?
        .iter()
        .map(|v| v.unwrap_or(false))
        .collect())
}

/// `(key, check_id) -> value` rows as a map keyed by key, one slot per check.
fn per_check<T: Copy + Default>(
    keys: &[String],
    check_ids: &[String],
    values: &[T],
    order: &BTreeMap<String, usize>,
) -> BTreeMap<String, Vec<T>> {
    let mut out: BTreeMap<String, Vec<T>> = BTreeMap::new();
    for ((k, c), v) in keys.iter().zip(check_ids).zip(values) {
        if let Some(&i) = order.get(c) {
            out.entry(k.clone())
                .or_insert_with(|| vec![T::default(); order.len()])[i] = *v;
        }
    }
    out
}

/// A date's month as one number, `year * 12 + month - 1`: cheap to group by.
fn month_number(date: Expr) -> Expr {
    date.clone().dt().year() * lit(12) + date.dt().month().cast(DataType::Int32) - lit(1)
}

/// A [`month_number`] column as `YYYY-MM` texts (for the few grouped rows).
fn month_texts(df: &DataFrame) -> Result<Vec<String>> {
    Ok(i64s(df, "month")?
        .into_iter()
        .map(|n| {
            let n = n.unwrap_or(0);
            format!("{:04}-{:02}", n.div_euclid(12), n.rem_euclid(12) + 1)
        })
        .collect())
}

/// Months `YYYY-MM` from `from` to `to`, inclusive.
pub fn month_range(from: NaiveDate, to: NaiveDate) -> Vec<String> {
    let mut out = Vec::new();
    let (mut y, mut m) = (from.year(), from.month());
    while (y, m) <= (to.year(), to.month()) {
        out.push(format!("{y:04}-{m:02}"));
        if m == 12 {
            y += 1;
            m = 1;
        } else {
            m += 1;
        }
    }
    out
}

/// Builds every aggregate. `findings` is the findings frame of CONTRACT.md.
pub fn build(
    findings: &DataFrame,
    tables: &AuditTables,
    config: &Config,
    checks: &[CheckInfo],
) -> Result<Aggregates> {
    let ctx = Derived::new(tables, config)?;
    finish(findings, &ModelCounts::of(&ctx)?, config, checks)
}

/// What the aggregates read from the model, reduced to counts that add up
/// over shards of patients (see `shard`): a sharded run merges them.
#[derive(Debug, Clone)]
pub struct ModelCounts {
    /// Audited claims by provider_id, payer, month and is_m6281: `claims`,
    /// and the `first` and `last` service date of each group.
    pub claims: DataFrame,
    pub cadence: Cadence,
    /// M62.81 notes, each once: one row of `notes` and FACT_COLUMNS counts.
    pub notes_all: DataFrame,
    /// The same counts per provider_id (a note counts under each provider it supports).
    pub notes_by_provider: DataFrame,
}

impl ModelCounts {
    /// The counts of one model (a whole run or one shard).
    pub fn of(ctx: &Derived) -> Result<ModelCounts> {
        let audited = ctx.audited.clone().select([
            col("__claim"),
            col("provider_id"),
            when(col("payer").fill_null(lit("")).eq(lit("")))
                .then(lit("(not given)"))
                .otherwise(col("payer"))
                .alias("payer"),
            col("service_date"),
            month_number(col("service_date")).alias("month"),
        ]);
        let m6281_ids = ctx
            .m6281_claims
            .clone()
            .select([col("__claim")])
            .with_column(lit(true).alias("is_m6281"));
        let claims = audited
            .join(
                m6281_ids,
                [col("__claim")],
                [col("__claim")],
                JoinArgs::new(JoinType::Left).with_coalesce(JoinCoalesce::CoalesceColumns),
            )
            .with_column(col("is_m6281").fill_null(lit(false)))
            .group_by(Self::claim_keys())
            .agg([
                len().cast(DataType::UInt64).alias("claims"),
                col("service_date").min().alias("first"),
                col("service_date").max().alias("last"),
            ]);
        let claims = crate::timing::stage("  aggregates: audited claims", || claims.collect())?;
        let cadence = crate::timing::stage("  aggregates: cadence", || cadence(ctx))?;
        let (notes_all, notes_by_provider) =
            crate::timing::stage("  aggregates: m62.81 notes", || m6281_note_counts(ctx))?;
        Ok(ModelCounts {
            claims,
            cadence,
            notes_all,
            notes_by_provider,
        })
    }

    fn claim_keys() -> [Expr; 4] {
        [
            col("provider_id"),
            col("payer"),
            col("month"),
            col("is_m6281"),
        ]
    }

    /// The counts of several shards as one: sums (dates: first and last).
    pub fn merge(parts: Vec<ModelCounts>) -> Result<ModelCounts> {
        let stack = |frames: Vec<DataFrame>| -> PolarsResult<LazyFrame> {
            concat(
                frames.into_iter().map(|f| f.lazy()).collect::<Vec<_>>(),
                UnionArgs::default(),
            )
        };
        let mut claims = Vec::new();
        let mut all = Vec::new();
        let mut by_provider = Vec::new();
        let mut cadence = Cadence::default();
        for p in parts {
            claims.push(p.claims);
            all.push(p.notes_all);
            by_provider.push(p.notes_by_provider);
            cadence.measured.extend(p.cadence.measured);
            cadence.unmeasured += p.cadence.unmeasured;
        }
        // The charts count these pairs; their order means nothing, but is made fixed.
        cadence.measured.sort_unstable();
        let sums = || -> Vec<Expr> {
            std::iter::once(col("notes").sum())
                .chain(FACT_COLUMNS.iter().map(|c| col(*c).sum()))
                .collect()
        };
        Ok(ModelCounts {
            claims: stack(claims)?
                .group_by(Self::claim_keys())
                .agg([col("claims").sum(), col("first").min(), col("last").max()])
                .collect()?,
            cadence,
            notes_all: stack(all)?.select(sums()).collect()?,
            notes_by_provider: stack(by_provider)?
                .group_by([col("provider_id")])
                .agg(sums())
                .collect()?,
        })
    }
}

/// Turns the findings and the model's counts into the report's rows.
pub fn finish(
    findings: &DataFrame,
    counts: &ModelCounts,
    config: &Config,
    checks: &[CheckInfo],
) -> Result<Aggregates> {
    let t = &config.thresholds;
    let fl = Flagged::of(findings, checks)?;
    let audited = counts.claims.clone().lazy();
    let (providers, outlier_cut, peer_count) = providers::aggregate(&fl, &audited, t)?;
    let months = months::aggregate(&fl, &audited)?;
    let payers = payers::aggregate(&fl, &audited)?;
    // Reassessment cadence: counted with the model (same counting as m6281-no-reassessment).
    let cadence = counts.cadence.clone();
    let completeness = documentation::aggregate(counts, &providers)?;
    Ok(Aggregates {
        providers,
        months,
        payers,
        cadence,
        completeness,
        outlier_cut,
        peer_count,
        min_claims: t.provider_min_claims as u64,
        outlier_percentile: t.provider_outlier_percentile,
        max_visits: t.reassessment_max_visits,
        max_days: t.reassessment_max_days,
    })
}

/// The findings as the sections' aggregates read them, computed once:
/// every finding with its catalog position, amount in cents, payer ("(not
/// given)" when empty) and month, and one row per flagged claim under its
/// first check.
pub struct Flagged {
    /// check_id, claim_id, provider_id, service_date, amount_cents, payer, check_order, month.
    f: LazyFrame,
    /// claim_id, check_id, provider_id, payer, amount_cents: each flagged claim once.
    primary: LazyFrame,
    /// Check id -> position in the catalog.
    order: BTreeMap<String, usize>,
    n_checks: usize,
}

impl Flagged {
    fn of(findings: &DataFrame, checks: &[CheckInfo]) -> Result<Flagged> {
        let order: BTreeMap<String, usize> = checks
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.to_string(), i))
            .collect();
        let n_checks = checks.len();
        let order_df = df!(
            "check_id" => checks.iter().map(|c| c.id).collect::<Vec<_>>(),
            "check_order" => (0..n_checks as i32).collect::<Vec<_>>(),
        )?;
        let f = findings
            .clone()
            .lazy()
            .select([
                col("check_id"),
                col("claim_id"),
                col("provider_id"),
                col("service_date"),
                cents(col("amount_at_risk")).alias("amount_cents"),
                when(col("payer").fill_null(lit("")).eq(lit("")))
                    .then(lit("(not given)"))
                    .otherwise(col("payer"))
                    .alias("payer"),
            ])
            .join(
                order_df.lazy(),
                [col("check_id")],
                [col("check_id")],
                JoinArgs::new(JoinType::Inner),
            )
            .with_column(month_number(col("service_date")).alias("month"));
        // Read by a dozen plans below: computed once.
        let f = crate::timing::stage("  aggregates: findings", || f.collect())?.lazy();
        // One row per flagged claim, under its first check in catalog order.
        // Sorted once by catalog order, so each claim's first row is its first
        // check (a per-group sort_by is slow over millions of claims).
        let primary = f
            .clone()
            .sort(
                ["check_order"],
                SortMultipleOptions::default().with_maintain_order(true),
            )
            .group_by([col("claim_id")])
            .agg([
                col("check_id").first(),
                col("provider_id").first(),
                col("payer").first(),
                col("amount_cents").first(),
            ])
            .collect()?
            .lazy();
        Ok(Flagged {
            f,
            primary,
            order,
            n_checks,
        })
    }

    /// One zero count per check.
    fn zeros_u(&self) -> Vec<u64> {
        vec![0u64; self.n_checks]
    }

    /// One zero amount per check.
    fn zeros_i(&self) -> Vec<i64> {
        vec![0i64; self.n_checks]
    }
}

/// Left join on one key column, the key coalesced.
fn left_join(lf: LazyFrame, other: LazyFrame, key: &str) -> LazyFrame {
    lf.join(
        other,
        [col(key)],
        [col(key)],
        JoinArgs::new(JoinType::Left).with_coalesce(JoinCoalesce::CoalesceColumns),
    )
}

/// Notes that support an audited M62.81 claim, with what they document:
/// counted once each, and per provider of the claims they support.
fn m6281_note_counts(ctx: &Derived) -> Result<(DataFrame, DataFrame)> {
    let facts = ctx.note_facts().select(
        std::iter::once(col("__note"))
            .chain(FACT_COLUMNS.iter().map(|c| col(*c)))
            .collect::<Vec<_>>(),
    );
    let m_notes = ctx
        .support
        .clone()
        .join(
            ctx.audited_m6281().select([col("__claim")]),
            [col("__claim")],
            [col("__claim")],
            JoinArgs::new(JoinType::Semi),
        )
        .join(
            ctx.audited
                .clone()
                .select([col("__claim"), col("provider_id")]),
            [col("__claim")],
            [col("__claim")],
            JoinArgs::new(JoinType::Inner),
        )
        .select([col("provider_id"), col("__note")])
        .unique(None, UniqueKeepStrategy::Any)
        .join(
            facts,
            [col("__note")],
            [col("__note")],
            JoinArgs::new(JoinType::Inner),
        );
    let counts = || -> Vec<Expr> {
        std::iter::once(len().cast(DataType::UInt64).alias("notes"))
            .chain(
                FACT_COLUMNS
                    .iter()
                    .map(|c| col(*c).cast(DataType::UInt64).sum().alias(*c)),
            )
            .collect()
    };
    let m_notes = m_notes.collect()?.lazy();
    let overall = m_notes
        .clone()
        .drop(cols(["provider_id"]))
        .unique(Some(cols(["__note"])), UniqueKeepStrategy::Any)
        .select(counts())
        .collect()?;
    let by_provider = m_notes
        .group_by([col("provider_id")])
        .agg(counts())
        .collect()?;
    Ok((overall, by_provider))
}

/// For every audited M62.81 visit: visits since the patient's latest strength
/// measurement on or before it (M62.81 visits of any date dated after the
/// measurement, up to and including this one, in (date, claim_id) order) and
/// days since it. As in m6281-no-reassessment, but for every patient.
fn cadence(ctx: &Derived) -> Result<Cadence> {
    let (numbered, visits_by_date) = numbered_m6281_visits(ctx)?;
    let audited = numbered.filter(col("in_period"));
    let with_strength = ctx
        .with_latest_strength(audited, "service_date")
        .collect()?;
    let unmeasured = with_strength.column("strength_date")?.null_count() as u64;
    let measured = with_strength
        .lazy()
        .filter(col("strength_date").is_not_null());
    let since = asof_backward(measured, visits_by_date, "strength_date", "through_date")
        .select([
            (col("visit_no") - col("visits_through").fill_null(lit(0i64))).alias("visits_since"),
            (col("service_date") - col("strength_date"))
                .dt()
                .total_days(false)
                .alias("days_since"),
            col("__claim"),
        ])
        .sort(["__claim"], Default::default())
        .collect()?;
    let v = i64s(&since, "visits_since")?;
    let d = i64s(&since, "days_since")?;
    Ok(Cadence {
        measured: v
            .into_iter()
            .zip(d)
            .map(|(a, b)| (a.unwrap_or(0), b.unwrap_or(0)))
            .collect(),
        unmeasured,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::{empty_findings, registry};
    use crate::model::Period;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// Tables from (claim, patient, provider, date, normalised dx) and (note, patient, date, text).
    fn tables(
        claims: &[(&str, &str, &str, &str, &str)],
        notes: &[(&str, &str, &str, &str)],
    ) -> AuditTables {
        let n = claims.len();
        let claims = df!(
            "claim_id" => claims.iter().map(|c| c.0).collect::<Vec<_>>(),
            "line_number" => vec![1i32; n],
            "patient_id" => claims.iter().map(|c| c.1).collect::<Vec<_>>(),
            "provider_id" => claims.iter().map(|c| c.2).collect::<Vec<_>>(),
            "service_date" => claims.iter().map(|c| d(c.3)).collect::<Vec<_>>(),
            "cpt_code" => vec!["97110"; n],
            "modifiers" => vec![None::<&str>; n],
            "units" => vec![1i32; n],
            "charge_cents" => vec![10_000i64; n],
            "paid_cents" => vec![None::<i64>; n],
            "payer" => vec!["MEDICARE"; n],
            "dx_codes" => claims.iter().map(|c| c.4).collect::<Vec<_>>(),
            "dx_pointers" => vec![None::<&str>; n],
        )
        .unwrap();
        let m = notes.len();
        let notes = df!(
            "note_id" => notes.iter().map(|x| x.0).collect::<Vec<_>>(),
            "patient_id" => notes.iter().map(|x| x.1).collect::<Vec<_>>(),
            "note_date" => notes.iter().map(|x| d(x.2)).collect::<Vec<_>>(),
            "note_type" => vec![None::<&str>; m],
            "claim_id" => vec![None::<&str>; m],
            "provider_id" => vec![None::<&str>; m],
            "text" => notes.iter().map(|x| x.3).collect::<Vec<_>>(),
        )
        .unwrap();
        let facts = crate::evidence::note_facts(notes.clone().lazy(), &Config::default().evidence)
            .collect()
            .unwrap();
        AuditTables::build(claims, notes, facts, Period::ALL).unwrap()
    }

    #[test]
    fn months_cover_the_span() {
        assert_eq!(
            month_range(d("2025-11-30"), d("2026-02-01")),
            ["2025-11", "2025-12", "2026-01", "2026-02"]
        );
        assert_eq!(month_range(d("2026-03-01"), d("2026-03-31")), ["2026-03"]);
    }

    #[test]
    fn percentile_is_the_share_of_peers_at_or_below_and_few_claims_are_not_ranked() {
        // Shares: A 3/4, B 1/4, C 3/4 (tie with A), D 4/4, E 2/2 with too few claims.
        let mut rows = Vec::new();
        let spec = [
            ("A", 4, 3),
            ("B", 4, 1),
            ("C", 4, 3),
            ("D", 4, 4),
            ("E", 2, 2),
        ];
        let ids: Vec<String> = (0..18).map(|i| format!("C{i:02}")).collect();
        let mut k = 0;
        for (prov, n, m) in spec {
            for j in 0..n {
                let dx = if j < m { "M6281" } else { "R531" };
                rows.push((ids[k].as_str(), "P1", prov, "2026-01-05", dx));
                k += 1;
            }
        }
        let t = tables(&rows, &[]);
        let mut config = Config::default();
        config.thresholds.provider_min_claims = 3;
        let a = build(&empty_findings().unwrap(), &t, &config, &registry()).unwrap();
        let get = |id: &str| a.providers.iter().find(|p| p.id == id).unwrap();
        assert_eq!(get("B").percentile, Some(25.0));
        assert_eq!(get("A").percentile, Some(75.0));
        assert_eq!(get("C").percentile, Some(75.0));
        assert_eq!(get("D").percentile, Some(100.0));
        assert_eq!(get("E").percentile, None);
        assert!(!get("E").outlier && get("E").share == 1.0);
        let outliers: Vec<&str> = a
            .providers
            .iter()
            .filter(|p| p.outlier)
            .map(|p| p.id.as_str())
            .collect();
        assert_eq!(outliers, ["D"]);
        assert_eq!(a.outlier_cut, Some(1.0));
        assert_eq!(a.peer_count, 4);
        // Sorted by amount at risk (all zero here), then id.
        let order: Vec<&str> = a.providers.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(order, ["A", "B", "C", "D", "E"]);
        assert_eq!(
            a.ranked().iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
            ["B", "A", "C", "D"]
        );
    }

    #[test]
    fn cadence_counts_visits_and_days_since_the_latest_measurement() {
        let t = tables(
            &[
                ("C1", "P", "D1", "2026-01-01", "M6281"),
                ("C2", "P", "D1", "2026-01-05", "M6281"),
                ("C3", "P", "D1", "2026-01-10", "M6281"),
                ("C4", "Q", "D1", "2026-01-10", "M6281"),
                ("C5", "Q", "D1", "2026-01-11", "R531"),
            ],
            &[("N1", "P", "2026-01-01", "Hip flexors 3/5 bilaterally.")],
        );
        let a = build(
            &empty_findings().unwrap(),
            &t,
            &Config::default(),
            &registry(),
        )
        .unwrap();
        assert_eq!(a.cadence.measured, [(0, 0), (1, 4), (2, 9)]);
        assert_eq!(a.cadence.unmeasured, 1);
        // Completeness: N1 supports C1 (same patient and date, no claim_id).
        assert_eq!(a.completeness[0].group, "all");
        assert_eq!(a.completeness[0].notes, 1);
        assert_eq!(a.completeness[0].with[0], 1, "strength grade");
        assert_eq!(a.completeness[0].m6281_claims, 4);
    }
}
