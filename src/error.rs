//! Errors that end a run with a documented exit status.

use thiserror::Error;

/// Bad input or usage: the run stops before anything is written, exit 2.
/// The message is one line naming the file (or flag) and what was expected.
#[derive(Debug, Error)]
#[error("{0}")]
pub struct InputError(pub String);

/// Shorthand for returning an [`InputError`] from a function returning `anyhow::Result`.
#[macro_export]
macro_rules! input_error {
    ($($arg:tt)*) => {
        return Err(anyhow::Error::new($crate::error::InputError(format!($($arg)*))))
    };
}

/// Exit statuses of CONTRACT.md (3 is ours: the run failed for a reason
/// other than its input, e.g. the output folder could not be written).
pub mod exit {
    pub const OK: i32 = 0;
    pub const FINDINGS_AT_SEVERITY: i32 = 1;
    pub const BAD_INPUT: i32 = 2;
    pub const INTERNAL: i32 = 3;
}

/// An error message fit for a log that may leave the building: every span
/// between backticks is cut (Polars quotes offending values that way, and a
/// value may be a note's text or a patient id), and the message is one line
/// of at most 300 characters.
pub fn safe_message(msg: &str) -> String {
    let mut out = String::with_capacity(msg.len().min(400));
    let mut rest = msg;
    while let Some(i) = rest.find('`') {
        out.push_str(&rest[..i]);
        match rest[i + 1..].find('`') {
            Some(j) => {
                out.push_str("`…`");
                rest = &rest[i + 1 + j + 1..];
            }
            None => {
                out.push('…');
                rest = "";
            }
        }
    }
    out.push_str(rest);
    let one: Vec<&str> = out
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    one.join(" ").chars().take(300).collect()
}

/// Replaces the default panic message (which carries the panic's payload,
/// possibly a value from the data) with one line naming where it happened.
/// The word "panicked" is kept on purpose: tests look for it. Set
/// `CLAIMS_AUDIT_DEBUG=1` to see the payload when debugging on safe data.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_else(|| "unknown place".into());
        let detail = if std::env::var_os("CLAIMS_AUDIT_DEBUG").is_some() {
            let payload = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_default();
            format!(": {}", payload.replace('\n', " "))
        } else {
            String::new()
        };
        eprintln!(
            "claims-audit: internal error: panicked at {place}{detail} (a bug: nothing was written; please report it)"
        );
    }));
}
