//! Lines over months (or runs' periods), one per series (dashes and markers
//! tell them apart), with a band where counts are below `--min-cell`. A
//! point that is NaN is not drawn (no value there, or a share that
//! `--min-cell` hides).

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{Series, draw_markers, no_data};
use crate::report::MinCell;
use crate::report::charts::style::{AXIS, BAND, GRID, Sc, axis_label, nice_ceil};

#[derive(Clone)]
pub struct LineSpec {
    /// The x axis' categories: months, or the runs' periods.
    pub months: Vec<String>,
    /// Indices after which months without audited claims were left out.
    pub gaps_after: Vec<usize>,
    pub series: Vec<Series>,
    pub x_desc: String,
    pub y_desc: String,
    /// Values are shares (0 to 1, axis in %; suppressed ones already NaN),
    /// not counts.
    pub shares: bool,
    /// What the plot says when there are no categories or no series.
    pub empty: String,
}

pub fn draw_lines<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    sc: Sc,
    spec: &LineSpec,
    mc: MinCell,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let m = spec.months.len();
    if m == 0 || spec.series.is_empty() {
        return no_data(area, sc, &spec.empty);
    }
    let visible = |v: f64| !v.is_nan() && (spec.shares || !mc.hidden(v.round() as u64));
    let max = spec
        .series
        .iter()
        .flat_map(|s| s.values.iter().cloned())
        .filter(|v| visible(*v))
        .fold(0.0, f64::max);
    let ymax = if spec.shares {
        // Tenths of the whole, at most all of it.
        ((max * 1.1 * 10.0).ceil() / 10.0).clamp(0.1, 1.0)
    } else {
        nice_ceil((max.max(mc.floor() as f64) * 1.1).max(4.0))
    };
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
        .y_label_formatter(&|v| {
            if spec.shares {
                format!("{:.0}%", v * 100.0)
            } else {
                axis_label(*v, false)
            }
        })
        .x_desc(spec.x_desc.as_str())
        .y_desc(spec.y_desc.as_str())
        .label_style(sc.font(11.5))
        .axis_desc_style(sc.font(13.0))
        .bold_line_style(GRID.stroke_width(sc.u(1.0).max(1)))
        .light_line_style(TRANSPARENT)
        .axis_style(AXIS.stroke_width(sc.u(1.0).max(1)))
        .draw()?;
    if mc.active() && !spec.shares {
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
