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

use std::path::Path;
use std::sync::Once;

use anyhow::{Result, anyhow};
use plotters::coord::Shift;
use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontStyle, FontTransform, register_font};

use super::MinCell;
use super::aggregates::Aggregates;
use super::summary::CheckTotals;
use crate::checks::{CheckInfo, Severity};
use crate::evidence::FACT_LABELS;

static FONT_REGULAR: &[u8] = include_bytes!("fonts/DejaVuSans.ttf");
static FONT_BOLD: &[u8] = include_bytes!("fonts/DejaVuSans-Bold.ttf");
const FAMILY: &str = "sans-serif";
/// What the SVG files ask the viewer for: the embedded face first.
const SVG_FAMILY: &str = "DejaVu Sans, Verdana, Arial, sans-serif";

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

const INK: RGBColor = RGBColor(26, 26, 26);
const MUTED: RGBColor = RGBColor(85, 85, 85);
const GRID: RGBColor = RGBColor(225, 225, 225);
const AXIS: RGBColor = RGBColor(120, 120, 120);
const OUTLINE: RGBColor = RGBColor(40, 40, 40);
const PEER: RGBColor = RGBColor(171, 183, 199);
const FLAG: RGBColor = RGBColor(165, 0, 38);
const BAND: RGBColor = RGBColor(236, 236, 236);

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
const SERIES: [RGBColor; 8] = [
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
fn ramp(v: f64) -> RGBColor {
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

// ---------------------------------------------------------------- numbers

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

/// A round axis maximum at or above `v`.
fn nice_ceil(v: f64) -> f64 {
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

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let t: String = s.chars().take(max - 1).collect();
        format!("{t}…")
    }
}

// ---------------------------------------------------------------- specs

/// One item of a chart's legend row.
#[derive(Clone)]
struct LegendItem {
    label: String,
    color: RGBColor,
    /// None: a filled box; Some(i): a line with marker shape i.
    marker: Option<usize>,
    dashed: bool,
}

#[derive(Clone)]
struct Series {
    #[allow(dead_code)]
    name: String,
    color: RGBColor,
    /// One value per category.
    values: Vec<f64>,
}

/// Horizontal bars, one or more panels side by side sharing the categories.
#[derive(Clone)]
struct Panel {
    x_desc: String,
    series: Vec<Series>,
    /// Per category colour, for single-series panels (severity).
    cat_colors: Option<Vec<RGBColor>>,
    money: bool,
    /// Values are counts: apply --min-cell.
    counts: bool,
}

#[derive(Clone)]
struct BarSpec {
    categories: Vec<String>,
    y_desc: String,
    panels: Vec<Panel>,
    empty_note: Option<String>,
}

#[derive(Clone)]
struct LineSpec {
    months: Vec<String>,
    /// Indices after which months without audited claims were left out.
    gaps_after: Vec<usize>,
    series: Vec<Series>,
}

#[derive(Clone)]
struct ShareBar {
    id: String,
    share: f64,
    percentile: f64,
    outlier: bool,
}

#[derive(Clone)]
struct ShareSpec {
    bars: Vec<ShareBar>,
    cut: Option<f64>,
    percentile: f64,
}

#[derive(Clone)]
struct Histogram {
    x_desc: String,
    labels: Vec<String>,
    counts: Vec<u64>,
    /// Bins from this index on are over the limit.
    limit_at: usize,
    limit_label: String,
}

#[derive(Clone)]
struct HistSpec {
    panels: Vec<Histogram>,
}

#[derive(Clone)]
struct HeatSpec {
    empty: bool,
    rows: Vec<String>,
    /// (header line 1, header line 2)
    cols: Vec<(String, String)>,
    /// cells[col][row]: share 0..1, or None when suppressed.
    cells: Vec<Vec<Option<f64>>>,
}

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
        let file = super::output::create_private_file(path)?;
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
        let body = frame(root, sc, self)?;
        match &self.spec {
            Spec::Bars(s) => draw_bar_panels(&body, sc, s, self.min_cell),
            Spec::Lines(s) => draw_lines(&body, sc, s, self.min_cell),
            Spec::Share(s) => draw_share(&body, sc, s),
            Spec::Hist(s) => draw_histograms(&body, sc, s, self.min_cell),
            Spec::Heat(s) => draw_heat(&body, sc, s),
        }
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

// ---------------------------------------------------------------- drawing helpers

/// Scale from logical to device pixels.
#[derive(Clone, Copy)]
struct Sc(f64);

impl Sc {
    fn f(self, v: f64) -> f64 {
        v * self.0
    }
    fn u(self, v: f64) -> u32 {
        (v * self.0).round().max(0.0) as u32
    }
    fn i(self, v: f64) -> i32 {
        (v * self.0).round() as i32
    }
    fn font(self, size: f64) -> TextStyle<'static> {
        TextStyle::from((FAMILY, self.f(size)).into_font()).color(&INK)
    }
    fn bold(self, size: f64) -> TextStyle<'static> {
        TextStyle::from((FAMILY, self.f(size), FontStyle::Bold).into_font()).color(&INK)
    }
    fn muted(self, size: f64) -> TextStyle<'static> {
        self.font(size).color(&MUTED)
    }
}

fn text_width<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, s: &str, style: &TextStyle) -> u32
where
    DB::ErrorType: 'static,
{
    area.estimate_text_size(s, style)
        .map(|(w, _)| w)
        .unwrap_or(0)
}

/// Draws title, subtitle, legend row and footnote; returns the area left for the plot.
fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    sc: Sc,
    chart: &Chart,
) -> Result<DrawingArea<DB, Shift>>
where
    DB::ErrorType: 'static,
{
    let (w, h) = root.dim_in_pixel();
    let left = sc.i(16.0);
    let mut y = sc.i(12.0);
    let top = Pos::new(HPos::Left, VPos::Top);
    root.draw_text(&chart.title, &sc.bold(18.0).pos(top), (left, y))?;
    y += sc.i(26.0);
    if !chart.subtitle.is_empty() {
        root.draw_text(&chart.subtitle, &sc.muted(12.5).pos(top), (left, y))?;
        y += sc.i(20.0);
    }
    if !chart.legend.is_empty() {
        let style = sc.font(12.0).pos(Pos::new(HPos::Left, VPos::Center));
        let mut x = left;
        let row_h = sc.i(20.0);
        let cy = y + row_h / 2;
        let mut cy = cy;
        for item in &chart.legend {
            let tw = text_width(root, &item.label, &style) as i32;
            let item_w = sc.i(30.0) + tw + sc.i(16.0);
            if x + item_w > w as i32 - left && x > left {
                x = left;
                cy += row_h;
            }
            let sw = sc.i(24.0);
            match item.marker {
                None => {
                    root.draw(&Rectangle::new(
                        [(x, cy - sc.i(6.0)), (x + sc.i(18.0), cy + sc.i(6.0))],
                        item.color.filled(),
                    ))?;
                    root.draw(&Rectangle::new(
                        [(x, cy - sc.i(6.0)), (x + sc.i(18.0), cy + sc.i(6.0))],
                        OUTLINE.stroke_width(sc.u(1.0).max(1)),
                    ))?;
                }
                Some(shape) => {
                    let style = item.color.stroke_width(sc.u(2.0).max(1));
                    if item.dashed {
                        root.draw(&PathElement::new(vec![(x, cy), (x + sc.i(7.0), cy)], style))?;
                        root.draw(&PathElement::new(
                            vec![(x + sc.i(17.0), cy), (x + sw, cy)],
                            style,
                        ))?;
                    } else {
                        root.draw(&PathElement::new(vec![(x, cy), (x + sw, cy)], style))?;
                    }
                    draw_marker_px(root, shape, (x + sw / 2, cy), sc.f(4.5), item.color)?;
                }
            }
            root.draw_text(&item.label, &style, (x + sc.i(30.0), cy))?;
            x += item_w;
        }
        y = cy + row_h / 2 + sc.i(4.0);
    }
    let foot_h = if chart.footnote.is_empty() {
        sc.i(8.0)
    } else {
        sc.i(26.0)
    };
    if !chart.footnote.is_empty() {
        root.draw_text(
            &chart.footnote,
            &sc.muted(11.0).pos(Pos::new(HPos::Left, VPos::Bottom)),
            (left, h as i32 - sc.i(8.0)),
        )?;
    }
    let body = root.margin(y.max(0) as u32, foot_h.max(0) as u32, sc.u(8.0), sc.u(8.0));
    Ok(body)
}

/// Draws markers for line series: filled and hollow circle, triangle, square, diamond.
fn draw_markers<DB: DrawingBackend, X: Ranged<ValueType = f64>, Y: Ranged<ValueType = f64>>(
    chart: &mut ChartContext<DB, Cartesian2d<X, Y>>,
    shape: usize,
    points: &[(f64, f64)],
    r: f64,
    color: RGBColor,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let ri = r.round() as i32;
    let style = if shape % 2 == 1 {
        color.stroke_width(((r / 2.5).round() as u32).max(1))
    } else {
        color.filled()
    };
    let at = points.iter().map(|p| EmptyElement::at(*p));
    match (shape / 2) % 4 {
        0 => chart.draw_series(at.map(|e| e + Circle::new((0, 0), ri, style)))?,
        1 => chart.draw_series(at.map(|e| e + TriangleMarker::new((0, 0), ri + 1, style)))?,
        2 => chart.draw_series(at.map(|e| e + Rectangle::new([(-ri, -ri), (ri, ri)], style)))?,
        _ => chart.draw_series(at.map(|e| {
            e + Polygon::new(
                vec![(0, -ri - 1), (ri + 1, 0), (0, ri + 1), (-ri - 1, 0)],
                style,
            )
        }))?,
    };
    Ok(())
}

/// The same marker in pixel coordinates (legend rows).
fn draw_marker_px<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    shape: usize,
    at: (i32, i32),
    r: f64,
    color: RGBColor,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let ri = r.round() as i32;
    let style = if shape % 2 == 1 {
        color.stroke_width(((r / 2.5).round() as u32).max(1))
    } else {
        color.filled()
    };
    let e = EmptyElement::at(at);
    match (shape / 2) % 4 {
        0 => area.draw(&(e + Circle::new((0, 0), ri, style)))?,
        1 => area.draw(&(e + TriangleMarker::new((0, 0), ri + 1, style)))?,
        2 => area.draw(&(e + Rectangle::new([(-ri, -ri), (ri, ri)], style)))?,
        _ => area.draw(
            &(e + Polygon::new(
                vec![(0, -ri - 1), (ri + 1, 0), (0, ri + 1), (-ri - 1, 0)],
                style,
            )),
        )?,
    }
    Ok(())
}

/// The discrete range of `n` categories: plotters' `a..b` holds b - a + 1
/// values, so `0..n-1` gives n segments (one category needs two).
fn segments(n: usize) -> std::ops::Range<i32> {
    0..(n as i32 - 1).max(1)
}

fn value_label(v: f64, money: bool) -> String {
    if money {
        dollars(v)
    } else {
        thousands(v.round() as u64)
    }
}

fn axis_label(v: f64, money: bool) -> String {
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

fn no_data<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, sc: Sc, note: &str) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let (w, h) = area.dim_in_pixel();
    area.draw(&Rectangle::new(
        [(0, 0), (w as i32 - 1, h as i32 - 1)],
        GRID.stroke_width(sc.u(1.0).max(1)),
    ))?;
    area.draw_text(
        note,
        &sc.muted(14.0).pos(Pos::new(HPos::Center, VPos::Center)),
        (w as i32 / 2, h as i32 / 2),
    )?;
    Ok(())
}

// ---------------------------------------------------------------- bars

fn draw_bar_panels<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    sc: Sc,
    spec: &BarSpec,
    mc: MinCell,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    if spec.categories.is_empty() {
        return no_data(
            area,
            sc,
            spec.empty_note.as_deref().unwrap_or("Nothing to show"),
        );
    }
    let label_style = sc.font(12.0);
    let label_w = spec
        .categories
        .iter()
        .map(|c| text_width(area, c, &label_style))
        .max()
        .unwrap_or(0)
        + sc.u(34.0);
    let (w, _) = area.dim_in_pixel();
    let n = spec.panels.len().max(1) as u32;
    let panel_w = (w - label_w) / n;
    let mut rest = area.clone();
    for (k, panel) in spec.panels.iter().enumerate() {
        let first = k == 0;
        let this_w = if first { label_w + panel_w } else { panel_w };
        let (this, next) = if k + 1 < spec.panels.len() {
            rest.split_horizontally(this_w)
        } else {
            (rest.clone(), rest.clone())
        };
        draw_hbars(
            &this,
            sc,
            &spec.categories,
            if first { &spec.y_desc } else { "" },
            panel,
            if first { Some(label_w) } else { None },
            mc,
        )?;
        rest = next;
    }
    Ok(())
}

fn draw_hbars<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    sc: Sc,
    cats: &[String],
    y_desc: &str,
    panel: &Panel,
    label_w: Option<u32>,
    mc: MinCell,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let n = cats.len();
    let visible = |v: f64| !(panel.counts && mc.hidden(v.round() as u64));
    let totals: Vec<f64> = (0..n)
        .map(|i| {
            panel
                .series
                .iter()
                .map(|s| s.values[i])
                .filter(|v| visible(*v))
                .sum()
        })
        .collect();
    let max = totals.iter().cloned().fold(0.0, f64::max);
    let xmax = nice_ceil((max * 1.22).max(if panel.money { 10.0 } else { 1.0 }));
    let mut chart = ChartBuilder::on(area)
        .margin_right(sc.u(18.0))
        .margin_top(sc.u(4.0))
        .x_label_area_size(sc.u(40.0))
        .y_label_area_size(label_w.unwrap_or(sc.u(6.0)))
        .build_cartesian_2d(0f64..xmax, segments(n).into_segmented())?;
    let cat_at = |v: &SegmentValue<i32>| match v {
        SegmentValue::CenterOf(j) if (*j as usize) < n => cats[n - 1 - *j as usize].clone(),
        _ => String::new(),
    };
    let money = panel.money;
    let x_fmt = |v: &f64| axis_label(*v, money);
    let mut mesh = chart.configure_mesh();
    mesh.disable_y_mesh()
        .y_labels(n)
        .y_label_formatter(&cat_at)
        .x_labels(6)
        .x_label_formatter(&x_fmt)
        .x_desc(panel.x_desc.as_str())
        .label_style(sc.font(12.0))
        .axis_desc_style(sc.font(13.0))
        .bold_line_style(GRID.stroke_width(sc.u(1.0).max(1)))
        .light_line_style(TRANSPARENT)
        .axis_style(AXIS.stroke_width(sc.u(1.0).max(1)))
        .x_label_style(sc.font(11.5));
    if !y_desc.is_empty() {
        mesh.y_desc(y_desc);
    }
    if label_w.is_none() {
        mesh.y_label_style(sc.font(1.0).color(&TRANSPARENT));
    }
    mesh.draw()?;
    let (_, ph) = chart.plotting_area().dim_in_pixel();
    let row = ph as f64 / n as f64;
    let pad = (row * 0.18).round() as u32;
    let single = panel.series.len() == 1;
    let mut rects = Vec::new();
    let mut labels = Vec::new();
    for i in 0..n {
        let j = (n - 1 - i) as i32;
        let mut x0 = 0.0;
        let mut hidden = false;
        for s in &panel.series {
            let v = s.values[i];
            if !visible(v) {
                hidden = true;
                continue;
            }
            if v <= 0.0 {
                continue;
            }
            let color = match (&panel.cat_colors, single) {
                (Some(cc), true) => cc[i],
                _ => s.color,
            };
            let mut fill = Rectangle::new(
                [
                    (x0, SegmentValue::Exact(j)),
                    (x0 + v, SegmentValue::Exact(j + 1)),
                ],
                color.filled(),
            );
            fill.set_margin(pad, pad, 0, 0);
            let mut edge = Rectangle::new(
                [
                    (x0, SegmentValue::Exact(j)),
                    (x0 + v, SegmentValue::Exact(j + 1)),
                ],
                OUTLINE.stroke_width(sc.u(0.75).max(1)),
            );
            edge.set_margin(pad, pad, 0, 0);
            rects.push(fill);
            rects.push(edge);
            x0 += v;
        }
        let text = if single && hidden {
            mc.label()
        } else if hidden && x0 == 0.0 {
            "not shown".to_string()
        } else if !panel.counts || !hidden {
            value_label(totals[i], panel.money)
        } else {
            // Some segments are below --min-cell: label only what is drawn.
            format!("{}+", value_label(totals[i], panel.money))
        };
        labels.push((x0, j, text));
    }
    chart.draw_series(rects)?;
    let style = sc.font(11.5).pos(Pos::new(HPos::Left, VPos::Center));
    chart.draw_series(labels.into_iter().map(|(x, j, t)| {
        EmptyElement::at((x, SegmentValue::CenterOf(j)))
            + Text::new(t, (sc.i(5.0), 0), style.clone())
    }))?;
    Ok(())
}

// ---------------------------------------------------------------- lines

fn draw_lines<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    sc: Sc,
    spec: &LineSpec,
    mc: MinCell,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let m = spec.months.len();
    if m == 0 {
        return no_data(area, sc, "No audited claims");
    }
    let visible = |v: f64| !mc.hidden(v.round() as u64);
    let max = spec
        .series
        .iter()
        .flat_map(|s| s.values.iter().cloned())
        .filter(|v| visible(*v))
        .fold(0.0, f64::max)
        .max(mc.floor() as f64);
    let ymax = nice_ceil((max * 1.1).max(4.0));
    let mut chart = ChartBuilder::on(area)
        .margin_right(sc.u(20.0))
        .margin_top(sc.u(6.0))
        .x_label_area_size(sc.u(48.0))
        .y_label_area_size(sc.u(64.0))
        .build_cartesian_2d(-0.5f64..(m as f64 - 0.5), 0f64..ymax)?;
    let months = spec.months.clone();
    let step = m.div_ceil(16).max(1);
    let month_at = move |v: &f64| {
        let r = v.round();
        if (v - r).abs() > 1e-6 || r < 0.0 {
            return String::new();
        }
        let i = r as usize;
        if i < months.len() && i % step == 0 {
            months[i].clone()
        } else {
            String::new()
        }
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(m.min(400))
        .x_label_formatter(&month_at)
        .y_labels(6)
        .y_label_formatter(&|v| axis_label(*v, false))
        .x_desc("Month of service")
        .y_desc("Findings (claims flagged)")
        .label_style(sc.font(11.5))
        .axis_desc_style(sc.font(13.0))
        .bold_line_style(GRID.stroke_width(sc.u(1.0).max(1)))
        .light_line_style(TRANSPARENT)
        .axis_style(AXIS.stroke_width(sc.u(1.0).max(1)))
        .draw()?;
    if mc.active() {
        let top = mc.floor() as f64;
        chart.draw_series(std::iter::once(Rectangle::new(
            [(-0.5, 0.0), (m as f64 - 0.5, top - 0.5)],
            BAND.filled(),
        )))?;
        chart.draw_series(std::iter::once(
            EmptyElement::at((-0.5, top - 0.5))
                + Text::new(
                    format!("counts 1–{} not shown", top as u64 - 1),
                    (sc.i(6.0), sc.i(-3.0)),
                    sc.muted(10.5).pos(Pos::new(HPos::Left, VPos::Bottom)),
                ),
        ))?;
    }
    for g in &spec.gaps_after {
        let x = *g as f64 + 0.5;
        chart.draw_series(DashedLineSeries::new(
            vec![(x, 0.0), (x, ymax)],
            sc.i(2.0),
            sc.i(4.0),
            AXIS.stroke_width(sc.u(1.0).max(1)),
        ))?;
    }
    let markers = m <= 40;
    for (k, s) in spec.series.iter().enumerate() {
        let style = s.color.stroke_width(sc.u(2.0).max(1));
        // Runs of consecutive visible points.
        let mut run: Vec<(f64, f64)> = Vec::new();
        let mut runs = Vec::new();
        for (i, v) in s.values.iter().enumerate() {
            if visible(*v) {
                run.push((i as f64, *v));
            } else if !run.is_empty() {
                runs.push(std::mem::take(&mut run));
            }
            if spec.gaps_after.contains(&i) && !run.is_empty() {
                runs.push(std::mem::take(&mut run));
            }
        }
        if !run.is_empty() {
            runs.push(run);
        }
        for r in &runs {
            if k % 2 == 1 {
                chart.draw_series(DashedLineSeries::new(
                    r.clone(),
                    sc.i(7.0),
                    sc.i(4.0),
                    style,
                ))?;
            } else {
                chart.draw_series(LineSeries::new(r.clone(), style))?;
            }
            if markers {
                // Zeros stay unmarked: the baseline would be a row of markers.
                let nonzero: Vec<(f64, f64)> = r.iter().filter(|p| p.1 > 0.0).cloned().collect();
                draw_markers(&mut chart, k, &nonzero, sc.f(4.0), s.color)?;
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- provider share

fn draw_share<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    sc: Sc,
    spec: &ShareSpec,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let n = spec.bars.len();
    if n == 0 {
        return no_data(
            area,
            sc,
            "No provider has enough audited claims to be ranked",
        );
    }
    let ids: Vec<String> = spec.bars.iter().map(|b| b.id.clone()).collect();
    let few = n <= 12;
    let rotate = !few && n <= 40;
    let mut chart = ChartBuilder::on(area)
        .margin_right(sc.u(20.0))
        .margin_top(sc.u(20.0))
        .x_label_area_size(sc.u(if rotate { 100.0 } else { 46.0 }))
        .y_label_area_size(sc.u(64.0))
        .build_cartesian_2d(segments(n).into_segmented(), 0f64..105.0)?;
    let id_at = |v: &SegmentValue<i32>| match v {
        SegmentValue::CenterOf(i) if (*i as usize) < n && (few || rotate) => {
            ids[*i as usize].clone()
        }
        _ => String::new(),
    };
    let pct = |v: &f64| {
        if *v > 100.0 + 1e-9 {
            String::new()
        } else {
            format!("{v:.0}%")
        }
    };
    let mut mesh = chart.configure_mesh();
    mesh.disable_x_mesh()
        .x_labels(n + 1)
        .x_label_formatter(&id_at)
        .y_labels(6)
        .y_label_formatter(&pct)
        .x_desc("Providers in the peer group, lowest to highest share")
        .y_desc("M62.81 claims, % of the provider's claims")
        .label_style(sc.font(11.5))
        .axis_desc_style(sc.font(13.0))
        .bold_line_style(GRID.stroke_width(sc.u(1.0).max(1)))
        .light_line_style(TRANSPARENT)
        .axis_style(AXIS.stroke_width(sc.u(1.0).max(1)));
    if rotate {
        mesh.x_label_style(sc.font(10.5).transform(FontTransform::Rotate90));
    }
    mesh.draw()?;
    let (pw, _) = chart.plotting_area().dim_in_pixel();
    let col = pw as f64 / n as f64;
    let pad = ((col * 0.15).round() as u32).min(sc.u(30.0));
    let mut rects = Vec::new();
    for (i, b) in spec.bars.iter().enumerate() {
        let i = i as i32;
        let color = if b.outlier { FLAG } else { PEER };
        let corners = [
            (SegmentValue::Exact(i), 0.0),
            (SegmentValue::Exact(i + 1), b.share * 100.0),
        ];
        let mut fill = Rectangle::new(corners.clone(), color.filled());
        fill.set_margin(0, 0, pad, pad);
        let mut edge = Rectangle::new(corners, OUTLINE.stroke_width(sc.u(0.75).max(1)));
        edge.set_margin(0, 0, pad, pad);
        rects.push(fill);
        rects.push(edge);
    }
    chart.draw_series(rects)?;
    if let Some(cut) = spec.cut {
        let y = cut * 100.0;
        chart.draw_series(DashedLineSeries::new(
            vec![
                (SegmentValue::Exact(0), y),
                (SegmentValue::Exact(n as i32), y),
            ],
            sc.i(8.0),
            sc.i(5.0),
            INK.stroke_width(sc.u(1.5).max(1)),
        ))?;
        chart.draw_series(std::iter::once(
            EmptyElement::at((SegmentValue::Exact(0), y))
                + Text::new(
                    format!(
                        "{}th percentile of peers: {:.1}%",
                        spec.percentile.round(),
                        y
                    ),
                    (sc.i(6.0), sc.i(-4.0)),
                    sc.bold(11.5).pos(Pos::new(HPos::Left, VPos::Bottom)),
                ),
        ))?;
    }
    // Values above the bars; outliers named.
    let style = sc.font(10.5).pos(Pos::new(HPos::Center, VPos::Bottom));
    let bold = sc.bold(10.5).color(&FLAG);
    let mut texts = Vec::new();
    for (i, b) in spec.bars.iter().enumerate() {
        let at = (SegmentValue::CenterOf(i as i32), b.share * 100.0);
        if few {
            let t = format!("{:.1}%", b.share * 100.0);
            texts.push(EmptyElement::at(at.clone()) + Text::new(t, (0, sc.i(-3.0)), style.clone()));
            if b.outlier {
                texts.push(
                    EmptyElement::at(at)
                        + Text::new(
                            format!("outlier, P{:.0}", b.percentile),
                            (0, sc.i(-17.0)),
                            bold.clone().pos(Pos::new(HPos::Center, VPos::Bottom)),
                        ),
                );
            }
        } else if b.outlier {
            texts.push(
                EmptyElement::at(at)
                    + Text::new(
                        b.id.clone(),
                        (sc.i(-4.0), sc.i(-4.0)),
                        bold.clone()
                            .transform(FontTransform::Rotate270)
                            .pos(Pos::new(HPos::Left, VPos::Center)),
                    ),
            );
        }
    }
    chart.draw_series(texts)?;
    Ok(())
}

// ---------------------------------------------------------------- histograms

fn draw_histograms<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    sc: Sc,
    spec: &HistSpec,
    mc: MinCell,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let k = spec.panels.len().max(1);
    let (w, _) = area.dim_in_pixel();
    let mut rest = area.clone();
    for (p, h) in spec.panels.iter().enumerate() {
        let (this, next) = if p + 1 < k {
            rest.split_horizontally(w / k as u32)
        } else {
            (rest.clone(), rest.clone())
        };
        draw_histogram(&this, sc, h, mc, p == 0)?;
        rest = next;
    }
    Ok(())
}

fn draw_histogram<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    sc: Sc,
    h: &Histogram,
    mc: MinCell,
    y_desc: bool,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let n = h.labels.len();
    let visible = |v: u64| !mc.hidden(v);
    let max = h
        .counts
        .iter()
        .filter(|v| visible(**v))
        .cloned()
        .max()
        .unwrap_or(0) as f64;
    let ymax = nice_ceil((max * 1.15).max(4.0));
    let mut chart = ChartBuilder::on(area)
        .margin_right(sc.u(14.0))
        .margin_top(sc.u(22.0))
        .x_label_area_size(sc.u(48.0))
        .y_label_area_size(sc.u(if y_desc { 60.0 } else { 44.0 }))
        .build_cartesian_2d(segments(n).into_segmented(), 0f64..ymax)?;
    let step = n.div_ceil(12).max(1);
    let labels = h.labels.clone();
    let at = move |v: &SegmentValue<i32>| match v {
        SegmentValue::CenterOf(i) if (*i as usize) < labels.len() => {
            let i = *i as usize;
            if i % step == 0 || i + 1 == labels.len() {
                labels[i].clone()
            } else {
                String::new()
            }
        }
        _ => String::new(),
    };
    let count_fmt = |v: &f64| axis_label(*v, false);
    let mut mesh = chart.configure_mesh();
    mesh.disable_x_mesh()
        .x_labels(n + 1)
        .x_label_formatter(&at)
        .y_labels(6)
        .y_label_formatter(&count_fmt)
        .x_desc(h.x_desc.as_str())
        .label_style(sc.font(11.0))
        .axis_desc_style(sc.font(12.5))
        .bold_line_style(GRID.stroke_width(sc.u(1.0).max(1)))
        .light_line_style(TRANSPARENT)
        .axis_style(AXIS.stroke_width(sc.u(1.0).max(1)));
    if y_desc {
        mesh.y_desc("M62.81 visits");
    }
    mesh.draw()?;
    let (pw, _) = chart.plotting_area().dim_in_pixel();
    let pad = ((pw as f64 / n.max(1) as f64) * 0.12).round() as u32;
    let mut rects = Vec::new();
    let mut notes = Vec::new();
    for (i, c) in h.counts.iter().enumerate() {
        let i = i as i32;
        if !visible(*c) {
            notes.push(i);
            continue;
        }
        if *c == 0 {
            continue;
        }
        let color = if (i as usize) >= h.limit_at {
            FLAG
        } else {
            PEER
        };
        let corners = [
            (SegmentValue::Exact(i), 0.0),
            (SegmentValue::Exact(i + 1), *c as f64),
        ];
        let mut fill = Rectangle::new(corners.clone(), color.filled());
        fill.set_margin(0, 0, pad, pad);
        let mut edge = Rectangle::new(corners, OUTLINE.stroke_width(sc.u(0.75).max(1)));
        edge.set_margin(0, 0, pad, pad);
        rects.push(fill);
        rects.push(edge);
    }
    chart.draw_series(rects)?;
    let small = sc
        .muted(9.5)
        .pos(Pos::new(HPos::Left, VPos::Center))
        .transform(FontTransform::Rotate270);
    let label = mc.label();
    chart.draw_series(notes.into_iter().map(|i| {
        EmptyElement::at((SegmentValue::CenterOf(i), 0.0))
            + Text::new(label.clone(), (0, sc.i(-3.0)), small.clone())
    }))?;
    if h.limit_at <= n {
        let x = SegmentValue::Exact(h.limit_at as i32);
        chart.draw_series(DashedLineSeries::new(
            vec![(x.clone(), 0.0), (x.clone(), ymax)],
            sc.i(7.0),
            sc.i(4.0),
            INK.stroke_width(sc.u(1.5).max(1)),
        ))?;
        chart.draw_series(std::iter::once(
            EmptyElement::at((x, ymax))
                + Text::new(
                    h.limit_label.clone(),
                    (sc.i(-4.0), sc.i(-4.0)),
                    sc.bold(11.0).pos(Pos::new(HPos::Right, VPos::Bottom)),
                ),
        ))?;
    }
    Ok(())
}

// ---------------------------------------------------------------- heatmap

fn draw_heat<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    sc: Sc,
    spec: &HeatSpec,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    if spec.empty || spec.cols.is_empty() {
        return no_data(area, sc, "No notes support an audited M62.81 claim");
    }
    let (w, h) = area.dim_in_pixel();
    let label_style = sc.font(12.5).pos(Pos::new(HPos::Right, VPos::Center));
    let label_w = spec
        .rows
        .iter()
        .map(|r| text_width(area, r, &label_style))
        .max()
        .unwrap_or(0) as i32
        + sc.i(16.0);
    let head_h = sc.i(44.0);
    let ncol = spec.cols.len() as i32;
    let nrow = spec.rows.len() as i32;
    let x0 = label_w;
    let cw = ((w as i32 - x0 - sc.i(12.0)) / ncol).max(1);
    let ch = ((h as i32 - head_h - sc.i(6.0)) / nrow).clamp(1, sc.i(46.0));
    let gap = sc.i(2.0);
    let head1 = sc.bold(11.5).pos(Pos::new(HPos::Center, VPos::Bottom));
    let head2 = sc.muted(11.0).pos(Pos::new(HPos::Center, VPos::Bottom));
    for (c, (l1, l2)) in spec.cols.iter().enumerate() {
        let cx = x0 + c as i32 * cw + cw / 2;
        area.draw_text(l1, &head1, (cx, head_h - sc.i(20.0)))?;
        area.draw_text(l2, &head2, (cx, head_h - sc.i(5.0)))?;
    }
    for (r, label) in spec.rows.iter().enumerate() {
        let y = head_h + r as i32 * ch;
        area.draw_text(label, &label_style, (x0 - sc.i(10.0), y + ch / 2))?;
        for c in 0..spec.cols.len() {
            let x = x0 + c as i32 * cw;
            let rect = [(x + gap, y + gap), (x + cw - gap, y + ch - gap)];
            match spec.cells[c][r] {
                Some(v) => {
                    area.draw(&Rectangle::new(rect, ramp(v).filled()))?;
                    area.draw(&Rectangle::new(
                        rect,
                        OUTLINE.stroke_width(sc.u(0.5).max(1)),
                    ))?;
                    let color = if v > 0.55 { WHITE } else { INK };
                    let style = sc
                        .bold(13.0)
                        .color(&color)
                        .pos(Pos::new(HPos::Center, VPos::Center));
                    area.draw_text(
                        &format!("{:.0}%", v * 100.0),
                        &style,
                        (x + cw / 2, y + ch / 2),
                    )?;
                }
                None => {
                    area.draw(&Rectangle::new(rect, BAND.filled()))?;
                    area.draw(&Rectangle::new(rect, AXIS.stroke_width(sc.u(0.5).max(1))))?;
                    let style = sc.muted(11.0).pos(Pos::new(HPos::Center, VPos::Center));
                    area.draw_text("not shown", &style, (x + cw / 2, y + ch / 2))?;
                }
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- the report's charts

/// Every chart of the report, in the order the page shows them.
pub fn build(
    aggs: &Aggregates,
    checks: &[CheckInfo],
    totals: &std::collections::BTreeMap<String, CheckTotals>,
    mc: MinCell,
) -> Vec<Chart> {
    let mut out = vec![
        by_check(checks, totals, mc),
        top_providers(aggs, checks, mc),
        by_month(aggs, checks, mc),
        provider_share(aggs, mc),
        cadence(aggs, mc),
        completeness(aggs, mc),
        payers(aggs, checks, mc),
    ];
    for (i, c) in checks.iter().enumerate() {
        out.push(check_providers(aggs, c, i, mc));
    }
    out
}

fn suppression_note(mc: MinCell) -> String {
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

fn join_notes(parts: &[String]) -> String {
    parts
        .iter()
        .filter(|s| !s.is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join(" ")
}

fn severity_legend() -> Vec<LegendItem> {
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

fn check_legend(checks: &[CheckInfo], lines: bool) -> Vec<LegendItem> {
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

fn by_check(
    checks: &[CheckInfo],
    totals: &std::collections::BTreeMap<String, CheckTotals>,
    mc: MinCell,
) -> Chart {
    let t = |id: &str| totals.get(id).cloned().unwrap_or_default();
    let cats: Vec<String> = checks.iter().map(|c| c.id.to_string()).collect();
    let colors: Vec<RGBColor> = checks.iter().map(|c| severity_color(c.severity)).collect();
    let findings: Vec<f64> = checks.iter().map(|c| t(c.id).findings as f64).collect();
    let amounts: Vec<f64> = checks.iter().map(|c| t(c.id).amount_at_risk).collect();
    Chart {
        name: "findings-by-check".into(),
        title: "Findings and amount at risk per check".into(),
        subtitle: "One finding per check and claim; amount at risk = paid amount of the claim (charge when unpaid)".into(),
        footnote: join_notes(&[
            "A claim flagged by two checks counts in both.".into(),
            suppression_note(mc),
        ]),
        size: (1000, 430),
        legend: severity_legend(),
        min_cell: mc,
        spec: Spec::Bars(BarSpec {
            categories: cats,
            y_desc: String::new(),
            empty_note: None,
            panels: vec![
                Panel {
                    x_desc: "Findings (claims)".into(),
                    series: vec![Series {
                        name: "findings".into(),
                        color: SERIES[2],
                        values: findings,
                    }],
                    cat_colors: Some(colors.clone()),
                    money: false,
                    counts: true,
                },
                Panel {
                    x_desc: "Amount at risk (US$)".into(),
                    series: vec![Series {
                        name: "amount".into(),
                        color: SERIES[2],
                        values: amounts,
                    }],
                    cat_colors: Some(colors),
                    money: true,
                    counts: false,
                },
            ],
        }),
    }
}

fn top_providers(aggs: &Aggregates, checks: &[CheckInfo], mc: MinCell) -> Chart {
    let top: Vec<_> = aggs
        .providers
        .iter()
        .filter(|p| p.amount_cents > 0)
        .take(15)
        .collect();
    let series: Vec<Series> = checks
        .iter()
        .enumerate()
        .map(|(i, c)| Series {
            name: c.id.to_string(),
            color: series_color(i, checks.len()),
            values: top
                .iter()
                .map(|p| p.primary_cents[i] as f64 / 100.0)
                .collect(),
        })
        .collect();
    let rows = top.len().max(3) as u32;
    Chart {
        name: "top-providers".into(),
        title: if top.len() > 1 {
            format!("Top {} providers by amount at risk, by check", top.len())
        } else {
            "Providers by amount at risk, by check".to_string()
        },
        subtitle: "US$ at risk on the provider's flagged claims; each claim counted once, under its most severe check".into(),
        footnote: format!(
            "{} providers have flagged claims; sorted by amount, then provider id.",
            aggs.providers.iter().filter(|p| p.amount_cents > 0).count()
        ),
        size: (1000, 190 + rows * 30),
        legend: check_legend(checks, false),
        min_cell: mc,
        spec: Spec::Bars(BarSpec {
            categories: top.iter().map(|p| p.id.clone()).collect(),
            y_desc: "Provider".into(),
            empty_note: Some("No findings".into()),
            panels: vec![Panel {
                x_desc: "Amount at risk (US$)".into(),
                series,
                cat_colors: None,
                money: true,
                counts: false,
            }],
        }),
    }
}

fn by_month(aggs: &Aggregates, checks: &[CheckInfo], mc: MinCell) -> Chart {
    // Months with audited claims; long empty stretches (old history) are left out.
    let kept: Vec<_> = aggs
        .months
        .iter()
        .enumerate()
        .filter(|(_, m)| m.claims > 0 || m.check_findings.iter().any(|c| *c > 0))
        .collect();
    let months: Vec<String> = kept.iter().map(|(_, m)| m.month.clone()).collect();
    let gaps_after: Vec<usize> = kept
        .windows(2)
        .enumerate()
        .filter(|(_, w)| w[1].0 != w[0].0 + 1)
        .map(|(i, _)| i)
        .collect();
    let series: Vec<Series> = checks
        .iter()
        .enumerate()
        .map(|(i, c)| Series {
            name: c.id.to_string(),
            color: series_color(i, checks.len()),
            values: kept
                .iter()
                .map(|(_, m)| m.check_findings[i] as f64)
                .collect(),
        })
        .collect();
    let span = match (months.first(), months.last()) {
        (Some(a), Some(b)) if a != b => format!("{a} to {b}"),
        (Some(a), _) => a.clone(),
        _ => "no audited claims".into(),
    };
    let gap_note = if gaps_after.is_empty() {
        String::new()
    } else {
        format!(
            "Months without audited claims are left out: a dotted line marks each of the {} gaps.",
            gaps_after.len()
        )
    };
    Chart {
        name: "findings-by-month".into(),
        title: "Findings per month, per check".into(),
        subtitle: format!("Findings by month of service of the audited claims, {span}"),
        footnote: join_notes(&[gap_note, suppression_note(mc)]),
        size: (1000, 520),
        legend: check_legend(checks, true),
        min_cell: mc,
        spec: Spec::Lines(LineSpec {
            months,
            gaps_after,
            series,
        }),
    }
}

fn provider_share(aggs: &Aggregates, mc: MinCell) -> Chart {
    let ranked = aggs.ranked();
    let shown: Vec<_> = ranked
        .iter()
        .filter(|p| !mc.hidden(p.m6281_claims) && !mc.hidden(p.claims))
        .collect();
    let hidden = ranked.len() - shown.len();
    let unranked = aggs.providers.len() - ranked.len();
    let outliers = ranked.iter().filter(|p| p.outlier).count();
    let mut notes = vec![format!(
        "Percentile = % of peer providers with a share at or below this one; flagged at or above P{:.0}.",
        aggs.outlier_percentile
    )];
    if unranked > 0 {
        notes.push(format!(
            "{unranked} provider(s) with fewer than {} claims not ranked.",
            aggs.min_claims
        ));
    }
    if hidden > 0 {
        notes.push(format!(
            "{hidden} ranked provider(s) not drawn: counts below --min-cell {}.",
            mc.0
        ));
    }
    Chart {
        name: "provider-m6281-share".into(),
        title: "M62.81 share of claims per provider against its peers".into(),
        subtitle: format!(
            "Each bar: one provider's audited claims holding M62.81; {} peer providers, {} at or above the {:.0}th percentile (dark)",
            ranked.len(),
            outliers,
            aggs.outlier_percentile
        ),
        footnote: notes.join(" "),
        size: (1000, 540),
        legend: vec![
            LegendItem {
                label: "peer provider".into(),
                color: PEER,
                marker: None,
                dashed: false,
            },
            LegendItem {
                label: format!("outlier (at or above P{:.0})", aggs.outlier_percentile),
                color: FLAG,
                marker: None,
                dashed: false,
            },
        ],
        min_cell: mc,
        spec: Spec::Share(ShareSpec {
            bars: shown
                .iter()
                .map(|p| ShareBar {
                    id: p.id.clone(),
                    share: p.share,
                    percentile: p.percentile.unwrap_or(0.0),
                    outlier: p.outlier,
                })
                .collect(),
            cut: aggs.outlier_cut,
            percentile: aggs.outlier_percentile,
        }),
    }
}

/// Histogram bins of the cadence chart (shared with the HTML table).
pub fn cadence_bins(aggs: &Aggregates) -> (Bins, Bins) {
    let v = aggs.max_visits.max(1);
    let top_v = (2 * v).min(40);
    let mut visit_labels: Vec<String> = (0..=top_v).map(|i| i.to_string()).collect();
    visit_labels.push(format!(">{top_v}"));
    let mut visit_counts = vec![0u64; visit_labels.len()];
    let d = aggs.max_days.max(3);
    let w = (d + 2) / 3;
    // Upper bounds of the day bins: w, 2w, ... up to 2d, then a year, then beyond.
    let mut bounds: Vec<i64> = (1..).map(|k| k * w).take_while(|b| *b <= 2 * d).collect();
    if bounds.last().copied().unwrap_or(0) < 365 {
        bounds.push(365);
    }
    let mut day_labels: Vec<String> = Vec::new();
    let mut lo = 0;
    for b in &bounds {
        day_labels.push(format!("{lo}–{b}"));
        lo = b + 1;
    }
    day_labels.push(format!(">{}", bounds.last().copied().unwrap_or(0)));
    let mut day_counts = vec![0u64; day_labels.len()];
    for (visits, days) in &aggs.cadence.measured {
        let vi = (*visits).clamp(0, top_v + 1) as usize;
        visit_counts[vi] += 1;
        let di = bounds
            .iter()
            .position(|b| days <= b)
            .unwrap_or(bounds.len());
        day_counts[di] += 1;
    }
    let visit_limit = (v + 1) as usize;
    let day_limit = bounds
        .iter()
        .position(|b| *b > aggs.max_days)
        .unwrap_or(bounds.len());
    (
        Bins {
            labels: visit_labels,
            counts: visit_counts,
            limit_at: visit_limit,
        },
        Bins {
            labels: day_labels,
            counts: day_counts,
            limit_at: day_limit,
        },
    )
}

/// Bins of one cadence histogram: labels, counts, first bin over the limit.
pub struct Bins {
    pub labels: Vec<String>,
    pub counts: Vec<u64>,
    pub limit_at: usize,
}

fn cadence(aggs: &Aggregates, mc: MinCell) -> Chart {
    let (v, d) = cadence_bins(aggs);
    let measured = aggs.cadence.measured.len() as u64;
    let over = aggs
        .cadence
        .measured
        .iter()
        .filter(|(a, b)| *a > aggs.max_visits || *b > aggs.max_days)
        .count() as u64;
    let count = |c: u64| mc.count(c);
    Chart {
        name: "reassessment-cadence".into(),
        title: "Reassessment cadence of M62.81 visits".into(),
        subtitle: format!(
            "Audited M62.81 visits with a strength measurement on or before the visit: {}; past a limit (dark): {}; never measured: {}",
            count(measured),
            count(over),
            count(aggs.cadence.unmeasured)
        ),
        footnote: join_notes(&[
            "Visits since = M62.81 visits after the measurement date, this one included. m6281-no-reassessment flags only patients with enough visits.".into(),
            suppression_note(mc),
        ]),
        size: (1000, 480),
        legend: vec![
            LegendItem {
                label: "within the limit".into(),
                color: PEER,
                marker: None,
                dashed: false,
            },
            LegendItem {
                label: "past the limit".into(),
                color: FLAG,
                marker: None,
                dashed: false,
            },
        ],
        min_cell: mc,
        spec: Spec::Hist(HistSpec {
            panels: vec![
                Histogram {
                    x_desc: "M62.81 visits since the latest strength measurement".into(),
                    labels: v.labels,
                    counts: v.counts,
                    limit_at: v.limit_at,
                    limit_label: format!("limit: {} visits", aggs.max_visits),
                },
                Histogram {
                    x_desc: "Days since the latest strength measurement".into(),
                    labels: d.labels,
                    counts: d.counts,
                    limit_at: d.limit_at,
                    limit_label: format!("limit: {} days", aggs.max_days),
                },
            ],
        }),
    }
}

/// A share that may be shown: numerator and denominator not suppressed.
pub fn shown_share(num: u64, den: u64, mc: MinCell) -> Option<f64> {
    if den == 0 || mc.hidden(num) || mc.hidden(den) {
        None
    } else {
        Some(num as f64 / den as f64)
    }
}

fn completeness(aggs: &Aggregates, mc: MinCell) -> Chart {
    let cols: Vec<(String, String)> = aggs
        .completeness
        .iter()
        .map(|r| {
            let head = if r.group == "all" {
                "All providers".to_string()
            } else {
                r.group.clone()
            };
            (head, format!("n = {} notes", mc.count(r.notes)))
        })
        .collect();
    let cells: Vec<Vec<Option<f64>>> = aggs
        .completeness
        .iter()
        .map(|r| {
            r.with
                .iter()
                .map(|k| shown_share(*k, r.notes, mc))
                .collect()
        })
        .collect();
    Chart {
        name: "documentation-completeness".into(),
        title: "Documentation completeness of M62.81 notes".into(),
        subtitle: "Share of notes supporting an audited M62.81 claim that hold each element; all providers and the 5 with the most M62.81 claims".into(),
        footnote: join_notes(&[
            "Elements as CHECKS.md defines them, read once per note by the evidence pass.".into(),
            if mc.active() {
                format!("\"not shown\": a count from 1 to {} (--min-cell {}).", mc.0 - 1, mc.0)
            } else {
                String::new()
            },
        ]),
        size: (1000, 420),
        legend: Vec::new(),
        min_cell: mc,
        spec: Spec::Heat(HeatSpec {
            empty: aggs.completeness.first().is_none_or(|r| r.notes == 0),
            rows: FACT_LABELS.iter().map(|s| s.to_string()).collect(),
            cols,
            cells,
        }),
    }
}

fn payers(aggs: &Aggregates, checks: &[CheckInfo], mc: MinCell) -> Chart {
    let cats: Vec<String> = aggs.payers.iter().map(|p| p.payer.clone()).collect();
    let series = |amount: bool| -> Vec<Series> {
        checks
            .iter()
            .enumerate()
            .map(|(i, c)| Series {
                name: c.id.to_string(),
                color: series_color(i, checks.len()),
                values: aggs
                    .payers
                    .iter()
                    .map(|p| {
                        if amount {
                            p.primary_cents[i] as f64 / 100.0
                        } else {
                            p.check_findings[i] as f64
                        }
                    })
                    .collect(),
            })
            .collect()
    };
    let rows = cats.len().max(3) as u32;
    Chart {
        name: "payers".into(),
        title: "Findings and amount at risk per payer".into(),
        subtitle: "Left: findings per check; right: US$ at risk, each flagged claim once under its most severe check".into(),
        footnote: join_notes(&[
            "Sorted by amount at risk, then payer.".into(),
            if mc.active() {
                format!(
                    "Segments counting 1 to {} findings are not drawn; \"+\" marks a bar missing such segments.",
                    mc.0 - 1
                )
            } else {
                String::new()
            },
        ]),
        size: (1000, 200 + rows * 34),
        legend: check_legend(checks, false),
        min_cell: mc,
        spec: Spec::Bars(BarSpec {
            categories: cats,
            y_desc: "Payer".into(),
            empty_note: Some("No audited claims".into()),
            panels: vec![
                Panel {
                    x_desc: "Findings (claims)".into(),
                    series: series(false),
                    cat_colors: None,
                    money: false,
                    counts: true,
                },
                Panel {
                    x_desc: "Amount at risk (US$)".into(),
                    series: series(true),
                    cat_colors: None,
                    money: true,
                    counts: false,
                },
            ],
        }),
    }
}

/// File stem of a check's own chart.
pub fn check_chart_name(id: &str) -> String {
    format!("check-{id}")
}

fn check_providers(aggs: &Aggregates, check: &CheckInfo, i: usize, mc: MinCell) -> Chart {
    let mut rows: Vec<_> = aggs
        .providers
        .iter()
        .filter(|p| p.check_findings[i] > 0)
        .collect();
    rows.sort_by(|a, b| {
        b.check_findings[i]
            .cmp(&a.check_findings[i])
            .then(b.check_cents[i].cmp(&a.check_cents[i]))
            .then_with(|| a.id.cmp(&b.id))
    });
    let total = rows.len();
    rows.truncate(15);
    let n = rows.len().max(3) as u32;
    let color = severity_color(check.severity);
    Chart {
        name: check_chart_name(check.id),
        title: truncate(&format!("{}: findings per provider", check.id), 90),
        subtitle: format!(
            "Findings of this check and their amount at risk per rendering provider: {} of {} providers with findings",
            rows.len(),
            total
        ),
        footnote: join_notes(&[
            "Sorted by findings, then amount at risk, then provider id.".into(),
            suppression_note(mc),
        ]),
        size: (1000, 150 + n * 28),
        legend: Vec::new(),
        min_cell: mc,
        spec: Spec::Bars(BarSpec {
            categories: rows.iter().map(|p| p.id.clone()).collect(),
            y_desc: "Provider".into(),
            empty_note: Some("No findings for this check".into()),
            panels: vec![
                Panel {
                    x_desc: "Findings (claims)".into(),
                    series: vec![Series {
                        name: check.id.to_string(),
                        color,
                        values: rows.iter().map(|p| p.check_findings[i] as f64).collect(),
                    }],
                    cat_colors: None,
                    money: false,
                    counts: true,
                },
                Panel {
                    x_desc: "Amount at risk (US$)".into(),
                    series: vec![Series {
                        name: check.id.to_string(),
                        color,
                        values: rows
                            .iter()
                            .map(|p| p.check_cents[i] as f64 / 100.0)
                            .collect(),
                    }],
                    cat_colors: None,
                    money: true,
                    counts: false,
                },
            ],
        }),
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
