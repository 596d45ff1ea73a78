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
