//! The look every chart shares: the embedded font, the palette, the text
//! sizes (scaled for the PNG), axis ranges and labels, and the footnotes and
//! legends that explain colours and `--min-cell`. A new chart takes all of
//! these from here, so the report's charts look like one set.

use std::sync::Once;

use anyhow::{Result, anyhow};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

use super::draw::LegendItem;
use crate::checks::{CheckInfo, Severity};
use crate::format::{dollars, thousands};
use crate::report::MinCell;

// ---------------------------------------------------------------- fonts

static FONT_REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
static FONT_BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");
pub const FAMILY: &str = "sans-serif";
/// What the SVG files ask the viewer for: the embedded face first.
pub const SVG_FAMILY: &str = "DejaVu Sans, Verdana, Arial, sans-serif";

/// Registers the embedded DejaVu Sans for every chart (idempotent).
pub fn register_fonts() -> Result<()> {
    static ONCE: Once = Once::new();
    static mut OK: bool = false;
    ONCE.call_once(|| {
        let ok = register_font(FAMILY, FontStyle::Normal, FONT_REGULAR).is_ok()
            && register_font(FAMILY, FontStyle::Bold, FONT_BOLD).is_ok();
        // SAFETY: written once, inside call_once, before any read.
        unsafe { OK = ok };
    });
    // SAFETY: call_once above has completed.
    if unsafe { OK } {
        Ok(())
    } else {
        Err(anyhow!("the embedded DejaVu Sans font could not be loaded"))
    }
}

// ---------------------------------------------------------------- colours

pub const INK: RGBColor = RGBColor(26, 26, 26);
pub const MUTED: RGBColor = RGBColor(85, 85, 85);
pub const GRID: RGBColor = RGBColor(225, 225, 225);
pub const AXIS: RGBColor = RGBColor(120, 120, 120);
pub const OUTLINE: RGBColor = RGBColor(40, 40, 40);
pub const PEER: RGBColor = RGBColor(171, 183, 199);
pub const FLAG: RGBColor = RGBColor(165, 0, 38);
pub const BAND: RGBColor = RGBColor(236, 236, 236);

/// Severity colours: dark, middle, light (distinct in grey too).
pub fn severity_color(s: Severity) -> RGBColor {
    match s {
        Severity::High => RGBColor(165, 0, 38),
        Severity::Medium => RGBColor(240, 120, 60),
        Severity::Low => RGBColor(254, 217, 118),
    }
}

/// Series colours (viridis): lightness rises steadily, so the order of a
/// stack or a legend can be read in grey.
pub const SERIES: [RGBColor; 8] = [
    RGBColor(68, 1, 84),
    RGBColor(70, 50, 126),
    RGBColor(54, 92, 141),
    RGBColor(39, 127, 142),
    RGBColor(31, 161, 135),
    RGBColor(74, 193, 109),
    RGBColor(160, 218, 57),
    RGBColor(253, 231, 37),
];

pub fn series_color(i: usize, n: usize) -> RGBColor {
    if n <= 1 {
        return SERIES[2];
    }
    // Evenly spaced along the ramp, interpolated: n colours for any n.
    let t = i.min(n - 1) as f64 / (n - 1) as f64 * (SERIES.len() - 1) as f64;
    let k = (t.floor() as usize).min(SERIES.len() - 2);
    let f = t - k as f64;
    let (a, b) = (SERIES[k], SERIES[k + 1]);
    let mix = |x: u8, y: u8| (x as f64 + (y as f64 - x as f64) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Light to dark blue for shares 0..1 (ColorBrewer Blues ends).
pub fn ramp(v: f64) -> RGBColor {
    let v = v.clamp(0.0, 1.0);
    let (a, b) = ((239.0, 243.0, 255.0), (8.0, 48.0, 107.0));
    RGBColor(
        (a.0 + (b.0 - a.0) * v) as u8,
        (a.1 + (b.1 - a.1) * v) as u8,
        (a.2 + (b.2 - a.2) * v) as u8,
    )
}

pub fn hex(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

// ---------------------------------------------------------------- text and axes

/// A round axis maximum at or above `v`.
pub fn nice_ceil(v: f64) -> f64 {
    if v <= 0.0 {
        return 1.0;
    }
    let p = 10f64.powf(v.log10().floor());
    for m in [1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0] {
        if m * p >= v - 1e-9 {
            return m * p;
        }
    }
    10.0 * p
}

pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let t: String = s.chars().take(max - 1).collect();
        format!("{t}…")
    }
}

/// Scale from logical to device pixels.
#[derive(Clone, Copy)]
pub struct Sc(pub f64);

impl Sc {
    pub fn f(self, v: f64) -> f64 {
        v * self.0
    }
    pub fn u(self, v: f64) -> u32 {
        (v * self.0).round().max(0.0) as u32
    }
    pub fn i(self, v: f64) -> i32 {
        (v * self.0).round() as i32
    }
    pub fn font(self, size: f64) -> TextStyle<'static> {
        TextStyle::from((FAMILY, self.f(size)).into_font()).color(&INK)
    }
    pub fn bold(self, size: f64) -> TextStyle<'static> {
        TextStyle::from((FAMILY, self.f(size), FontStyle::Bold).into_font()).color(&INK)
    }
    pub fn muted(self, size: f64) -> TextStyle<'static> {
        self.font(size).color(&MUTED)
    }
}

pub fn text_width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &str,
    style: &TextStyle,
) -> u32
where
    DB::ErrorType: 'static,
{
    area.estimate_text_size(s, style)
        .map(|(w, _)| w)
        .unwrap_or(0)
}

/// The discrete range of `n` categories: plotters' `a..b` holds b - a + 1
/// values, so `0..n-1` gives n segments (one category needs two).
pub fn segments(n: usize) -> std::ops::Range<i32> {
    0..(n as i32 - 1).max(1)
}

pub fn value_label(v: f64, money: bool) -> String {
    if money {
        dollars(v)
    } else {
        thousands(v.round() as u64)
    }
}

pub fn axis_label(v: f64, money: bool) -> String {
    if !money && (v - v.round()).abs() > 1e-9 {
        return String::new();
    }
    if money {
        if v >= 10_000.0 {
            format!("${}k", thousands((v / 1000.0).round() as u64))
        } else {
            dollars(v)
        }
    } else {
        thousands(v.round() as u64)
    }
}

// ---------------------------------------------------------------- footnotes and legends

pub fn suppression_note(mc: MinCell) -> String {
    if mc.active() {
        format!(
            "Counts from 1 to {} are not shown (--min-cell {}).",
            mc.0 - 1,
            mc.0
        )
    } else {
        String::new()
    }
}

pub fn join_notes(parts: &[String]) -> String {
    parts
        .iter()
        .filter(|s| !s.is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn severity_legend() -> Vec<LegendItem> {
    [Severity::High, Severity::Medium, Severity::Low]
        .into_iter()
        .map(|s| LegendItem {
            label: format!("{} severity", s.as_str()),
            color: severity_color(s),
            marker: None,
            dashed: false,
        })
        .collect()
}

pub fn check_legend(checks: &[CheckInfo], lines: bool) -> Vec<LegendItem> {
    checks
        .iter()
        .enumerate()
        .map(|(i, c)| LegendItem {
            label: c.id.to_string(),
            color: series_color(i, checks.len()),
            marker: if lines { Some(i) } else { None },
            dashed: lines && i % 2 == 1,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_maxima_are_round() {
        assert_eq!(nice_ceil(7.3), 8.0);
        assert_eq!(nice_ceil(1100.0), 1200.0);
    }

    #[test]
    fn series_colours_get_lighter_in_order() {
        let l = |c: RGBColor| 0.2126 * c.0 as f64 + 0.7152 * c.1 as f64 + 0.0722 * c.2 as f64;
        for n in 2..=12 {
            for i in 1..n {
                assert!(
                    l(series_color(i, n)) > l(series_color(i - 1, n)),
                    "{i} of {n}"
                );
            }
        }
        let sev = [Severity::High, Severity::Medium, Severity::Low].map(severity_color);
        assert!(l(sev[0]) < l(sev[1]) && l(sev[1]) < l(sev[2]));
    }
}
