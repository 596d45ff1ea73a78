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

/// Rows read by a format parser, before validation.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct TextTable {
    /// Contract column names (see `model::CLAIM_COLUMNS` / `NOTE_COLUMNS`), in order.
    pub columns: Vec<&'static str>,
    /// Usable rows: the row number shown in rejects (X12: 1-based segment
    /// number within the file; NDJSON: 1-based line number) and one value
    /// per column (None: absent).
    pub rows: Vec<(u64, Vec<Option<String>>)>,
    /// Records the parser itself could not read; each counts as one row read.
    pub rejects: Vec<ParseReject>,
    /// Records of another kind that were counted and skipped, by kind
    /// (FHIR `resourceType`), reported in summary.json.
    pub skipped: BTreeMap<String, u64>,
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
            columns,
            ..TextTable::default()
        }
    }

    /// Appends a row given as (column, value) pairs; unnamed columns are None.
    pub fn push(&mut self, row: u64, values: &[(&str, Option<String>)]) {
        let mut out = vec![None; self.columns.len()];
        for (name, value) in values {
            let i = self
                .columns
                .iter()
                .position(|c| c == name)
                .unwrap_or_else(|| panic!("{name} is not a column of this table"));
            out[i] = value.clone();
        }
        self.rows.push((row, out));
    }

    pub fn reject(&mut self, row: u64, column: &str, reason: impl Into<String>) {
        self.rejects.push(ParseReject {
            row,
            column: column.to_string(),
            reason: reason.into(),
        });
    }
}
