//! Stage timings on stderr when `CLAIMS_AUDIT_TIMINGS=1` (for profiling; off by default).

use std::sync::OnceLock;
use std::time::Instant;

pub fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| {
        std::env::var("CLAIMS_AUDIT_TIMINGS").is_ok_and(|v| !v.is_empty() && v != "0")
    })
}

/// Runs `f`, printing its wall time as `timing: <name> <seconds>` when enabled.
pub fn stage<T>(name: &str, f: impl FnOnce() -> T) -> T {
    if !enabled() {
        return f();
    }
    let start = Instant::now();
    let out = f();
    eprintln!(
        "timing: {name:<28} {:>8.3} s",
        start.elapsed().as_secs_f64()
    );
    out
}
