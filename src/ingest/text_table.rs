//! A table our own parsers read (X12 837P, Bulk FHIR): the contract's
//! columns as text, ready for the same validation as a CSV's rows.

use std::collections::BTreeMap;

/// The contract's claims columns, in order (`model::CLAIM_COLUMNS`' names;
/// a test in `ingest` keeps them equal): what a claims parser fills.
pub const CLAIM_COLUMNS: [&str; 13] = [
    "claim_id",
    "line_number",
    "patient_id",
    "provider_id",
    "service_date",
    "cpt_code",
    "modifiers",
    "units",
    "charge_amount",
    "paid_amount",
    "payer",
    "dx_codes",
    "dx_pointers",
];

/// The contract's notes columns, in order (`model::NOTE_COLUMNS`' names).
pub const NOTE_COLUMNS: [&str; 7] = [
    "note_id",
    "patient_id",
    "note_date",
    "note_type",
    "claim_id",
    "provider_id",
    "text",
];

/// Rows read by a format parser, before validation. Stored by column (one
/// text buffer each), not as a `String` per value: a 1 GB X12 batch holds
/// about 100 million values, and their per-value overhead was most of the
/// reader's memory.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct TextTable {
    /// Contract column names (see `model::CLAIM_COLUMNS` / `NOTE_COLUMNS`), in order.
    pub columns: Vec<&'static str>,
    /// Each usable row's number shown in rejects (X12: 1-based segment
    /// number within the file; NDJSON: 1-based line number).
    pub row_numbers: Vec<u64>,
    /// One buffer per column.
    values: Vec<TextColumn>,
    /// Records the parser itself could not read; each counts as one row read.
    pub rejects: Vec<ParseReject>,
    /// Records of another kind that were counted and skipped, by kind
    /// (FHIR `resourceType`), reported in summary.json.
    pub skipped: BTreeMap<String, u64>,
}

/// A column of optional texts: their bytes end to end.
#[derive(Debug, Default, Clone, PartialEq)]
struct TextColumn {
    text: String,
    ends: Vec<usize>,
    present: Vec<bool>,
}

impl TextColumn {
    fn push(&mut self, value: Option<&str>) {
        self.text.push_str(value.unwrap_or(""));
        self.ends.push(self.text.len());
        self.present.push(value.is_some());
    }

    fn get(&self, i: usize) -> Option<&str> {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.present[i].then(|| &self.text[start..self.ends[i]])
    }
}

/// One record the parser rejected: where, which column (or "" for the whole
/// record) and why. Never holds the record's text.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseReject {
    pub row: u64,
    pub column: String,
    pub reason: String,
}

impl TextTable {
    pub fn new(columns: Vec<&'static str>) -> TextTable {
        TextTable {
            values: vec![TextColumn::default(); columns.len()],
            columns,
            ..TextTable::default()
        }
    }

    /// Appends a row given as (column, value) pairs; unnamed columns are None.
    pub fn push(&mut self, row: u64, values: &[(&str, Option<String>)]) {
        let mut out: Vec<Option<&str>> = vec![None; self.columns.len()];
        for (name, value) in values {
            let i = self
                .columns
                .iter()
                .position(|c| c == name)
                .unwrap_or_else(|| panic!("{name} is not a column of this table"));
            out[i] = value.as_deref();
        }
        for (column, value) in self.values.iter_mut().zip(out) {
            column.push(value);
        }
        self.row_numbers.push(row);
    }

    /// Number of usable rows.
    pub fn len(&self) -> usize {
        self.row_numbers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.row_numbers.is_empty()
    }

    /// The values of column `c` (an index into `columns`), row by row.
    pub fn column(&self, c: usize) -> impl Iterator<Item = Option<&str>> {
        let column = &self.values[c];
        (0..self.len()).map(move |i| column.get(i))
    }

    /// Every usable row: its number and its values (for tests and small tables).
    pub fn rows(&self) -> Vec<(u64, Vec<Option<String>>)> {
        (0..self.len())
            .map(|i| {
                let values = self.values.iter().map(|c| c.get(i).map(String::from));
                (self.row_numbers[i], values.collect())
            })
            .collect()
    }

    pub fn reject(&mut self, row: u64, column: &str, reason: impl Into<String>) {
        self.rejects.push(ParseReject {
            row,
            column: column.to_string(),
            reason: reason.into(),
        });
    }
}
