//! Turns raw text columns into typed model columns, and names why a row
//! cannot be used. Every rule is a Polars expression over the whole column,
//! so validation costs one vectorised pass.

use polars::prelude::*;

use crate::model::{ColumnSpec, Kind};

/// Shape of one normalised ICD-10-CM code: letter, digit, alphanumeric, then up to 4 more.
pub const DX_CODE_SHAPE: &str = r"[A-Z][0-9][0-9A-Z][0-9A-Z]{0,4}";

/// What validation makes of one column: the typed value and, for bad rows, a reason.
pub struct Parsed {
    /// Output column name (amounts become `*_cents`).
    pub output: String,
    pub value: Expr,
    /// True when the row must be rejected for this column.
    pub bad: Expr,
    /// Why, in words (never the note text: only short coded values are quoted).
    pub reason: Expr,
}

/// The raw value trimmed, with empty text as null.
fn trimmed(name: &str) -> Expr {
    let t = col(name)
        .str()
        .strip_chars(lit(LiteralValue::untyped_null()));
    when(t.clone().eq(lit("")))
        .then(lit(LiteralValue::untyped_null()).cast(DataType::String))
        .otherwise(t)
}

/// `"<what>: "<raw value, at most 40 characters>"`.
fn quoted(what: &str, name: &str) -> Expr {
    concat_str(
        [
            lit(format!("{what}: \"")),
            col(name).cast(DataType::String).str().head(lit(40)),
            lit("\""),
        ],
        "",
        false,
    )
}

/// Days since 1970-01-01 (Polars' physical Date).
pub fn day_number(y: i32, m: u32, d: u32) -> i32 {
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
    let date = chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
    (date - epoch).num_days() as i32
}

/// Dates are parsed as `YYYY-MM-DD` or `MM/DD/YYYY`, and must fall in 1900–2100.
pub fn parse_date(raw: Expr) -> Expr {
    let iso = raw
        .clone()
        .str()
        .contains(lit(r"^\d{4}-\d{2}-\d{2}$"), true);
    let us = raw
        .clone()
        .str()
        .contains(lit(r"^\d{1,2}/\d{1,2}/\d{4}$"), true);
    let opts = |fmt: &str| StrptimeOptions {
        format: Some(fmt.into()),
        strict: false,
        exact: true,
        cache: true,
    };
    let us_padded = raw
        .clone()
        .str()
        .replace(lit(r"^(\d)/"), lit("0$1/"), false)
        .str()
        .replace(lit(r"/(\d)/"), lit("/0$1/"), false);
    when(iso)
        .then(raw.clone().str().to_date(opts("%Y-%m-%d")))
        .when(us)
        .then(us_padded.str().to_date(opts("%m/%d/%Y")))
        .otherwise(lit(LiteralValue::untyped_null()).cast(DataType::Date))
}

/// Text dates in a mapping's `date_format` (e.g. `%d-%b-%Y`) rewritten as
/// `YYYY-MM-DD`; values that do not match are kept as written, so the date
/// rule rejects them with its usual reason.
pub fn reformat_date(raw: Expr, format: &str) -> Expr {
    let parsed = raw.clone().str().to_date(StrptimeOptions {
        format: Some(format.into()),
        strict: false,
        exact: true,
        cache: true,
    });
    when(parsed.clone().is_not_null())
        .then(parsed.cast(DataType::String))
        .otherwise(raw)
}

/// `$1,234.50` -> 123450 cents; null when not a number. A `$` may lead
/// (after or before a sign), commas only as thousands separators (`1,234`,
/// not `1,23` nor the European `1.234,50`), spaces are ignored.
pub fn parse_cents(raw: Expr) -> Expr {
    let squeezed = raw.str().replace_all(lit(r"\s"), lit(""), false);
    let plain = squeezed.clone().str().contains(
        lit(r"^(?:[+-]?\$?|\$[+-])(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d*)?$"),
        true,
    );
    let cleaned = squeezed.str().replace_all(lit(r"[$,]"), lit(""), false);
    let number = cleaned
        .clone()
        .str()
        .contains(lit(r"^[+-]?(\d+\.?\d*|\.\d+)$"), true);
    when(plain.and(number))
        .then(
            (cleaned.cast(DataType::Float64) * lit(100.0))
                .round(0, RoundMode::HalfAwayFromZero)
                .cast(DataType::Int64),
        )
        .otherwise(lit(LiteralValue::untyped_null()).cast(DataType::Int64))
}

/// Diagnosis list normalised: upper case, no dots, `;` between codes.
pub fn normalize_dx_list(raw: Expr) -> Expr {
    raw.str()
        .to_uppercase()
        .str()
        .replace_all(lit("."), lit(""), true)
        .str()
        .replace_all(lit(r"[;,|\s]+"), lit(";"), false)
        .str()
        .strip_chars(lit(";"))
}

/// Column names of the values [`precompute`] adds beside a raw text column.
pub fn pre_value(name: &str) -> String {
    format!("__pre_value_{name}")
}
pub fn pre_bad(name: &str) -> String {
    format!("__pre_bad_{name}")
}

/// Which text columns are clean: no value is empty or has white space at
/// either end, so trimming them would change nothing.
pub fn is_clean(ca: &StringChunked) -> bool {
    ca.iter().flatten().all(|v| {
        !v.is_empty() && !v.starts_with(char::is_whitespace) && !v.ends_with(char::is_whitespace)
    })
}

/// The distinct values of a column in order of first appearance, and for
/// each row the index of its value (to spread a per-distinct result back
/// with `take`). None as soon as more than `max_distinct` values are seen.
pub fn distinct_rows<K: std::hash::Hash + Eq + Copy>(
    values: impl ExactSizeIterator<Item = K>,
    max_distinct: Option<usize>,
) -> Option<(Vec<K>, IdxCa)> {
    let mut index: PlHashMap<K, IdxSize> = PlHashMap::new();
    let mut distinct: Vec<K> = Vec::new();
    let mut rows: Vec<IdxSize> = Vec::with_capacity(values.len());
    for v in values {
        let k = *index.entry(v).or_insert_with(|| {
            distinct.push(v);
            (distinct.len() - 1) as IdxSize
        });
        rows.push(k);
        if max_distinct.is_some_and(|m| distinct.len() > m) {
            return None;
        }
    }
    Some((distinct, IdxCa::from_vec("".into(), rows)))
}

/// Adds the trimmed, normalised diagnosis list (`pre_value`, null when the
/// raw value is missing or blank) and whether it is of impossible shape or
/// empty (`pre_bad`), computed once per distinct raw value. Exactly what
/// [`normalize_dx_list`] and the shape check of [`parse_column`] compute,
/// with the same regular expressions, but not once per claim line.
pub fn precompute_dx(raw: &mut DataFrame, name: &str) -> PolarsResult<()> {
    let ca = raw.column(name)?.str()?.clone();
    let sep = regex::Regex::new(r"[;,|\s]+").unwrap();
    let shape = regex::Regex::new(&format!("^{DX_CODE_SHAPE}(;{DX_CODE_SHAPE})*$")).unwrap();
    // Each distinct raw list is normalised once; rows point at their list.
    let (distinct, rows) = distinct_rows(ca.iter(), None).expect("no limit");
    let (values, bad): (Vec<Option<String>>, Vec<bool>) = distinct
        .into_iter()
        .map(|v| match v.map(str::trim) {
            None | Some("") => (None, false),
            Some(t) => {
                let up = t.to_uppercase().replace('.', "");
                let n = sep.replace_all(&up, ";").trim_matches(';').to_string();
                let b = n.is_empty() || !shape.is_match(&n);
                (Some(n), b)
            }
        })
        .unzip();
    let values = Column::new(pre_value(name).into(), values).take(&rows)?;
    let bad = Column::new(pre_bad(name).into(), bad).take(&rows)?;
    raw.with_column(values)?;
    raw.with_column(bad)?;
    Ok(())
}

/// The parse and validation of one contract column, read from column `name`
/// of type `dtype`: text, or a native type kept by ingest (integers for line
/// numbers and units, numbers for amounts; dates always arrive as text). `clean` says
/// the text column needs no trimming ([`is_clean`]); `pre` that
/// [`precompute_dx`] has run for it.
pub fn parse_column_fast(
    spec: &ColumnSpec,
    dtype: &DataType,
    clean: bool,
    pre: bool,
    show_values: bool,
) -> Parsed {
    let name = spec.name;
    let quoted = |what: &str, name: &str| {
        if show_values {
            quoted(what, name)
        } else {
            lit(what.to_string())
        }
    };
    if pre && spec.kind == Kind::DxList {
        let t = col(pre_value(name).as_str());
        let no_code = t.clone().eq(lit(""));
        let invalid = t.clone().is_not_null().and(col(pre_bad(name).as_str()));
        let invalid_reason = when(no_code)
            .then(lit("no diagnosis code"))
            .otherwise(quoted("diagnosis code of impossible shape", name));
        return finish(
            spec,
            t.clone().is_null(),
            name.into(),
            t,
            invalid,
            invalid_reason,
        );
    }
    if clean && matches!(spec.kind, Kind::Text) && dtype == &DataType::String {
        // trimmed(name) is the column itself; nothing is missing but nulls
        let t = col(name);
        return finish(
            spec,
            t.clone().is_null(),
            name.into(),
            t,
            lit(false),
            lit(""),
        );
    }
    parse_column_typed(spec, dtype, show_values)
}

fn finish(
    spec: &ColumnSpec,
    missing: Expr,
    output: String,
    value: Expr,
    invalid: Expr,
    invalid_reason: Expr,
) -> Parsed {
    let (bad, reason) = if spec.required {
        (
            missing.clone().or(invalid),
            when(missing)
                .then(lit("required value is empty"))
                .otherwise(invalid_reason),
        )
    } else {
        (invalid, invalid_reason)
    };
    Parsed {
        output,
        value,
        bad,
        reason,
    }
}

/// The parse and validation of one contract column, read from column `name`
/// of type `dtype`: text, or a native type kept by ingest (integers for line
/// numbers and units, numbers for amounts; dates always arrive as text).
pub fn parse_column_typed(spec: &ColumnSpec, dtype: &DataType, show_values: bool) -> Parsed {
    let name = spec.name;
    let quoted = |what: &str, name: &str| {
        if show_values {
            quoted(what, name)
        } else {
            lit(what.to_string())
        }
    };
    let c = col(name);
    let native = match (spec.kind, dtype) {
        (Kind::LineNumber | Kind::Units, dt) if dt.is_integer() => {
            let n = c.clone().cast(DataType::Int64);
            let min = if spec.kind == Kind::LineNumber { 1 } else { 0 };
            let ok = n
                .clone()
                .gt_eq(lit(min))
                .and(n.clone().lt_eq(lit(999_999_999i64)));
            let what = if min == 1 {
                "not a whole number of 1 or more"
            } else {
                "not a whole number of 0 or more"
            };
            let v = n.cast(DataType::Int32);
            let v = if spec.kind == Kind::Units {
                v.fill_null(lit(1))
            } else {
                v
            };
            Some((
                name.to_string(),
                v,
                c.clone().is_not_null().and(ok.not()),
                quoted(what, name),
            ))
        }
        (Kind::Amount, dt) if dt.is_primitive_numeric() || dt.is_decimal() => {
            let cents = (c.clone().cast(DataType::Float64) * lit(100.0))
                .round(0, RoundMode::HalfAwayFromZero)
                .cast(DataType::Int64);
            let bad = c
                .clone()
                .is_not_null()
                .and(cents.clone().is_null().or(cents.clone().lt(lit(0))));
            let reason = when(cents.clone().is_null())
                .then(quoted("not an amount", name))
                .otherwise(quoted("negative amount", name));
            Some((name.replace("_amount", "_cents"), cents, bad, reason))
        }
        _ => None,
    };
    let Some((output, value, invalid, invalid_reason)) = native else {
        return parse_column_with(spec, show_values);
    };
    finish(spec, c.is_null(), output, value, invalid, invalid_reason)
}

/// The parse and validation of one contract column, read from column `name` (text).
/// Reject reasons quote the raw value (at most 40 characters).
pub fn parse_column(spec: &ColumnSpec) -> Parsed {
    parse_column_with(spec, true)
}

/// As [`parse_column`]; with `show_values` false no raw value is quoted in a
/// reason. The notes export holds free text, and a shifted or malformed row
/// can put a piece of it in any column, so its reasons never quote values.
pub fn parse_column_with(spec: &ColumnSpec, show_values: bool) -> Parsed {
    let name = spec.name;
    let quoted = |what: &str, name: &str| {
        if show_values {
            quoted(what, name)
        } else {
            lit(what.to_string())
        }
    };
    let t = trimmed(name);
    let missing = t.clone().is_null();
    let empty_reason = lit("required value is empty");
    let (output, value, invalid, invalid_reason): (String, Expr, Expr, Expr) = match spec.kind {
        Kind::Text => (name.into(), t.clone(), lit(false), lit("")),
        Kind::LongText => {
            let v = col(name);
            // Blank means only whitespace (as `str::trim` counts it). A regex
            // stops at the first other character; trimming would copy every text.
            let blank = v.clone().str().contains(lit(r"^\s*$"), true);
            return Parsed {
                output: name.into(),
                value: v.clone(),
                bad: if spec.required {
                    v.is_null().or(blank)
                } else {
                    lit(false)
                },
                reason: empty_reason,
            };
        }
        Kind::Date => {
            let d = parse_date(t.clone());
            // Compared as day numbers: a Date compared with a date literal goes
            // through nanosecond datetimes, which are null before 1677.
            let days = d.clone().cast(DataType::Int32);
            let in_range = days
                .clone()
                .gt_eq(lit(day_number(1900, 1, 1)))
                .and(days.lt_eq(lit(day_number(2100, 12, 31))))
                .fill_null(lit(false));
            let bad = t
                .clone()
                .is_not_null()
                .and(d.clone().is_null().or(in_range.not()));
            let reason = when(d.clone().is_null())
                .then(quoted(
                    "not a date (expected YYYY-MM-DD or MM/DD/YYYY)",
                    name,
                ))
                .otherwise(quoted("date out of range (expected 1900-2100)", name));
            (name.into(), d, bad, reason)
        }
        Kind::LineNumber | Kind::Units => {
            let digits = t.clone().str().contains(lit(r"^\+?\d{1,9}$"), true);
            let n = when(digits)
                .then(t.clone().cast(DataType::Int64))
                .otherwise(lit(LiteralValue::untyped_null()).cast(DataType::Int64));
            let min = if spec.kind == Kind::LineNumber { 1 } else { 0 };
            let ok = n.clone().is_not_null().and(n.clone().gt_eq(lit(min)));
            let bad = t.clone().is_not_null().and(ok.not());
            let what = if min == 1 {
                "not a whole number of 1 or more"
            } else {
                "not a whole number of 0 or more"
            };
            let v = n.cast(DataType::Int32);
            let v = if spec.kind == Kind::Units {
                v.fill_null(lit(1))
            } else {
                v
            };
            (name.into(), v, bad, quoted(what, name))
        }
        Kind::Amount => {
            let c = parse_cents(t.clone());
            let bad = t
                .clone()
                .is_not_null()
                .and(c.clone().is_null().or(c.clone().lt(lit(0))));
            let reason = when(c.clone().is_null())
                .then(quoted("not an amount", name))
                .otherwise(quoted("negative amount", name));
            (name.replace("_amount", "_cents"), c, bad, reason)
        }
        Kind::Cpt => {
            let u = t.clone().str().to_uppercase();
            let bad = t
                .clone()
                .is_not_null()
                .and(u.clone().str().contains(lit("^[0-9A-Z]{5}$"), true).not());
            (
                name.into(),
                u,
                bad,
                quoted("CPT/HCPCS code must be 5 letters or digits", name),
            )
        }
        Kind::DxList => {
            let n = normalize_dx_list(t.clone());
            let shape = format!("^{DX_CODE_SHAPE}(;{DX_CODE_SHAPE})*$");
            let no_code = n.clone().eq(lit(""));
            let bad_shape = n.clone().str().contains(lit(shape), true).not();
            let bad = t.clone().is_not_null().and(no_code.clone().or(bad_shape));
            let reason = when(no_code)
                .then(lit("no diagnosis code"))
                .otherwise(quoted("diagnosis code of impossible shape", name));
            (name.into(), n, bad, reason)
        }
    };
    let (bad, reason) = if spec.required {
        (
            missing.clone().or(invalid),
            when(missing).then(empty_reason).otherwise(invalid_reason),
        )
    } else {
        (invalid, invalid_reason)
    };
    Parsed {
        output,
        value,
        bad,
        reason,
    }
}
