//! `payers`: findings and amount at risk per payer, split by check.

use super::draw::Series;
use super::draw::bars::{BarSpec, Panel};
use super::style::{check_legend, join_notes, series_color};
use super::{Chart, Spec};
use crate::checks::CheckInfo;
use crate::report::MinCell;
use crate::report::aggregates::Aggregates;

pub fn chart(aggs: &Aggregates, checks: &[CheckInfo], mc: MinCell) -> Chart {
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
