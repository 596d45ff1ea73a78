//! `trend-outlier-share` (`run --history`): the M62.81 share of each
//! persistent outlier over the periods of the trend.

use super::draw::lines::LineSpec;
use super::draw::{LegendItem, Series};
use super::style::series_color;
use super::{Chart, Spec};
use crate::format::shown_share;
use crate::history::trend::Trend;
use crate::report::MinCell;

pub fn chart(trend: &Trend, mc: MinCell) -> Chart {
    let periods: Vec<String> = trend.periods.iter().map(|p| p.short_label()).collect();
    let n = trend.persistent_outliers.len();
    let series: Vec<Series> = trend
        .persistent_outliers
        .iter()
        .enumerate()
        .map(|(i, p)| Series {
            name: p.provider_id.clone(),
            color: series_color(i, n),
            // No point where the provider had no claims or --min-cell hides the share.
            values: p
                .shares
                .iter()
                .map(|s| shown_share(s.m6281_claims, s.claims, mc).unwrap_or(f64::NAN))
                .collect(),
        })
        .collect();
    let legend = trend
        .persistent_outliers
        .iter()
        .enumerate()
        .map(|(i, p)| LegendItem {
            label: format!("{} (outlier in {} runs)", p.provider_id, p.outlier_runs),
            color: series_color(i, n),
            marker: Some(i),
            dashed: i % 2 == 1,
        })
        .collect();
    let rule = &trend.persistent_outlier_rule;
    let share_note = if mc.active() {
        format!(
            "A share is drawn only when its claims and M62.81 claims are both at least {}.",
            mc.0
        )
    } else {
        String::new()
    };
    Chart {
        name: "trend-outlier-share".into(),
        title: "M62.81 share of persistent outlier providers".into(),
        subtitle: format!(
            "Providers at or above the outlier percentile in at least {} of the last {} runs: audited claims holding M62.81, per period",
            rule.at_least, rule.of_last_runs
        ),
        footnote: share_note,
        size: (1000, 480),
        legend,
        min_cell: mc,
        spec: Spec::Lines(LineSpec {
            months: periods,
            gaps_after: Vec::new(),
            series,
            x_desc: "Audited period of the run".into(),
            y_desc: "M62.81 share of the provider's claims".into(),
            shares: true,
            empty: "No persistent outliers".into(),
        }),
    }
}
