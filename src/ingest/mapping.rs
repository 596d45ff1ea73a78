//! The TOML column mapping (`--mapping FILE`): renames an export's own
//! column names to CONTRACT.md's. Nothing is guessed: every name used must
//! exist, and every key must be a column the contract knows.
//!
//! ```toml
//! [claims]
//! service_date = "DOS"
//! patient_id = "Member ID"
//! dx1 = "Dx 1"
//! [notes]
//! text = "Note Text"
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;
use serde::Deserialize;

use crate::input_error;
use crate::model::{CLAIM_COLUMNS, DX_COLUMNS, NOTE_COLUMNS};

/// Contract column name -> export column name, per input.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    #[serde(default)]
    pub claims: BTreeMap<String, String>,
    #[serde(default)]
    pub notes: BTreeMap<String, String>,
}

impl Mapping {
    pub fn load(path: Option<&Path>) -> Result<Mapping> {
        let Some(path) = path else {
            return Ok(Mapping::default());
        };
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => input_error!(
                "{}: cannot read mapping file ({})",
                path.display(),
                e.kind()
            ),
        };
        Mapping::from_toml_str(&text, &path.display().to_string())
    }

    /// Parses and checks mapping TOML; `shown` names the file in messages.
    pub fn from_toml_str(text: &str, shown: &str) -> Result<Mapping> {
        let mapping: Mapping = match toml::from_str(text) {
            Ok(m) => m,
            Err(e) => input_error!("{}", crate::config::toml_error(shown, text, &e)),
        };
        for (section, map, known) in [
            (
                "claims",
                &mapping.claims,
                CLAIM_COLUMNS
                    .iter()
                    .map(|c| c.name)
                    .chain(DX_COLUMNS.iter().copied())
                    .collect::<Vec<_>>(),
            ),
            (
                "notes",
                &mapping.notes,
                NOTE_COLUMNS.iter().map(|c| c.name).collect(),
            ),
        ] {
            for key in map.keys() {
                if !known.contains(&key.as_str()) {
                    input_error!(
                        "{shown}: [{section}] {key} is not a column of the contract (known: {})",
                        known.join(", ")
                    );
                }
            }
        }
        Ok(mapping)
    }

    /// The export's name for contract column `name` (itself when unmapped).
    pub fn source_name<'a>(map: &'a BTreeMap<String, String>, name: &'a str) -> &'a str {
        map.get(name).map(String::as_str).unwrap_or(name)
    }
}
