//! Numbers as people read them, shared by report.html, the charts and the
//! sample worksheet: `1,234`, `$1,234`, `$1,234.50`, `12.5%`, shares that
//! respect `--min-cell` (see [`MinCell`]), and HTML escaping. One place, so
//! every page prints the same figure the same way; a leaf module (it imports
//! nothing of the crate) so that sampling and history can use it without
//! importing the report.

/// `1234` -> `1,234`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Dollars without cents: `$1,234`.
pub fn dollars(d: f64) -> String {
    let sign = if d < 0.0 { "-" } else { "" };
    format!("{sign}${}", thousands(d.abs().round() as u64))
}

/// Dollars with cents: `$1,234.50`.
pub fn dollars_cents(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    format!("{sign}${}.{:02}", thousands(c / 100), c % 100)
}

/// A share that may be shown: numerator and denominator not suppressed.
pub fn shown_share(num: u64, den: u64, mc: MinCell) -> Option<f64> {
    if den == 0 || mc.hidden(num) || mc.hidden(den) {
        None
    } else {
        Some(num as f64 / den as f64)
    }
}

/// A share 0..1 as a percentage with one decimal: `0.125` -> `12.5%`.
pub fn percent(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

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
            thousands(count)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_formatted_for_people() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(dollars(1234.4), "$1,234");
        assert_eq!(dollars_cents(123456), "$1,234.56");
    }

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
        assert_eq!(shown_share(3, 40, m), None);
        assert_eq!(shown_share(20, 40, m), Some(0.5));
        assert_eq!(shown_share(0, 40, m), Some(0.0));
        assert_eq!(shown_share(5, 5, MinCell(0)), Some(1.0));
    }
}
