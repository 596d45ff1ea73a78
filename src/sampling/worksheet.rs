//! sample.csv and spares.csv: the reviewers' worksheet, in CONTRACT.md's
//! columns, and reading it back once reviewed.
//!
//! Written as plain RFC 4180 CSV (UTF-8, `,`, fields quoted when they hold
//! a comma, quote or line break; amounts as `1234.50`) so that Excel opens it
//! and a re-save keeps it readable. Read back leniently the way spreadsheets
//! write: a BOM, CRLF, `$` and thousands separators in amounts, columns in
//! any order and extra columns are all accepted.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;
use polars::prelude::*;

use super::design::dollars;
use super::frame::ClaimRow;
use crate::input_error;

/// The worksheet's columns, in order.
pub const COLUMNS: [&str; 11] = [
    "item",
    "stratum",
    "claim_id",
    "patient_id",
    "provider_id",
    "service_date",
    "payer",
    "amount_paid",
    "checks",
    "audited_amount",
    "reviewer_note",
];

/// One line of the worksheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// 1-based.
    pub item: usize,
    /// The stratum's name ("" when unrestricted).
    pub stratum: String,
    pub claim: ClaimRow,
}

/// A CSV field, quoted when needed.
pub fn field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

/// The worksheet's text: header, then one line per item (review columns empty).
pub fn csv_text(items: &[Item]) -> String {
    let mut out = COLUMNS.join(",") + "\n";
    for it in items {
        let c = &it.claim;
        let cells = [
            it.item.to_string(),
            it.stratum.clone(),
            c.claim_id.clone(),
            c.patient_id.clone(),
            c.provider_id.clone(),
            c.service_date.clone(),
            c.payer.clone(),
            dollars(c.amount_cents),
            c.checks.clone(),
            String::new(),
            String::new(),
        ];
        out.push_str(&cells.iter().map(|v| field(v)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    out
}

/// One reviewed item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reviewed {
    pub item: usize,
    pub stratum: String,
    pub claim_id: String,
    pub amount_paid: i64,
    pub audited_amount: i64,
}

impl Reviewed {
    /// amount_paid - audited_amount, cents.
    pub fn overpayment(&self) -> i64 {
        self.amount_paid - self.audited_amount
    }
}

/// Reads a reviewed worksheet. Exit 2 with one line for a missing column, an
/// amount that is not a number (naming row and column), a repeated item, or
/// items without `audited_amount` (naming them all: never read as zero).
pub fn read_reviewed(path: &Path) -> Result<Vec<Reviewed>> {
    let name = path.display();
    if !path.is_file() {
        input_error!("{name}: no such file");
    }
    let read = LazyCsvReader::new(PlRefPath::new(path.to_string_lossy().as_ref()))
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .with_missing_is_null(true)
        .with_encoding(CsvEncoding::LossyUtf8)
        .finish()
        .and_then(|lf| lf.collect());
    let df = match read {
        Ok(df) => df,
        Err(e) => input_error!(
            "{name}: cannot read as CSV ({})",
            crate::error::safe_message(&e.to_string())
        ),
    };
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|n| n.trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    let column = |want: &str| -> Result<StringChunked> {
        let Some(i) = names.iter().position(|n| n == want) else {
            input_error!("{name}: column {want} missing (expected the columns of sample.csv)");
        };
        Ok(df.columns()[i].str()?.clone())
    };
    let (items, strata, claims, paid, audited) = (
        column("item")?,
        column("stratum")?,
        column("claim_id")?,
        column("amount_paid")?,
        column("audited_amount")?,
    );
    let (paid_cents, audited_cents) = (parse_amounts(&paid)?, parse_amounts(&audited)?);
    let mut out = Vec::with_capacity(df.height());
    let mut unreviewed = Vec::new();
    let mut seen = BTreeMap::new();
    for row in 0..df.height() {
        let at = |col: &str| format!("{name}: row {}, column {col}", row + 1);
        let Some(item) = items
            .get(row)
            .and_then(|v| v.trim().parse::<usize>().ok())
            .filter(|&i| i > 0)
        else {
            input_error!("{}: expected the item number (1, 2, ...)", at("item"));
        };
        if let Some(first) = seen.insert(item, row + 1) {
            input_error!(
                "{}: item {item} is listed twice (rows {first} and {})",
                at("item"),
                row + 1
            );
        }
        let Some(amount_paid) = paid_cents[row] else {
            input_error!("{}: expected an amount such as 125.00", at("amount_paid"));
        };
        let raw = audited.get(row).unwrap_or("").trim();
        if raw.is_empty() {
            unreviewed.push(item);
            continue;
        }
        let Some(audited_amount) = audited_cents[row] else {
            input_error!(
                "{} (item {item}): not an amount; write the correct amount in dollars, e.g. 125.00 (0 when nothing was due)",
                at("audited_amount")
            );
        };
        out.push(Reviewed {
            item,
            stratum: strata.get(row).unwrap_or("").trim().to_string(),
            claim_id: claims.get(row).unwrap_or("").trim().to_string(),
            amount_paid,
            audited_amount,
        });
    }
    if !unreviewed.is_empty() {
        unreviewed.sort_unstable();
        let shown: Vec<String> = unreviewed.iter().take(30).map(|i| i.to_string()).collect();
        let more = if unreviewed.len() > 30 {
            format!(" and {} more", unreviewed.len() - 30)
        } else {
            String::new()
        };
        input_error!(
            "{name}: {} item(s) not reviewed (no audited_amount): {}{more}; write the correct amount for each (0 when nothing was due) before extrapolating",
            unreviewed.len(),
            shown.join(", ")
        );
    }
    out.sort_by_key(|r| r.item);
    Ok(out)
}

/// `$1,234.50`, `1234.5`, `-12` -> cents, as the inputs' amounts are parsed
/// (None when not a number).
pub fn parse_amounts(values: &StringChunked) -> Result<Vec<Option<i64>>> {
    let df = DataFrame::new_infer_height(vec![values.clone().with_name("a".into()).into_column()])?;
    let parsed = df
        .lazy()
        .select([crate::ingest::parse::parse_cents(col("a"))])
        .collect()?;
    Ok(parsed.columns()[0].i64()?.iter().collect())
}

/// One amount, as [`parse_amounts`] reads it.
pub fn parse_amount(text: &str) -> Option<i64> {
    let values = StringChunked::from_slice("a".into(), &[text]);
    parse_amounts(&values).ok()?.pop().flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sampling::frame::ClaimRow;

    fn item(n: usize, claim: &str, payer: &str) -> Item {
        Item {
            item: n,
            stratum: "1".into(),
            claim: ClaimRow {
                claim_id: claim.into(),
                patient_id: "P1".into(),
                provider_id: "DR".into(),
                service_date: "2026-01-02".into(),
                payer: payer.into(),
                amount_cents: 12_345,
                checks: "a;b".into(),
            },
        }
    }

    #[test]
    fn worksheet_quotes_what_needs_it() {
        let text = csv_text(&[item(1, "C1", "Acme, Inc"), item(2, "C\"2", "")]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], COLUMNS.join(","));
        assert_eq!(
            lines[1],
            "1,1,C1,P1,DR,2026-01-02,\"Acme, Inc\",123.45,a;b,,"
        );
        assert_eq!(lines[2], "2,1,\"C\"\"2\",P1,DR,2026-01-02,,123.45,a;b,,");
    }

    #[test]
    fn amounts_read_as_spreadsheets_write_them() {
        assert_eq!(parse_amount("$1,234.50"), Some(123_450));
        assert_eq!(parse_amount("0"), Some(0));
        assert_eq!(parse_amount("-12.5"), Some(-1_250));
        assert_eq!(parse_amount("ten"), None);
        assert_eq!(parse_amount("1,23"), None);
    }

    #[test]
    fn reviewed_worksheet_reads_back_and_refuses_gaps() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.csv");
        let mut text = csv_text(&[item(1, "C1", ""), item(2, "C2", "")]);
        text = text.replace("a;b,,\n", "a;b,100,ok\n");
        std::fs::write(&p, format!("\u{feff}{}", text.replace('\n', "\r\n"))).unwrap();
        let r = read_reviewed(&p).unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!((r[0].amount_paid, r[0].audited_amount), (12_345, 10_000));
        assert_eq!(r[1].overpayment(), 2_345);
        std::fs::write(&p, csv_text(&[item(1, "C1", ""), item(2, "C2", "")])).unwrap();
        let e = read_reviewed(&p).unwrap_err().to_string();
        assert!(
            e.contains("2 item(s) not reviewed") && e.contains(": 1, 2;"),
            "{e}"
        );
        std::fs::write(&p, text.replacen(",100,ok", ",1O0,ok", 1)).unwrap();
        let e = read_reviewed(&p).unwrap_err().to_string();
        assert!(e.contains("row 1, column audited_amount (item 1)"), "{e}");
    }
}
