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
    let (rss, peak) = memory_gib();
    eprintln!(
        "timing: {name:<28} {:>8.3} s  rss {rss:>5.2} GiB  peak {peak:>5.2} GiB",
        start.elapsed().as_secs_f64()
    );
    out
}

/// Resident and peak resident memory (VmRSS, VmHWM) in GiB, from
/// /proc/self/status; zeros where that file does not exist.
fn memory_gib() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |key: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1048576.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}
