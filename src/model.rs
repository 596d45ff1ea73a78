//! The normalised tables every check reads, and the input columns they come from.
//!
//! | table       | one row per          | columns |
//! |-------------|----------------------|---------|
//! | `claims`    | service line         | claim_id str, line_number i32, patient_id str, provider_id str, service_date date, cpt_code str, modifiers str?, units i32, charge_cents i64, paid_cents i64?, payer str, dx_codes str (normalised, `;`-joined), dx_pointers str? |
//! | `claim_dx`  | diagnosis of a claim | claim_id str, position i32 (1 = primary), code str (normalised: `M6281`) |
//! | `visits`    | claim                | claim_id, patient_id, provider_id (line 1's), service_date, payer, amount_cents i64 (paid where known, else charge, summed over lines), lines i32, in_period bool |
//! | `notes`     | clinical note        | note_id, patient_id, note_date date, note_type str?, claim_id str?, provider_id str?, text str |
//!
//! Amounts are integer cents so that sums are exact and identical across runs
//! and thread counts.

use polars::prelude::*;

/// How a contract column is parsed and validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Identifier or short text: trimmed, empty means missing.
    Text,
    /// Free text (note body): kept as written, empty means missing.
    LongText,
    /// `YYYY-MM-DD` or `MM/DD/YYYY`.
    Date,
    /// Whole number 1 or more.
    LineNumber,
    /// Whole number 0 or more, default 1.
    Units,
    /// Decimal amount, `$` and thousands separators tolerated; stored as cents.
    Amount,
    /// 5-character CPT/HCPCS code.
    Cpt,
    /// ICD-10-CM codes separated by `;`, `,`, `|` or spaces.
    DxList,
}

/// One column of an input as CONTRACT.md defines it.
#[derive(Debug, Clone, Copy)]
pub struct ColumnSpec {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
}

const fn spec(name: &'static str, kind: Kind, required: bool) -> ColumnSpec {
    ColumnSpec {
        name,
        kind,
        required,
    }
}

/// The claims export, in contract order (rejects name the first bad column in this order).
pub const CLAIM_COLUMNS: &[ColumnSpec] = &[
    spec("claim_id", Kind::Text, true),
    spec("line_number", Kind::LineNumber, true),
    spec("patient_id", Kind::Text, true),
    spec("provider_id", Kind::Text, true),
    spec("service_date", Kind::Date, true),
    spec("cpt_code", Kind::Cpt, true),
    spec("modifiers", Kind::Text, false),
    spec("units", Kind::Units, false),
    spec("charge_amount", Kind::Amount, true),
    spec("paid_amount", Kind::Amount, false),
    spec("payer", Kind::Text, false),
    spec("dx_codes", Kind::DxList, true),
    spec("dx_pointers", Kind::Text, false),
];

/// CMS-1500 box 21 A–L, accepted instead of `dx_codes`.
pub const DX_COLUMNS: &[&str] = &[
    "dx1", "dx2", "dx3", "dx4", "dx5", "dx6", "dx7", "dx8", "dx9", "dx10", "dx11", "dx12",
];

/// The notes export, in contract order.
pub const NOTE_COLUMNS: &[ColumnSpec] = &[
    spec("note_id", Kind::Text, true),
    spec("patient_id", Kind::Text, true),
    spec("note_date", Kind::Date, true),
    spec("note_type", Kind::Text, false),
    spec("claim_id", Kind::Text, false),
    spec("provider_id", Kind::Text, false),
    spec("text", Kind::LongText, true),
];

/// The normalised tables of one audit, held in memory once and read lazily by every check.
#[derive(Clone)]
pub struct AuditTables {
    pub claims: DataFrame,
    pub claim_dx: DataFrame,
    pub visits: DataFrame,
    pub notes: DataFrame,
    /// One row per note: what its text documents (see `evidence`).
    pub note_facts: DataFrame,
}

/// The audit period: claims dated inside it are audited; everything else is history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
}

impl Period {
    pub const ALL: Period = Period {
        from: None,
        to: None,
    };

    /// Boolean expression over a date column: inside the period.
    pub fn contains(&self, date: Expr) -> Expr {
        let mut cond = lit(true);
        if let Some(from) = self.from {
            cond = cond.and(date.clone().gt_eq(lit(from)));
        }
        if let Some(to) = self.to {
            cond = cond.and(date.lt_eq(lit(to)));
        }
        cond
    }

    /// `2026-01-01..2026-01-31`, or `all dates`.
    pub fn label(&self) -> String {
        match (self.from, self.to) {
            (None, None) => "all dates".into(),
            (f, t) => format!(
                "{}..{}",
                f.map(|d| d.to_string()).unwrap_or_default(),
                t.map(|d| d.to_string()).unwrap_or_default()
            ),
        }
    }
}

impl AuditTables {
    /// Builds claim_dx and visits from validated claim lines. `claims` must
    /// hold only lines that passed validation, whose claims agree on patient,
    /// date and diagnoses (ingest guarantees it).
    pub fn build(
        claims: DataFrame,
        notes: DataFrame,
        note_facts: DataFrame,
        period: Period,
    ) -> PolarsResult<AuditTables> {
        // One row per claim. Lines of a claim agree on patient, date and
        // diagnoses (ingest rejects claims whose lines disagree), so any line
        // gives them; the provider is line 1's (the lowest line number).
        // Lines in line-number order (a stable sort on one integer), so that
        // the first row of each claim is line 1 and `first()` needs no
        // per-group sort: per-group sort_by is slow over millions of claims.
        let first_lines = claims
            .clone()
            .lazy()
            .sort(
                ["line_number"],
                SortMultipleOptions::default().with_maintain_order(true),
            )
            .group_by([col("claim_id")])
            .agg([
                col("patient_id").first(),
                col("provider_id").first(),
                col("service_date").first(),
                // the first known payer, in line order
                col("payer").drop_nulls().first(),
                col("dx_codes").first(),
                coalesce(&[col("paid_cents"), col("charge_cents")])
                    .sum()
                    .alias("amount_cents"),
                len().cast(DataType::Int32).alias("lines"),
            ])
            .sort(["claim_id"], Default::default())
            .collect()?
            .lazy();
        let visits = first_lines
            .clone()
            .select([
                col("claim_id"),
                col("patient_id"),
                col("provider_id"),
                col("service_date"),
                col("payer").fill_null(lit("")),
                col("amount_cents"),
                col("lines"),
                period.contains(col("service_date")).alias("in_period"),
            ])
            .collect()?;
        // Positions come with the codes (1..n per claim), exploded together:
        // no window over claim_id.
        let codes = col("dx_codes").str().split(lit(";"));
        let claim_dx = first_lines
            .select([
                col("claim_id"),
                codes.clone().alias("code"),
                int_ranges(
                    lit(1),
                    codes.list().len().cast(DataType::Int32) + lit(1),
                    lit(1),
                    DataType::Int32,
                )
                .alias("position"),
            ])
            .explode(
                cols(["code", "position"]),
                ExplodeOptions {
                    empty_as_null: true,
                    keep_nulls: false,
                },
            )
            .select([col("claim_id"), col("position"), col("code")])
            .collect()?;
        Ok(AuditTables {
            claims,
            claim_dx,
            visits,
            notes,
            note_facts,
        })
    }
}
