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
//!
//! Internal join keys (hidden from SQL and exports, which drop `__` columns):
//! `__claim` (u32, the claim's rank in claim_id order) on visits, claim_dx and
//! note_facts; `__patient` (u32, rank in patient_id order) on visits and
//! note_facts; `__note` (u32, row of note_facts). Joins, group-bys and sorts on
//! these integers give the same result as on the ids they stand for (ranks keep
//! the order), at a fraction of the cost of hashing and comparing strings.

pub mod derived;

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
        // Each line gets its claim's key (the claim's rank in claim_id order),
        // so that the group-by and sorts work on integers, not strings.
        // Exports usually list claims in claim_id order, each claim's lines
        // together and in line order: then the key is the run number, the
        // lines are already in line order, and the group-by takes slices.
        // Otherwise the keys are ranked through a hash table, and lines are
        // put in line-number order (a stable sort on one integer) so that the
        // first row of each claim is line 1 and `first()` needs no per-group
        // sort (per-group sort_by is slow over millions of claims).
        let claim_col = claims.column("claim_id")?.str()?;
        let lines_col = claims.column("line_number")?.i32()?;
        let (line_keys, in_line_order) =
            crate::timing::stage("  line keys", || match run_keys(claim_col, lines_col) {
                Some((keys, in_line_order)) => (keys, in_line_order),
                None => (rank_keys(&[claim_col]).remove(0), false),
            });
        let mut lines = claims.clone();
        lines.with_column(line_keys.with_name("__claim".into()).into_column())?;
        let mut lines = lines.lazy();
        if !in_line_order {
            lines = lines.sort(
                ["line_number"],
                SortMultipleOptions::default().with_maintain_order(true),
            );
        }
        let first_lines = lines
            .group_by([col("__claim")])
            .agg([
                col("claim_id").first(),
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
            // Keys are dense ranks: after this sort, row i is the claim with key i.
            .sort(["__claim"], Default::default());
        let first_lines = crate::timing::stage("  claims", || first_lines.collect())?;
        let claim_ids = first_lines.column("claim_id")?.str()?.clone();
        let fact_claims = note_facts.column("claim_id")?.str()?.clone();
        let fact_claim_key = crate::timing::stage("  note claim keys", || {
            lookup_keys(&claim_ids, &fact_claims).with_name("__claim".into())
        });
        let (visit_patients, note_patients) = (
            first_lines.column("patient_id")?.str()?,
            note_facts.column("patient_id")?.str()?,
        );
        let patient_keys = crate::timing::stage("  patient keys", || {
            rank_keys(&[visit_patients, note_patients])
        });
        let mut first_lines = first_lines;
        first_lines.with_column(
            patient_keys[0]
                .clone()
                .with_name("__patient".into())
                .into_column(),
        )?;
        let mut note_facts = note_facts;
        let n_notes = note_facts.height() as u32;
        note_facts.with_column(
            UInt32Chunked::from_vec("__note".into(), (0..n_notes).collect()).into_column(),
        )?;
        note_facts.with_column(fact_claim_key.into_column())?;
        note_facts.with_column(
            patient_keys[1]
                .clone()
                .with_name("__patient".into())
                .into_column(),
        )?;
        let first_lines = first_lines.lazy();
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
                col("__claim"),
                col("__patient"),
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
                col("__claim"),
            ])
            .explode(
                cols(["code", "position"]),
                ExplodeOptions {
                    empty_as_null: true,
                    keep_nulls: false,
                },
            )
            .select([
                col("claim_id"),
                col("position"),
                col("code"),
                col("__claim"),
            ]);
        let claim_dx = crate::timing::stage("  claim_dx", || claim_dx.collect())?;
        Ok(AuditTables {
            claims,
            claim_dx,
            visits,
            notes,
            note_facts,
        })
    }
}

/// Where each value of `values` sits in `keys` (distinct, ascending, no
/// nulls): its position, or null when absent or null. Binary search, in
/// parallel over the values.
fn lookup_keys(keys: &StringChunked, values: &StringChunked) -> UInt32Chunked {
    use rayon::prelude::*;
    let keys = keys.rechunk();
    let keys = keys.downcast_as_array();
    let find = |v: &str| -> Option<u32> {
        let (mut lo, mut hi) = (0usize, keys.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            match keys.value(mid).cmp(v) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid as u32),
            }
        }
        None
    };
    let values = values.rechunk();
    let values = values.downcast_as_array();
    let found: Vec<Option<u32>> = (0..values.len())
        .into_par_iter()
        .with_min_len(4096)
        .map(|i| values.get(i).and_then(find))
        .collect();
    found.into_iter().collect()
}

/// Claim keys without hashing, when lines come in runs of one claim_id with
/// the ids strictly increasing from run to run: the key is the run number
/// (which is then also the claim's rank in claim_id order). Also says
/// whether every run's line numbers increase. None for any other layout.
fn run_keys(
    claim_ids: &StringChunked,
    line_numbers: &Int32Chunked,
) -> Option<(UInt32Chunked, bool)> {
    let ids = claim_ids.rechunk();
    let ids = ids.downcast_as_array();
    let lines = line_numbers.rechunk();
    let lines = lines.downcast_as_array();
    let mut keys: Vec<u32> = Vec::with_capacity(ids.len());
    let mut in_line_order = true;
    let mut key = 0u32;
    for i in 0..ids.len() {
        let id = ids.get(i)?;
        if i > 0 {
            let prev = ids.get(i - 1)?;
            if id == prev {
                in_line_order &= lines.get(i) > lines.get(i - 1);
            } else if id > prev {
                key += 1;
            } else {
                return None;
            }
        }
        keys.push(key);
    }
    let mut keys = UInt32Chunked::from_vec("__claim".into(), keys);
    keys.set_sorted_flag(polars::series::IsSorted::Ascending);
    Some((keys, in_line_order))
}

/// Dense keys for the values of several columns, shared across them and in
/// the values' sort order (equal values, equal keys; a < b, key a < key b).
fn rank_keys(columns: &[&StringChunked]) -> Vec<UInt32Chunked> {
    let mut ids: PlHashMap<&str, u32> = PlHashMap::new();
    let mut distinct: Vec<&str> = Vec::new();
    let mut provisional: Vec<Vec<Option<u32>>> = Vec::with_capacity(columns.len());
    for ca in columns {
        let mut out = Vec::with_capacity(ca.len());
        for v in ca.iter() {
            out.push(v.map(|s| {
                *ids.entry(s).or_insert_with(|| {
                    distinct.push(s);
                    (distinct.len() - 1) as u32
                })
            }));
        }
        provisional.push(out);
    }
    let mut order: Vec<u32> = (0..distinct.len() as u32).collect();
    {
        use rayon::prelude::*;
        order.par_sort_unstable_by(|a, b| distinct[*a as usize].cmp(distinct[*b as usize]));
    }
    let mut rank = vec![0u32; distinct.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[i as usize] = r as u32;
    }
    provisional
        .into_iter()
        .map(|v| v.into_iter().map(|k| k.map(|k| rank[k as usize])).collect())
        .collect()
}

/// A normalised code of the model printed with its dot, as reports (and
/// the SQL tables' `code_dotted`) show codes: `M6281` -> `M62.81`.
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

#[cfg(test)]
mod tests {
    use super::*;

    fn ca(v: &[Option<&str>]) -> StringChunked {
        StringChunked::new("".into(), v)
    }

    #[test]
    fn rank_keys_keep_order_and_equality_across_columns() {
        let a = ca(&[Some("P10"), Some("P02"), None, Some("P10")]);
        let b = ca(&[Some("P05"), Some("P02")]);
        let k = rank_keys(&[&a, &b]);
        let got: Vec<Vec<Option<u32>>> = k.iter().map(|c| c.iter().collect()).collect();
        assert_eq!(
            got,
            [
                vec![Some(2), Some(0), None, Some(2)],
                vec![Some(1), Some(0)]
            ]
        );
    }

    #[test]
    fn run_keys_number_increasing_runs_and_refuse_other_layouts() {
        let lines = |v: &[i32]| Int32Chunked::from_slice("".into(), v);
        let (k, ordered) = run_keys(
            &ca(&[Some("A"), Some("A"), Some("B"), Some("C")]),
            &lines(&[1, 2, 1, 1]),
        )
        .unwrap();
        assert_eq!(
            k.iter().collect::<Vec<_>>(),
            [Some(0), Some(0), Some(1), Some(2)]
        );
        assert!(ordered);
        let (_, ordered) = run_keys(&ca(&[Some("A"), Some("A")]), &lines(&[2, 1])).unwrap();
        assert!(!ordered, "line 2 before line 1");
        assert!(run_keys(&ca(&[Some("B"), Some("A")]), &lines(&[1, 1])).is_none());
        assert!(run_keys(&ca(&[Some("A"), Some("B"), Some("A")]), &lines(&[1, 1, 2])).is_none());
    }

    /// Claim lines (claim, line, payer, amount) of three claims, in the given row order.
    fn tables_of(order: &[usize]) -> AuditTables {
        let rows = [
            ("C1", 1, None, 100i64),
            ("C1", 2, Some("ACME"), 50),
            ("C2", 1, Some("MEDICARE"), 70),
            ("C3", 2, Some("LATE"), 10),
            ("C3", 1, None, 20),
        ];
        let r: Vec<_> = order.iter().map(|&i| rows[i]).collect();
        let n = r.len();
        let d = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        let claims = df!(
            "claim_id" => r.iter().map(|x| x.0).collect::<Vec<_>>(),
            "line_number" => r.iter().map(|x| x.1).collect::<Vec<i32>>(),
            "patient_id" => vec!["P"; n],
            "provider_id" => r.iter().map(|x| format!("D{}", x.1)).collect::<Vec<_>>(),
            "service_date" => vec![d; n],
            "cpt_code" => vec!["97110"; n],
            "modifiers" => vec![None::<&str>; n],
            "units" => vec![1i32; n],
            "charge_cents" => r.iter().map(|x| x.3).collect::<Vec<_>>(),
            "paid_cents" => vec![None::<i64>; n],
            "payer" => r.iter().map(|x| x.2).collect::<Vec<_>>(),
            "dx_codes" => vec!["M6281;R531"; n],
            "dx_pointers" => vec![None::<&str>; n],
        )
        .unwrap();
        let notes = df!(
            "note_id" => ["N1"], "patient_id" => ["P"], "note_date" => [d],
            "note_type" => [None::<&str>], "claim_id" => [Some("C3")],
            "provider_id" => [None::<&str>], "text" => ["x"],
        )
        .unwrap();
        let facts = crate::evidence::note_facts(
            notes.clone().lazy(),
            &crate::config::Config::default().evidence,
        )
        .collect()
        .unwrap();
        AuditTables::build(claims, notes, facts, Period::ALL).unwrap()
    }

    #[test]
    fn visits_do_not_depend_on_the_order_of_lines() {
        let ordered = tables_of(&[0, 1, 2, 4, 3]); // runs in claim and line order: no hashing
        let lines_out_of_order = tables_of(&[0, 1, 2, 3, 4]);
        let shuffled = tables_of(&[3, 2, 0, 4, 1]);
        for t in [&lines_out_of_order, &shuffled] {
            assert!(t.visits.equals_missing(&ordered.visits), "{}", t.visits);
            assert!(t.claim_dx.equals_missing(&ordered.claim_dx));
            assert!(t.note_facts.equals_missing(&ordered.note_facts));
        }
        let v = &ordered.visits;
        let strs = |c: &str| -> Vec<String> {
            v.column(c)
                .unwrap()
                .str()
                .unwrap()
                .iter()
                .map(|x| x.unwrap().to_string())
                .collect()
        };
        assert_eq!(strs("claim_id"), ["C1", "C2", "C3"]);
        assert_eq!(strs("provider_id"), ["D1", "D1", "D1"], "line 1's provider");
        assert_eq!(
            strs("payer"),
            ["ACME", "MEDICARE", "LATE"],
            "first known payer in line order"
        );
        let keys: Vec<_> = ordered
            .note_facts
            .column("__claim")
            .unwrap()
            .u32()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(keys, [Some(2)]);
    }

    #[test]
    fn lookup_keys_are_positions_or_null() {
        let keys = ca(&[Some("C1"), Some("C2")]);
        let got: Vec<Option<u32>> =
            lookup_keys(&keys, &ca(&[Some("C2"), None, Some("C9"), Some("C1")]))
                .iter()
                .collect();
        assert_eq!(got, [Some(1), None, None, Some(0)]);
    }
}
