//! The page header: period, run, small-cell note, the key figures and the inputs read.

use std::fmt::Write;

use anyhow::Result;

use crate::format::{dollars_cents, escape, thousands};
use crate::report::html::Page;

/// Writes the section.
pub fn render(h: &mut String, p: &Page) -> Result<()> {
    let mc = p.min_cell;
    let s = p.summary;
    writeln!(
        h,
        "<header><h1>Claims coding audit: M62.81 and ICD-10-CM validity</h1><p class=\"meta\">Audited period: <b>{}</b> &middot; ran {} &middot; claims-audit {} &middot; {}</p>",
        escape(&s.period.label),
        escape(p.ran_at),
        s.tool.version,
        escape(s.tool.code_set)
    )?;
    if !s.checks_skipped.is_empty() {
        let ids: Vec<String> = s
            .checks_skipped
            .iter()
            .map(|c| format!("<code>{}</code>", escape(&c.id)))
            .collect();
        writeln!(
            h,
            "<p class=\"meta skipped\"><b>Checks not run ({}):</b> {}. Reason: {}. The other checks ran as usual.</p>",
            ids.len(),
            ids.join(", "),
            escape(&s.checks_skipped[0].reason)
        )?;
    }
    if mc.active() {
        writeln!(
            h,
            "<p class=\"meta\"><b>Small cells suppressed:</b> counts from 1 to {} show as <code>{}</code> (--min-cell {}); findings.csv and summary.json are complete.</p>",
            mc.0 - 1,
            escape(&mc.label()),
            mc.0
        )?;
    }
    let outliers = p.aggs.providers.iter().filter(|x| x.outlier).count() as u64;
    writeln!(
        h,
        "<div class=\"kpis\"><div class=\"kpi\"><b>{}</b><span>claims audited</span></div><div class=\"kpi flag\"><b>{}</b><span>claims flagged</span></div><div class=\"kpi flag\"><b>{}</b><span>findings</span></div><div class=\"kpi flag\"><b>{}</b><span>amount at risk (each claim once)</span></div><div class=\"kpi\"><b>{}</b><span>providers at or above P{:.0} of M62.81 share</span></div></div>",
        p.count(s.totals.claims_audited as u64),
        p.count(s.totals.claims_flagged as u64),
        p.count(s.totals.findings as u64),
        dollars_cents((s.totals.amount_at_risk * 100.0).round() as i64),
        p.count(outliers),
        p.aggs.outlier_percentile
    )?;
    writeln!(
        h,
        "<h3>Inputs</h3><table><thead><tr><th>input</th><th>path</th><th class=num>files</th><th class=num>rows read</th><th class=num>used</th><th class=num>rejected</th><th>SHA-256</th></tr></thead><tbody>"
    )?;
    for i in &s.inputs {
        writeln!(
            h,
            "<tr><td>{}</td><td><code>{}</code></td><td class=num>{}</td><td class=num>{}</td><td class=num>{}</td><td class=num>{}</td><td><code class=\"hash\">{}</code></td></tr>",
            i.name,
            escape(&i.path),
            i.files,
            thousands(i.rows_read as u64),
            thousands(i.rows_used as u64),
            thousands(i.rows_rejected as u64),
            i.sha256
        )?;
    }
    writeln!(h, "</tbody></table></header>")?;
    Ok(())
}
