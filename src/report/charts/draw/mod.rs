//! How each kind of chart is drawn, for SVG and PNG alike: the frame every
//! chart shares (title, subtitle, legend row, footnote) and one module per
//! kind of plot. A chart file (`charts/*.rs`) only fills in a spec of one of
//! these kinds; it never draws.

pub mod bars;
pub mod heat;
pub mod histogram;
pub mod lines;
pub mod share;

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::Chart;
use super::style::{GRID, OUTLINE, Sc, text_width};

/// One item of a chart's legend row.
#[derive(Clone)]
pub struct LegendItem {
    pub label: String,
    pub color: RGBColor,
    /// None: a filled box; Some(i): a line with marker shape i.
    pub marker: Option<usize>,
    pub dashed: bool,
}

#[derive(Clone)]
pub struct Series {
    #[allow(dead_code)]
    pub name: String,
    pub color: RGBColor,
    /// One value per category.
    pub values: Vec<f64>,
}

/// Draws title, subtitle, legend row and footnote; returns the area left for the plot.
pub fn frame<DB: DrawingBackend>(
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

/// Odd shapes are hollow (a stroke scaled to the radius), even ones filled.
fn marker_style(shape: usize, r: f64, color: RGBColor) -> ShapeStyle {
    if shape % 2 == 1 {
        color.stroke_width(((r / 2.5).round() as u32).max(1))
    } else {
        color.filled()
    }
}

/// Draws markers for line series: filled and hollow circle, triangle, square, diamond.
pub fn draw_markers<DB: DrawingBackend, X: Ranged<ValueType = f64>, Y: Ranged<ValueType = f64>>(
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
    let style = marker_style(shape, r, color);
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
pub fn draw_marker_px<DB: DrawingBackend>(
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
    let style = marker_style(shape, r, color);
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

pub fn no_data<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, sc: Sc, note: &str) -> Result<()>
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
