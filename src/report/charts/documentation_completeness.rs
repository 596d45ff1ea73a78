//! `documentation-completeness`: the share of M62.81 notes holding each
//! documentation element, for all providers and the top five.

use super::draw::heat::HeatSpec;
use super::style::join_notes;
use super::{Chart, Spec};
use crate::evidence::FACT_LABELS;
use crate::format::shown_share;
use crate::report::MinCell;
use crate::report::aggregates::Aggregates;

pub fn chart(aggs: &Aggregates, mc: MinCell) -> Chart {
    let cols: Vec<(String, String)> = aggs
        .completeness
        .iter()
        .map(|r| {
            let head = if r.group == "all" {
                "All providers".to_string()
            } else {
                r.group.clone()
            };
            (head, format!("n = {} notes", mc.count(r.notes)))
        })
        .collect();
    let cells: Vec<Vec<Option<f64>>> = aggs
        .completeness
        .iter()
        .map(|r| {
            r.with
                .iter()
                .map(|k| shown_share(*k, r.notes, mc))
                .collect()
        })
        .collect();
    Chart {
        name: "documentation-completeness".into(),
        title: "Documentation completeness of M62.81 notes".into(),
        subtitle: "Share of notes supporting an audited M62.81 claim that hold each element; all providers and the 5 with the most M62.81 claims".into(),
        footnote: join_notes(&[
            "Elements as CHECKS.md defines them, read once per note by the evidence pass.".into(),
            if mc.active() {
                format!("\"not shown\": a count from 1 to {} (--min-cell {}).", mc.0 - 1, mc.0)
            } else {
                String::new()
            },
        ]),
        size: (1000, 420),
        legend: Vec::new(),
        min_cell: mc,
        spec: Spec::Heat(HeatSpec {
            empty: aggs.completeness.first().is_none_or(|r| r.notes == 0),
            rows: FACT_LABELS.iter().map(|s| s.to_string()).collect(),
            cols,
            cells,
        }),
    }
}
