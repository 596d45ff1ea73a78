//! `top-providers`: the providers with the most at risk, split by check.

use super::draw::Series;
use super::draw::bars::{BarSpec, Panel};
use super::style::{check_legend, series_color};
use super::{Chart, Spec};
use crate::checks::CheckInfo;
use crate::report::MinCell;
use crate::report::aggregates::Aggregates;

pub fn chart(aggs: &Aggregates, checks: &[CheckInfo], mc: MinCell) -> Chart {
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
