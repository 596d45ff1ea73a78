//! `--pseudonymize`: every patient id in the outputs becomes a keyed
//! pseudonym, so a report can leave the compliance team.
//!
//! The pseudonym of id `x` is `p-` and the first 32 hex digits (128 bits) of
//! HMAC-SHA256(key, x). The key comes from the environment variable
//! `CLAIMS_AUDIT_PSEUDONYM_KEY` (never a flag: flags show in `ps` and in
//! shell history); without it the run is refused with exit 2. The same key
//! gives the same pseudonym in every run, so monthly reports can be compared;
//! whoever holds the key can re-identify a patient by computing the pseudonym
//! of a known id, and no one without it can. Pseudonyms are applied after
//! the checks (which need the real ids to link claims and notes), to the
//! findings that every output is made from.

use anyhow::Result;
use hmac::{Hmac, Mac};
use polars::prelude::*;
use sha2::Sha256;

use crate::input_error;

/// The environment variable holding the key.
pub const KEY_ENV: &str = "CLAIMS_AUDIT_PSEUDONYM_KEY";

/// Keys shorter than this are refused: a short key can be guessed.
pub const MIN_KEY_BYTES: usize = 16;

/// The key from the environment, or an input error (exit 2) saying how to set it.
pub fn key_from_env() -> Result<Vec<u8>> {
    match std::env::var_os(KEY_ENV) {
        None => input_error!(
            "--pseudonymize needs a secret key in the environment variable {KEY_ENV} (at least {MIN_KEY_BYTES} characters)"
        ),
        Some(v) => {
            let key = v.as_encoded_bytes().to_vec();
            if key.len() < MIN_KEY_BYTES {
                input_error!(
                    "--pseudonymize: {KEY_ENV} is shorter than {MIN_KEY_BYTES} characters; use a long random secret"
                );
            }
            Ok(key)
        }
    }
}

/// The pseudonym of one id.
pub fn pseudonym(key: &[u8], id: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(id.as_bytes());
    let digest = mac.finalize().into_bytes();
    let mut out = String::with_capacity(34);
    out.push_str("p-");
    for b in &digest[..16] {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// `df` with its `patient_id` column (when present) replaced by pseudonyms.
pub fn apply(df: &DataFrame, key: &[u8]) -> Result<DataFrame> {
    if df.column("patient_id").is_err() {
        return Ok(df.clone());
    }
    let ids = df.column("patient_id")?.cast(&DataType::String)?;
    let mapped: StringChunked = ids
        .str()?
        .iter()
        .map(|v| v.map(|id| pseudonym(key, id)))
        .collect();
    let mut out = df.clone();
    out.with_column(mapped.with_name("patient_id".into()).into_column())?;
    Ok(out)
}

/// [`apply`] when a key is given, else `df` unchanged.
pub fn apply_opt(df: DataFrame, key: Option<&[u8]>) -> Result<DataFrame> {
    match key {
        Some(key) => apply(&df, key),
        None => Ok(df),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4231_style_vector_and_shape() {
        // HMAC-SHA256(key = "key", "The quick brown fox jumps over the lazy dog")
        // = f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8
        assert_eq!(
            pseudonym(b"key", "The quick brown fox jumps over the lazy dog"),
            "p-f7bc83f430538424b13298e6aa6fb143"
        );
        assert_ne!(pseudonym(b"k1", "P1"), pseudonym(b"k2", "P1"));
        assert_eq!(pseudonym(b"k1", "P1"), pseudonym(b"k1", "P1"));
    }

    #[test]
    fn apply_replaces_patient_ids_only() {
        let df = df!("claim_id" => ["C1", "C2"], "patient_id" => [Some("P1"), None]).unwrap();
        let out = apply(&df, b"0123456789abcdef").unwrap();
        let ids = out.column("patient_id").unwrap().str().unwrap().clone();
        assert_eq!(
            ids.get(0),
            Some(pseudonym(b"0123456789abcdef", "P1").as_str())
        );
        assert_eq!(ids.get(1), None);
        assert_eq!(
            out.column("claim_id").unwrap().str().unwrap().get(0),
            Some("C1")
        );
    }
}
