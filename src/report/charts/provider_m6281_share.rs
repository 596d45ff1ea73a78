//! `provider-m6281-share`: each peer provider's M62.81 share, outliers marked.

use super::draw::LegendItem;
use super::draw::share::{ShareBar, ShareSpec};
use super::style::{FLAG, PEER};
use super::{Chart, Spec};
use crate::report::MinCell;
use crate::report::aggregates::Aggregates;

pub fn chart(aggs: &Aggregates, mc: MinCell) -> Chart {
    let ranked = aggs.ranked();
    let shown: Vec<_> = ranked
        .iter()
        .filter(|p| !mc.hidden(p.m6281_claims) && !mc.hidden(p.claims))
        .collect();
    let hidden = ranked.len() - shown.len();
    let unranked = aggs.providers.len() - ranked.len();
    let outliers = ranked.iter().filter(|p| p.outlier).count();
    let mut notes = vec![format!(
        "Percentile = % of peer providers with a share at or below this one; flagged at or above P{:.0}.",
        aggs.outlier_percentile
    )];
    if unranked > 0 {
        notes.push(format!(
            "{unranked} provider(s) with fewer than {} claims not ranked.",
            aggs.min_claims
        ));
    }
    if hidden > 0 {
        notes.push(format!(
            "{hidden} ranked provider(s) not drawn: counts below --min-cell {}.",
            mc.0
        ));
    }
    Chart {
        name: "provider-m6281-share".into(),
        title: "M62.81 share of claims per provider against its peers".into(),
        subtitle: format!(
            "Each bar: one provider's audited claims holding M62.81; {} peer providers, {} at or above the {:.0}th percentile (dark)",
            ranked.len(),
            outliers,
            aggs.outlier_percentile
        ),
        footnote: notes.join(" "),
        size: (1000, 540),
        legend: vec![
            LegendItem {
                label: "peer provider".into(),
                color: PEER,
                marker: None,
                dashed: false,
            },
            LegendItem {
                label: format!("outlier (at or above P{:.0})", aggs.outlier_percentile),
                color: FLAG,
                marker: None,
                dashed: false,
            },
        ],
        min_cell: mc,
        spec: Spec::Share(ShareSpec {
            bars: shown
                .iter()
                .map(|p| ShareBar {
                    id: p.id.clone(),
                    share: p.share,
                    percentile: p.percentile.unwrap_or(0.0),
                    outlier: p.outlier,
                })
                .collect(),
            cut: aggs.outlier_cut,
            percentile: aggs.outlier_percentile,
        }),
    }
}
