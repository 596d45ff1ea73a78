//! `check-<id>`: one per check, its findings and amount at risk per provider.

use super::draw::Series;
use super::draw::bars::{BarSpec, Panel};
use super::style::{join_notes, severity_color, suppression_note, truncate};
use super::{Chart, Spec};
use crate::checks::CheckInfo;
use crate::report::MinCell;
use crate::report::aggregates::Aggregates;

/// File stem of a check's own chart.
pub fn check_chart_name(id: &str) -> String {
    format!("check-{id}")
}

pub fn chart(aggs: &Aggregates, check: &CheckInfo, i: usize, mc: MinCell) -> Chart {
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
