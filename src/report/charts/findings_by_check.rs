//! `findings-by-check`: findings and amount at risk per check, coloured by severity.

use plotters::style::RGBColor;

use super::draw::Series;
use super::draw::bars::{BarSpec, Panel};
use super::style::{SERIES, join_notes, severity_color, severity_legend, suppression_note};
use super::{Chart, Spec};
use crate::checks::CheckInfo;
use crate::report::MinCell;
use crate::report::summary::CheckTotals;

pub fn chart(
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
