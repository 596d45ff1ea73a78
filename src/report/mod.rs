//! Everything a run writes: findings (CSV, Parquet), summary.json,
//! rejects.csv, report.html and charts, into a temporary folder that is
//! renamed into place only when complete.

pub mod aggregates;
pub mod charts;
pub mod format;
pub mod html;
pub mod output;
pub mod pseudonym;
pub mod sections;
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
            format::thousands(count)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::MinCell;

    #[test]
    fn min_cell_hides_1_to_n_minus_1_and_shows_zero() {
        let m = MinCell(11);
        assert!(!m.hidden(0) && m.hidden(1) && m.hidden(10) && !m.hidden(11));
        assert_eq!(m.count(7), "<11");
        assert_eq!(m.count(0), "0");
        assert_eq!(m.count(1234), "1,234");
        for off in [MinCell(0), MinCell(1)] {
            assert!(!off.active() && !off.hidden(1));
        }
        assert_eq!(super::format::shown_share(3, 40, m), None);
        assert_eq!(super::format::shown_share(20, 40, m), Some(0.5));
        assert_eq!(super::format::shown_share(0, 40, m), Some(0.0));
        assert_eq!(super::format::shown_share(5, 5, MinCell(0)), Some(1.0));
    }
}
