//! Everything a run writes: findings (CSV, Parquet), summary.json,
//! rejects.csv, report.html and charts, into a temporary folder that is
//! renamed into place only when complete.

pub mod aggregates;
pub mod charts;
pub mod html;
pub mod output;
pub mod summary;

pub use output::write_run_folder;

/// Small-cell suppression (`--min-cell N`): in report.html and the charts, a
/// count from 1 to N-1 is shown as `<N` and never drawn, and a share is shown
/// only when its numerator and denominator both may be shown (as CMS's
/// PEPPER does with N = 11). Zero is shown. Findings files and summary.json
/// stay complete. `MinCell(0)` or `MinCell(1)`: nothing is suppressed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MinCell(pub u64);

impl MinCell {
    pub fn active(self) -> bool {
        self.0 > 1
    }
    /// True when the count may not be shown.
    pub fn hidden(self, count: u64) -> bool {
        self.active() && count > 0 && count < self.0
    }
    /// The smallest count that may be shown (0 when nothing is suppressed).
    pub fn floor(self) -> u64 {
        if self.active() { self.0 } else { 0 }
    }
    /// What a suppressed count shows: `<N`.
    pub fn label(self) -> String {
        format!("<{}", self.0)
    }
    /// The count as people read it: `1,234`, or `<N` when suppressed.
    pub fn count(self, count: u64) -> String {
        if self.hidden(count) {
            self.label()
        } else {
            charts::thousands(count)
        }
    }
}
