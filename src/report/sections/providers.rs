//! Providers: the top providers and M62.81 share charts, and every provider's row.

use std::fmt::Write;

use anyhow::Result;

use crate::format::{escape, percent, shown_share};
use crate::report::html::{Page, money_td};

/// Writes the section.
pub fn render(h: &mut String, p: &Page) -> Result<()> {
    writeln!(h, "<section id=\"providers\"><h2>Providers</h2>")?;
    p.figure(h, "top-providers")?;
    p.figure(h, "provider-m6281-share")?;
    provider_table(h, p)?;
    writeln!(h, "</section>")?;
    Ok(())
}

fn provider_table(h: &mut String, p: &Page) -> Result<()> {
    let mc = p.min_cell;
    let a = p.aggs;
    writeln!(
        h,
        "<h3>All providers</h3><p class=\"note\">Click a column to sort. Percentile: % of peer providers (at least {} audited claims) whose M62.81 share is at or below this one's; rows at or above P{:.0} are marked. Amount at risk counts each flagged claim once; the per-check columns count findings.</p>",
        a.min_claims, a.outlier_percentile
    )?;
    write!(
        h,
        "<div class=\"wide\"><table class=\"sortable compact\" id=\"provider-table\"><thead><tr><th>provider</th><th class=num>claims</th><th class=num>M62.81 claims</th><th class=num>M62.81 share</th><th class=num>percentile</th><th>outlier</th><th class=num>findings</th><th class=num>claims flagged</th><th class=num>amount at risk</th>"
    )?;
    for c in p.checks {
        write!(h, "<th class=\"num vert\" title=\"{0}\">{0}</th>", c.id)?;
    }
    writeln!(h, "</tr></thead><tbody>")?;
    for r in &a.providers {
        let share = shown_share(r.m6281_claims, r.claims, mc);
        write!(
            h,
            "<tr{}><td class=id>{}</td>{}{}<td class=num data-v=\"{}\">{}</td>",
            if r.outlier { " class=\"outlier\"" } else { "" },
            escape(&r.id),
            p.count_td(r.claims),
            p.count_td(r.m6281_claims),
            share
                .map(|v| format!("{v:.6}"))
                .unwrap_or_else(|| "-1".into()),
            share.map(percent).unwrap_or_else(|| "not shown".into())
        )?;
        match r.percentile {
            Some(v) => write!(h, "<td class=num data-v=\"{v:.3}\">{v:.1}</td>")?,
            None => write!(
                h,
                "<td class=num data-v=\"-1\"><span class=\"muted\">not ranked</span></td>"
            )?,
        }
        write!(
            h,
            "<td>{}</td>{}{}{}",
            if r.outlier {
                "<span class=\"flagtag\">outlier</span>"
            } else {
                ""
            },
            p.count_td(r.findings),
            p.count_td(r.claims_flagged),
            money_td(r.amount_cents)
        )?;
        for k in 0..p.checks.len() {
            write!(h, "{}", p.count_td(r.check_findings[k]))?;
        }
        writeln!(h, "</tr>")?;
    }
    writeln!(h, "</tbody></table></div>")?;
    Ok(())
}
