//! `trend-findings-by-check` (`run --history`): findings per check over the
//! periods of the trend, one line per check.

use super::draw::Series;
use super::draw::lines::LineSpec;
use super::style::{check_legend, join_notes, series_color, suppression_note};
use super::{Chart, Spec};
use crate::checks::CheckInfo;
use crate::history::trend::Trend;
use crate::report::MinCell;

pub fn chart(trend: &Trend, checks: &[CheckInfo], mc: MinCell) -> Chart {
    let periods: Vec<String> = trend.periods.iter().map(|p| p.short_label()).collect();
    let series = checks
        .iter()
        .enumerate()
        .map(|(i, c)| Series {
            name: c.id.to_string(),
            color: series_color(i, checks.len()),
            // A check that did not run in a period has no point there.
            values: trend
                .periods
                .iter()
                .map(|p| p.checks.get(c.id).map_or(f64::NAN, |t| t.findings as f64))
                .collect(),
        })
        .collect();
    let span = match (periods.first(), periods.last()) {
        (Some(a), Some(b)) if a != b => format!("{a} to {b}"),
        (Some(a), _) => a.clone(),
        _ => String::new(),
    };
    let changed = trend.periods.iter().filter(|p| p.versions_changed).count();
    let version_note = if changed > 0 {
        format!("Code set or check versions changed in {changed} period(s): see the table.")
    } else {
        String::new()
    };
    Chart {
        name: "trend-findings-by-check".into(),
        title: "Findings per check over the last runs".into(),
        subtitle: format!(
            "Findings of each run, one run per period, {} period(s): {span}",
            periods.len()
        ),
        footnote: join_notes(&[version_note, suppression_note(mc)]),
        size: (1000, 520),
        legend: check_legend(checks, true),
        min_cell: mc,
        spec: Spec::Lines(LineSpec {
            months: periods,
            gaps_after: Vec::new(),
            series,
            x_desc: "Audited period of the run".into(),
            y_desc: "Findings".into(),
            shares: false,
            empty: "No runs".into(),
        }),
    }
}
