//! A table of shares coloured light to dark, suppressed cells "not shown".

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::no_data;
use crate::report::charts::style::{AXIS, BAND, INK, OUTLINE, Sc, ramp, text_width};

#[derive(Clone)]
pub struct HeatSpec {
    pub empty: bool,
    pub rows: Vec<String>,
    /// (header line 1, header line 2)
    pub cols: Vec<(String, String)>,
    /// cells[col][row]: share 0..1, or None when suppressed.
    pub cells: Vec<Vec<Option<f64>>>,
}

pub fn draw_heat<DB: DrawingBackend>(
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
