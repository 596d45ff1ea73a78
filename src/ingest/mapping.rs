//! The TOML column mapping (`--mapping FILE`, or a built-in preset by name):
//! renames an export's own column names to CONTRACT.md's. Nothing is
//! guessed: every name used must exist, and every key must be a column the
//! contract knows.
//!
//! ```toml
//! delimiter = ";"          # delimited text exports: the field separator
//! date_format = "%d.%m.%Y" # dates written otherwise than the contract's
//! [claims]
//! service_date = "DOS"
//! patient_id = "Member ID"
//! dx1 = "Dx 1"
//! dx_codes = ["Principal Dx", "Dx 2", "Dx 3"]   # cells joined in order
//! [notes]
//! text = "Note Text"
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;
use serde::Deserialize;

use crate::input_error;
use crate::model::{CLAIM_COLUMNS, DX_COLUMNS, NOTE_COLUMNS};

/// Built-in mappings, chosen by name with `--mapping NAME`.
const PRESETS: &[(&str, &str)] = &[(
    "cms-rif-carrier",
    include_str!("presets/cms-rif-carrier.toml"),
)];

/// Columns a list of export columns may fill (their non-empty cells joined with `;`).
const JOINABLE: &[&str] = &["dx_codes", "modifiers"];

/// One input's mapping: contract column name -> export column name(s).
#[derive(Debug, Default, Clone)]
pub struct TableMapping {
    pub names: BTreeMap<String, String>,
    /// Contract columns filled from several export columns, in order.
    pub joined: BTreeMap<String, Vec<String>>,
}

impl TableMapping {
    /// The export's name for contract column `name` (itself when unmapped).
    pub fn source_name<'a>(&'a self, name: &'a str) -> &'a str {
        self.names.get(name).map(String::as_str).unwrap_or(name)
    }

    /// Every export column the mapping names, with the contract column it fills.
    pub fn sources(&self) -> impl Iterator<Item = (&str, &str)> {
        let one = self.names.iter().map(|(k, v)| (k.as_str(), v.as_str()));
        let many = self
            .joined
            .iter()
            .flat_map(|(k, vs)| vs.iter().map(move |v| (k.as_str(), v.as_str())));
        one.chain(many)
    }
}

/// The whole mapping file.
#[derive(Debug, Clone)]
pub struct Mapping {
    pub claims: TableMapping,
    pub notes: TableMapping,
    /// Field separator of delimited text exports (None: by extension,
    /// `|` for .psv, tab for .tsv, else `,`).
    pub delimiter: Option<u8>,
    /// strftime-style format of text dates (e.g. `%d-%b-%Y`), tried before
    /// the contract's own spellings.
    pub date_format: Option<String>,
}

impl Default for Mapping {
    fn default() -> Mapping {
        Mapping {
            claims: TableMapping::default(),
            notes: TableMapping::default(),
            delimiter: None,
            date_format: None,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingFile {
    delimiter: Option<String>,
    date_format: Option<String>,
    #[serde(default)]
    claims: BTreeMap<String, Source>,
    #[serde(default)]
    notes: BTreeMap<String, Source>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Source {
    One(String),
    Many(Vec<String>),
}

impl Mapping {
    /// The mapping `--mapping` names: a file, or a preset's name.
    pub fn load(path: Option<&Path>) -> Result<Mapping> {
        let Some(path) = path else {
            return Ok(Mapping::default());
        };
        let name = path.to_string_lossy();
        if let Some((_, text)) = PRESETS.iter().find(|(n, _)| *n == name) {
            if !path.exists() {
                return Mapping::from_toml_str(text, &format!("mapping preset {name}"));
            }
        }
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                let presets: Vec<&str> = PRESETS.iter().map(|(n, _)| *n).collect();
                input_error!(
                    "{}: cannot read mapping file ({}; built-in mappings: {})",
                    path.display(),
                    e.kind(),
                    presets.join(", ")
                )
            }
        };
        Mapping::from_toml_str(&text, &path.display().to_string())
    }

    /// Parses and checks mapping TOML; `shown` names the file in messages.
    pub fn from_toml_str(text: &str, shown: &str) -> Result<Mapping> {
        let file: MappingFile = match toml::from_str(text) {
            Ok(m) => m,
            Err(e) => input_error!("{}", crate::config::toml_error(shown, text, &e)),
        };
        let claim_names: Vec<&str> = CLAIM_COLUMNS
            .iter()
            .map(|c| c.name)
            .chain(DX_COLUMNS.iter().copied())
            .collect();
        let note_names: Vec<&str> = NOTE_COLUMNS.iter().map(|c| c.name).collect();
        let claims = table(shown, "claims", file.claims, &claim_names)?;
        let notes = table(shown, "notes", file.notes, &note_names)?;
        let delimiter = match file.delimiter.as_deref() {
            None => None,
            Some("\\t" | "tab" | "\t") => Some(b'\t'),
            Some(d) if d.len() == 1 && d.is_ascii() && d != "\"" && d != "\n" => {
                Some(d.as_bytes()[0])
            }
            Some(d) => input_error!(
                "{shown}: delimiter = {d:?} must be one ASCII character other than a quote (or \"tab\")"
            ),
        };
        if let Some(f) = &file.date_format {
            if !f.contains('%') {
                input_error!(
                    "{shown}: date_format = {f:?} has no field (strftime style, e.g. \"%d-%b-%Y\")"
                );
            }
        }
        Ok(Mapping {
            claims,
            notes,
            delimiter,
            date_format: file.date_format,
        })
    }
}

/// One section's mapping, each key checked against the contract's columns.
fn table(
    shown: &str,
    section: &str,
    raw: BTreeMap<String, Source>,
    known: &[&str],
) -> Result<TableMapping> {
    let mut out = TableMapping::default();
    for (key, source) in raw {
        if !known.contains(&key.as_str()) {
            input_error!(
                "{shown}: [{section}] {key} is not a column of the contract (known: {})",
                known.join(", ")
            );
        }
        match source {
            Source::One(name) => {
                out.names.insert(key, name);
            }
            Source::Many(names) if JOINABLE.contains(&key.as_str()) && !names.is_empty() => {
                out.joined.insert(key, names);
            }
            Source::Many(_) => input_error!(
                "{shown}: [{section}] {key} takes one column name (a list of columns is allowed for {} only)",
                JOINABLE.join(" and ")
            ),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rif_preset_reads_and_lists_join_dx_and_modifiers() {
        let m = Mapping::load(Some(Path::new("cms-rif-carrier"))).unwrap();
        assert_eq!(m.delimiter, Some(b'|'));
        assert_eq!(m.date_format.as_deref(), Some("%d-%b-%Y"));
        assert_eq!(m.claims.source_name("claim_id"), "CLM_ID");
        assert_eq!(m.claims.joined["dx_codes"].len(), 13);
        assert_eq!(m.claims.joined["modifiers"][1], "HCPCS_2ND_MDFR_CD");
    }

    #[test]
    fn bad_keys_lists_and_delimiters_are_named() {
        let err = |t: &str| Mapping::from_toml_str(t, "m.toml").unwrap_err().to_string();
        assert!(err("[claims]\nfoo = \"x\"").contains("[claims] foo is not a column"));
        assert!(
            err("[claims]\npatient_id = [\"a\", \"b\"]")
                .contains("a list of columns is allowed for dx_codes and modifiers only")
        );
        assert!(err("delimiter = \";;\"").contains("one ASCII character"));
        assert!(err("date_format = \"dd-mm\"").contains("strftime"));
        let tab = Mapping::from_toml_str("delimiter = \"tab\"", "m.toml").unwrap();
        assert_eq!(tab.delimiter, Some(b'\t'));
    }
}
