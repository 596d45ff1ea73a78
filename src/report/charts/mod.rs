//! Charts (plotters), each drawn once as SVG (inline in report.html and
//! `charts/NAME.svg`) and once as PNG at twice the size (`charts/NAME.png`,
//! for slides and e-mail).
//!
//! Rules every chart follows: a title that says what it shows and a subtitle
//! with the units and the population; labelled axes; DejaVu Sans embedded in
//! the binary (the PNG looks the same on a bare server); colours whose
//! lightness alone tells the series apart (they survive grey printing), with
//! outlines, markers and dashes as second cues; categories in a stable order
//! (value, then id); counts below `--min-cell` never drawn (see [`MinCell`]).
//!
//! Layout: one file per chart (its data and texts, never drawing code),
//! [`style`] for what all charts share (font, palette, axes, footnotes,
//! `--min-cell`), and [`draw`] for how each kind of chart (bars, lines,
//! share, histogram, heat) is drawn. Numbers are formatted by
//! [`crate::format`], as on the page.
//!
//! **Adding a chart**: a new file `charts/<name>.rs` with
//! `pub fn chart(...) -> Chart` filling one [`Spec`] from the aggregates;
//! declare it below and add it to [`build`] where the page should show it;
//! report.html places it with `Page::figure("<name>")`. A new kind of plot
//! goes under `draw/` with a new [`Spec`] variant.

pub mod check_providers;
pub mod documentation_completeness;
mod draw;
pub mod findings_by_check;
pub mod findings_by_month;
pub mod payers;
pub mod provider_m6281_share;
pub mod reassessment_cadence;
pub mod sample_overpayment;
pub mod style;
pub mod top_providers;
pub mod trend_findings_by_check;
pub mod trend_outlier_share;

use std::path::Path;

use anyhow::{Result, anyhow};
use plotters::coord::Shift;
use plotters::prelude::*;

use super::MinCell;
use super::aggregates::Aggregates;
use super::summary::CheckTotals;
use crate::checks::CheckInfo;
use crate::history::trend::Trend;
use draw::LegendItem;
use draw::bars::BarSpec;
use draw::heat::HeatSpec;
use draw::histogram::HistSpec;
use draw::lines::LineSpec;
use draw::share::ShareSpec;
use style::{FAMILY, SVG_FAMILY, Sc, register_fonts};

pub use check_providers::check_chart_name;

#[derive(Clone)]
enum Spec {
    Bars(BarSpec),
    Lines(LineSpec),
    Share(ShareSpec),
    Hist(HistSpec),
    Heat(HeatSpec),
}

/// One chart: its file name, texts and data.
#[derive(Clone)]
pub struct Chart {
    /// File stem under charts/.
    pub name: String,
    pub title: String,
    pub subtitle: String,
    pub footnote: String,
    /// Logical size (SVG pixels); the PNG is twice as large.
    pub size: (u32, u32),
    legend: Vec<LegendItem>,
    min_cell: MinCell,
    spec: Spec,
}

/// PNG pixels per SVG pixel.
pub const PNG_SCALE: f64 = 2.0;

impl Chart {
    /// The chart as an SVG document.
    pub fn svg(&self) -> Result<String> {
        register_fonts()?;
        let mut buf = String::new();
        {
            let root = SVGBackend::with_string(&mut buf, self.size).into_drawing_area();
            self.draw(&root, Sc(1.0), true)?;
            root.present()?;
        }
        let family = format!("font-family=\"{SVG_FAMILY}\"");
        let buf = buf.replace(&format!("font-family=\"{FAMILY}\""), &family);
        // A title element for screen readers and file viewers.
        let title = format!("<title>{}</title>\n", xml_escape(&self.title));
        Ok(match buf.find('>') {
            Some(i) => format!("{}\n{}{}", &buf[..=i], title, buf[i + 1..].trim_start()),
            None => buf,
        })
    }

    /// Writes the chart as a PNG at [`PNG_SCALE`] times its size, readable
    /// by the owner only (like every file of the run folder).
    pub fn write_png(&self, path: &Path) -> Result<()> {
        use image::ImageEncoder;
        register_fonts()?;
        let (w, h) = (
            (self.size.0 as f64 * PNG_SCALE) as u32,
            (self.size.1 as f64 * PNG_SCALE) as u32,
        );
        // Starts white: no background pass over every pixel.
        let mut pixels = vec![255u8; w as usize * h as usize * 3];
        {
            let root = BitMapBackend::with_buffer(&mut pixels, (w, h)).into_drawing_area();
            self.draw(&root, Sc(PNG_SCALE), false)?;
            root.present()?;
        }
        let file = crate::output::create_private_file(path)?;
        image::codecs::png::PngEncoder::new(std::io::BufWriter::new(file))
            .write_image(&pixels, w, h, image::ColorType::Rgb8)
            .map_err(|e| anyhow!("{}: cannot write ({e})", path.display()))
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        sc: Sc,
        background: bool,
    ) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        if background {
            root.fill(&WHITE)?;
        }
        let body = draw::frame(root, sc, self)?;
        match &self.spec {
            Spec::Bars(s) => draw::bars::draw_bar_panels(&body, sc, s, self.min_cell),
            Spec::Lines(s) => draw::lines::draw_lines(&body, sc, s, self.min_cell),
            Spec::Share(s) => draw::share::draw_share(&body, sc, s),
            Spec::Hist(s) => draw::histogram::draw_histograms(&body, sc, s, self.min_cell),
            Spec::Heat(s) => draw::heat::draw_heat(&body, sc, s),
        }
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

// ---------------------------------------------------------------- the report's charts

/// Every chart of the report, in the order the page shows them.
pub fn build(
    aggs: &Aggregates,
    checks: &[CheckInfo],
    totals: &std::collections::BTreeMap<String, CheckTotals>,
    trend: Option<&Trend>,
    mc: MinCell,
) -> Vec<Chart> {
    let mut out = vec![
        findings_by_check::chart(checks, totals, mc),
        top_providers::chart(aggs, checks, mc),
        findings_by_month::chart(aggs, checks, mc),
        provider_m6281_share::chart(aggs, mc),
        reassessment_cadence::chart(aggs, mc),
        documentation_completeness::chart(aggs, mc),
        payers::chart(aggs, checks, mc),
    ];
    for (i, c) in checks.iter().enumerate() {
        out.push(check_providers::chart(aggs, c, i, mc));
    }
    if let Some(trend) = trend {
        out.push(trend_findings_by_check::chart(trend, checks, mc));
        out.push(trend_outlier_share::chart(trend, mc));
    }
    out
}
