//! `reassessment-cadence`: M62.81 visits and days since the latest strength
//! measurement, as two histograms with the limits of m6281-no-reassessment.

use super::draw::LegendItem;
use super::draw::histogram::{HistSpec, Histogram};
use super::style::{FLAG, PEER, join_notes, suppression_note};
use super::{Chart, Spec};
use crate::report::MinCell;
use crate::report::aggregates::Aggregates;

/// Histogram bins of the cadence chart.
pub fn cadence_bins(aggs: &Aggregates) -> (Bins, Bins) {
    let v = aggs.max_visits.max(1);
    let top_v = (2 * v).min(40);
    let mut visit_labels: Vec<String> = (0..=top_v).map(|i| i.to_string()).collect();
    visit_labels.push(format!(">{top_v}"));
    let mut visit_counts = vec![0u64; visit_labels.len()];
    let d = aggs.max_days.max(3);
    let w = (d + 2) / 3;
    // Upper bounds of the day bins: w, 2w, ... up to 2d, then a year, then beyond.
    let mut bounds: Vec<i64> = (1..).map(|k| k * w).take_while(|b| *b <= 2 * d).collect();
    if bounds.last().copied().unwrap_or(0) < 365 {
        bounds.push(365);
    }
    let mut day_labels: Vec<String> = Vec::new();
    let mut lo = 0;
    for b in &bounds {
        day_labels.push(format!("{lo}–{b}"));
        lo = b + 1;
    }
    day_labels.push(format!(">{}", bounds.last().copied().unwrap_or(0)));
    let mut day_counts = vec![0u64; day_labels.len()];
    for (visits, days) in &aggs.cadence.measured {
        let vi = (*visits).clamp(0, top_v + 1) as usize;
        visit_counts[vi] += 1;
        let di = bounds
            .iter()
            .position(|b| days <= b)
            .unwrap_or(bounds.len());
        day_counts[di] += 1;
    }
    let visit_limit = (v + 1) as usize;
    let day_limit = bounds
        .iter()
        .position(|b| *b > aggs.max_days)
        .unwrap_or(bounds.len());
    (
        Bins {
            labels: visit_labels,
            counts: visit_counts,
            limit_at: visit_limit,
        },
        Bins {
            labels: day_labels,
            counts: day_counts,
            limit_at: day_limit,
        },
    )
}

/// Bins of one cadence histogram: labels, counts, first bin over the limit.
pub struct Bins {
    pub labels: Vec<String>,
    pub counts: Vec<u64>,
    pub limit_at: usize,
}

pub fn chart(aggs: &Aggregates, mc: MinCell) -> Chart {
    let (v, d) = cadence_bins(aggs);
    let measured = aggs.cadence.measured.len() as u64;
    let over = aggs
        .cadence
        .measured
        .iter()
        .filter(|(a, b)| *a > aggs.max_visits || *b > aggs.max_days)
        .count() as u64;
    let count = |c: u64| mc.count(c);
    Chart {
        name: "reassessment-cadence".into(),
        title: "Reassessment cadence of M62.81 visits".into(),
        subtitle: format!(
            "Audited M62.81 visits with a strength measurement on or before the visit: {}; past a limit (dark): {}; never measured: {}",
            count(measured),
            count(over),
            count(aggs.cadence.unmeasured)
        ),
        footnote: join_notes(&[
            "Visits since = M62.81 visits after the measurement date, this one included. m6281-no-reassessment flags only patients with enough visits.".into(),
            suppression_note(mc),
        ]),
        size: (1000, 480),
        legend: vec![
            LegendItem {
                label: "within the limit".into(),
                color: PEER,
                marker: None,
                dashed: false,
            },
            LegendItem {
                label: "past the limit".into(),
                color: FLAG,
                marker: None,
                dashed: false,
            },
        ],
        min_cell: mc,
        spec: Spec::Hist(HistSpec {
            panels: vec![
                Histogram {
                    x_desc: "M62.81 visits since the latest strength measurement".into(),
                    labels: v.labels,
                    counts: v.counts,
                    limit_at: v.limit_at,
                    limit_label: format!("limit: {} visits", aggs.max_visits),
                },
                Histogram {
                    x_desc: "Days since the latest strength measurement".into(),
                    labels: d.labels,
                    counts: d.counts,
                    limit_at: d.limit_at,
                    limit_label: format!("limit: {} days", aggs.max_days),
                },
            ],
            y_desc: "M62.81 visits".into(),
        }),
    }
}
