//! One bar per provider of a peer group, lowest to highest share, outliers
//! dark and named, with the outlier cut as a dashed line.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use plotters::style::FontTransform;

use super::no_data;
use crate::report::charts::style::{AXIS, FLAG, GRID, INK, OUTLINE, PEER, Sc, segments};

#[derive(Clone)]
pub struct ShareBar {
    pub id: String,
    pub share: f64,
    pub percentile: f64,
    pub outlier: bool,
}

#[derive(Clone)]
pub struct ShareSpec {
    pub bars: Vec<ShareBar>,
    pub cut: Option<f64>,
    pub percentile: f64,
}

pub fn draw_share<DB: DrawingBackend>(
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
