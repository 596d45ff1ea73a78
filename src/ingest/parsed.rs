//! The formats Polars cannot scan (X12 837P, Bulk FHIR): read by our own
//! parsers into a [`TextTable`], then given the shape `read_raw` gives a
//! CSV file, so mapping-free validation and rejects work the same.

use std::path::Path;

use anyhow::Result;
use polars::prelude::*;

use super::sources::Format;
use super::text_table::TextTable;
use super::{InputKind, Shard, fhir, patient_range, x12};
use crate::input_error;

/// An X12 or FHIR file, read by our own parser.
pub fn read(kind: InputKind, file: &Path, format: Format) -> Result<TextTable> {
    let table = match (format, kind) {
        (Format::X12, InputKind::Claims) => x12::read_837(file),
        (Format::X12, InputKind::Notes) => input_error!(
            "{}: an X12 837 holds claims, not notes (give it as --claims)",
            file.display()
        ),
        (_, InputKind::Claims) => fhir::read_bulk_fhir(file, fhir::FhirTable::Claims),
        (_, InputKind::Notes) => fhir::read_bulk_fhir(file, fhir::FhirTable::Notes),
    };
    match table {
        Ok(t) => Ok(t),
        Err(msg) => input_error!("{msg}"),
    }
}

/// A parser's table as `read_raw` gives a file: the contract's columns as
/// text, `__file`, `__row`, and the records the parser rejected as rows
/// with only `__fault` / `__fault_column` set.
pub fn frame(
    kind: InputKind,
    file: &Path,
    table: TextTable,
    shard: Option<&Shard>,
) -> Result<DataFrame> {
    let shown = file.display().to_string();
    let height = table.len() + table.rejects.len();
    let mut columns: Vec<Column> = Vec::with_capacity(kind.columns().len() + 4);
    for spec in kind.columns() {
        let rejected = std::iter::repeat_n(None, table.rejects.len());
        let values: StringChunked = match table.columns.iter().position(|c| *c == spec.name) {
            Some(i) => table.column(i).chain(rejected).collect(),
            None => std::iter::repeat_n(None::<&str>, height).collect(),
        };
        columns.push(values.with_name(spec.name.into()).into_column());
    }
    let rows: Vec<IdxSize> = table
        .row_numbers
        .iter()
        .map(|r| *r as IdxSize)
        .chain(table.rejects.iter().map(|r| r.row as IdxSize))
        .collect();
    let mut fault: Vec<Option<&str>> = vec![None; table.len()];
    let mut fault_column: Vec<Option<&str>> = vec![None; table.len()];
    for r in &table.rejects {
        fault.push(Some(r.reason.as_str()));
        fault_column.push(Some(r.column.as_str()));
    }
    columns.push(Column::new("__file".into(), vec![shown.as_str(); height]));
    columns.push(Column::new("__row".into(), rows));
    columns.push(Column::new("__fault".into(), fault));
    columns.push(Column::new("__fault_column".into(), fault_column));
    let mut df = DataFrame::new(height, columns)?.sort(
        ["__row"],
        SortMultipleOptions::default().with_maintain_order(true),
    )?;
    if let Some(shard) = shard {
        df = df
            .lazy()
            .filter(shard.keeps(patient_range::patient_text(col("patient_id"))))
            .collect()?;
    }
    Ok(df)
}
