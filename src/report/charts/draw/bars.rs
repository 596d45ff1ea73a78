//! Horizontal bars: one or more panels side by side sharing the
//! categories, stacked by series, labelled with their totals.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{Series, no_data};
use crate::report::MinCell;
use crate::report::charts::style::{
    AXIS, GRID, OUTLINE, Sc, axis_label, nice_ceil, segments, text_width, value_label,
};

/// Horizontal bars, one or more panels side by side sharing the categories.
#[derive(Clone)]
pub struct Panel {
    pub x_desc: String,
    pub series: Vec<Series>,
    /// Per category colour, for single-series panels (severity).
    pub cat_colors: Option<Vec<RGBColor>>,
    pub money: bool,
    /// Values are counts: apply --min-cell.
    pub counts: bool,
}

#[derive(Clone)]
pub struct BarSpec {
    pub categories: Vec<String>,
    pub y_desc: String,
    pub panels: Vec<Panel>,
    pub empty_note: Option<String>,
}

pub fn draw_bar_panels<DB: DrawingBackend>(
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

pub fn draw_hbars<DB: DrawingBackend>(
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
