//! Numbers as people read them, shared by report.html and the charts:
//! `1,234`, `$1,234`, `$1,234.50`, `12.5%`, and shares that respect
//! `--min-cell` (see [`MinCell`]). One place, so the page and the charts
//! always print the same figure the same way.

use super::MinCell;

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
}
