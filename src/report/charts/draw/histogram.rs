//! Histograms side by side, bins past a limit dark, the limit a dashed line.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use plotters::style::FontTransform;

use crate::report::MinCell;
use crate::report::charts::style::{
    AXIS, FLAG, GRID, INK, OUTLINE, PEER, Sc, axis_label, nice_ceil, segments,
};

#[derive(Clone)]
pub struct Histogram {
    pub x_desc: String,
    pub labels: Vec<String>,
    pub counts: Vec<u64>,
    /// Bins from this index on are over the limit.
    pub limit_at: usize,
    pub limit_label: String,
}

#[derive(Clone)]
pub struct HistSpec {
    pub panels: Vec<Histogram>,
    /// What the bars count (the first panel's y axis).
    pub y_desc: String,
}

pub fn draw_histograms<DB: DrawingBackend>(
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
        draw_histogram(&this, sc, h, mc, (p == 0).then_some(spec.y_desc.as_str()))?;
        rest = next;
    }
    Ok(())
}

pub fn draw_histogram<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    sc: Sc,
    h: &Histogram,
    mc: MinCell,
    y_desc: Option<&str>,
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
        .y_label_area_size(sc.u(if y_desc.is_some() { 60.0 } else { 44.0 }))
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
    if let Some(desc) = y_desc {
        mesh.y_desc(desc);
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
