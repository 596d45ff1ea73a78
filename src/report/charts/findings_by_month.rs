//! `findings-by-month`: findings per month of service, one line per check.

use super::draw::Series;
use super::draw::lines::LineSpec;
use super::style::{check_legend, join_notes, series_color, suppression_note};
use super::{Chart, Spec};
use crate::checks::CheckInfo;
use crate::report::MinCell;
use crate::report::aggregates::Aggregates;

pub fn chart(aggs: &Aggregates, checks: &[CheckInfo], mc: MinCell) -> Chart {
    // Months with audited claims; long empty stretches (old history) are left out.
    let kept: Vec<_> = aggs
        .months
        .iter()
        .enumerate()
        .filter(|(_, m)| m.claims > 0 || m.check_findings.iter().any(|c| *c > 0))
        .collect();
    let months: Vec<String> = kept.iter().map(|(_, m)| m.month.clone()).collect();
    let gaps_after: Vec<usize> = kept
        .windows(2)
        .enumerate()
        .filter(|(_, w)| w[1].0 != w[0].0 + 1)
        .map(|(i, _)| i)
        .collect();
    let series: Vec<Series> = checks
        .iter()
        .enumerate()
        .map(|(i, c)| Series {
            name: c.id.to_string(),
            color: series_color(i, checks.len()),
            values: kept
                .iter()
                .map(|(_, m)| m.check_findings[i] as f64)
                .collect(),
        })
        .collect();
    let span = match (months.first(), months.last()) {
        (Some(a), Some(b)) if a != b => format!("{a} to {b}"),
        (Some(a), _) => a.clone(),
        _ => "no audited claims".into(),
    };
    let gap_note = if gaps_after.is_empty() {
        String::new()
    } else {
        format!(
            "Months without audited claims are left out: a dotted line marks each of the {} gaps.",
            gaps_after.len()
        )
    };
    Chart {
        name: "findings-by-month".into(),
        title: "Findings per month, per check".into(),
        subtitle: format!("Findings by month of service of the audited claims, {span}"),
        footnote: join_notes(&[gap_note, suppression_note(mc)]),
        size: (1000, 520),
        legend: check_legend(checks, true),
        min_cell: mc,
        spec: Spec::Lines(LineSpec {
            months,
            gaps_after,
            series,
            x_desc: "Month of service".into(),
            y_desc: "Findings (claims flagged)".into(),
            shares: false,
            empty: "No audited claims".into(),
        }),
    }
}
