//! `sample-overpayment`: the reviewed sample's overpayments (amount paid
//! less the reviewer's audited amount), one histogram per stratum on shared
//! bins, overpaid items dark. Shows what the extrapolation rests on: a
//! stratum of equal overpayments, or a few large ones, is visible at once.

use super::draw::LegendItem;
use super::draw::histogram::{HistSpec, Histogram};
use super::style::{FLAG, PEER, join_notes, suppression_note};
use super::{Chart, Spec};
use crate::format::{dollars, dollars_cents};
use crate::report::MinCell;
use crate::sampling::extrapolation::Extrapolation;

/// Bins over (0, max]: at most this many, of a round width.
const POSITIVE_BINS: usize = 8;

/// The chart's file stem for a sample folder named `folder`.
pub fn chart_name(folder: &str) -> String {
    format!("sample-overpayment-{folder}")
}

/// Shared bin edges: one bin for "none or underpaid" (<= 0), then bins of a
/// round width up to the largest overpayment.
fn bin_width(max: f64) -> f64 {
    let raw = (max / POSITIVE_BINS as f64).max(0.01);
    let magnitude = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|w| *w >= raw)
        .unwrap_or(10.0 * magnitude)
}

/// (labels, counts per stratum) of the shared bins.
pub fn bins(e: &Extrapolation) -> (Vec<String>, Vec<Vec<u64>>) {
    let max = e
        .strata
        .iter()
        .flat_map(|s| s.overpayments.iter().copied())
        .fold(0.0, f64::max);
    let width = bin_width(max);
    let positive = if max > 0.0 {
        ((max / width).ceil() as usize).max(1)
    } else {
        0
    };
    // Whole dollars when the width allows, else cents (labels stay distinct).
    let money = |v: f64| {
        if width >= 1.0 {
            dollars(v)
        } else {
            dollars_cents((v * 100.0).round() as i64)
        }
    };
    // Each bin labelled by its upper end (narrow panels have no room for ranges).
    let mut labels = vec!["≤ $0".to_string()];
    labels.extend((1..=positive).map(|k| money(k as f64 * width)));
    let counts = e
        .strata
        .iter()
        .map(|s| {
            let mut c = vec![0u64; labels.len()];
            for v in &s.overpayments {
                let i = if *v <= 0.0 {
                    0
                } else {
                    // (k*w, (k+1)*w] falls in bin k+1.
                    ((v / width).ceil() as usize).clamp(1, positive)
                };
                c[i] += 1;
            }
            c
        })
        .collect();
    (labels, counts)
}

pub fn chart(folder: &str, e: &Extrapolation, mc: MinCell) -> Chart {
    let (labels, counts) = bins(e);
    let panels = e
        .strata
        .iter()
        .zip(counts)
        .map(|(s, counts)| Histogram {
            x_desc: if s.name.is_empty() {
                "Overpayment per sampled claim, up to".into()
            } else {
                format!("Stratum {}: overpayment per claim, up to", s.name)
            },
            labels: labels.clone(),
            counts,
            limit_at: 1,
            limit_label: "overpaid".into(),
        })
        .collect();
    let overpaid = e
        .strata
        .iter()
        .flat_map(|s| &s.overpayments)
        .filter(|v| **v > 0.0)
        .count() as u64;
    Chart {
        name: chart_name(folder),
        title: format!("Overpayments found in the reviewed sample ({folder})"),
        subtitle: format!(
            "Sampled claims: {}; overpaid: {}; frame: {} ({} claims)",
            mc.count(e.whole.sample_size as u64),
            mc.count(overpaid),
            e.frame,
            mc.count(e.whole.frame_size as u64)
        ),
        footnote: join_notes(&[
            "Overpayment = amount paid − audited amount (the reviewer's correct amount); ≤ $0: paid correctly or underpaid; a bar counts the claims over the amount left of it, up to its own.".into(),
            suppression_note(mc),
        ]),
        size: (1000, 420),
        legend: vec![
            LegendItem {
                label: "paid correctly or underpaid".into(),
                color: PEER,
                marker: None,
                dashed: false,
            },
            LegendItem {
                label: "overpaid".into(),
                color: FLAG,
                marker: None,
                dashed: false,
            },
        ],
        min_cell: mc,
        spec: Spec::Hist(HistSpec {
            panels,
            y_desc: "sampled claims".into(),
        }),
    }
}
