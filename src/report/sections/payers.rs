//! Payers: claims, findings and amount at risk per payer.

use std::fmt::Write;

use anyhow::Result;

use crate::format::{escape, percent, shown_share};
use crate::report::html::{Page, money_td};

/// Writes the section.
pub fn render(h: &mut String, p: &Page) -> Result<()> {
    let mc = p.min_cell;
    writeln!(h, "<section id=\"payers\"><h2>Payers</h2>")?;
    p.figure(h, "payers")?;
    writeln!(
        h,
        "<table class=\"sortable\"><thead><tr><th>payer</th><th class=num>claims audited</th><th class=num>findings</th><th class=num>claims flagged</th><th class=num>flagged share</th><th class=num>amount at risk</th></tr></thead><tbody>"
    )?;
    for y in &p.aggs.payers {
        let share = shown_share(y.claims_flagged, y.claims, mc);
        writeln!(
            h,
            "<tr><td>{}</td>{}{}{}<td class=num data-v=\"{}\">{}</td>{}</tr>",
            escape(&y.payer),
            p.count_td(y.claims),
            p.count_td(y.findings),
            p.count_td(y.claims_flagged),
            share
                .map(|v| format!("{v:.6}"))
                .unwrap_or_else(|| "-1".into()),
            share.map(percent).unwrap_or_else(|| "not shown".into()),
            money_td(y.amount_cents)
        )?;
    }
    writeln!(h, "</tbody></table></section>")?;
    Ok(())
}
