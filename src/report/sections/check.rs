//! One section per check: its rule, documentation, chart and top findings.

use std::fmt::Write;

use anyhow::Result;
use polars::prelude::*;

use crate::checks::CheckInfo;
use crate::format::{dollars_cents, escape};
use crate::report::charts;
use crate::report::html::{Page, doc_html, money_td, sev_badge};

/// Writes the section of check `c`.
pub fn render(h: &mut String, p: &Page, c: &CheckInfo) -> Result<()> {
    let mc = p.min_cell;
    let t = p.summary.checks.get(c.id).cloned().unwrap_or_default();
    writeln!(
        h,
        "<section class=\"check\" id=\"{id}\"><h2>{id} {}</h2><p><b>Rule:</b> {}</p><p>{} findings on {} patients and {} providers; {} at risk.</p>",
        sev_badge(c.severity.as_str()),
        escape(c.rule),
        p.count(t.findings as u64),
        p.count(t.patients as u64),
        p.count(t.providers as u64),
        dollars_cents((t.amount_at_risk * 100.0).round() as i64),
        id = c.id
    )?;
    writeln!(h, "<div class=\"rationale\">{}</div>", doc_html(&c.doc()))?;
    if t.findings > 0 {
        p.figure(h, &charts::check_chart_name(c.id))?;
    }
    if t.findings == 0 {
        writeln!(h, "<p>No findings.</p></section>")?;
        return Ok(());
    }
    if mc.hidden(t.findings as u64) {
        writeln!(
            h,
            "<p class=\"note\">Fewer than {} findings: the rows are withheld here (--min-cell); they are in findings.csv.</p></section>",
            mc.0
        )?;
        return Ok(());
    }
    let top = p
        .findings
        .clone()
        .lazy()
        .filter(col("check_id").eq(lit(c.id)))
        .limit(50)
        .collect()?;
    writeln!(
        h,
        "<h3>{} by amount at risk</h3><div class=\"wide\"><table><thead><tr><th>claim</th><th>patient</th><th>provider</th><th>date</th><th>payer</th><th class=num>amount</th><th>evidence</th></tr></thead><tbody>",
        if (t.findings as usize) > top.height() {
            format!(
                "Top {} of {} findings",
                top.height(),
                p.count(t.findings as u64)
            )
        } else {
            "All findings".to_string()
        }
    )?;
    let s = |name: &str| -> Result<Vec<String>> {
        let col = top.column(name)?.cast(&DataType::String)?;
        Ok(col
            .str()?
            .iter()
            .map(|v| v.unwrap_or("").to_string())
            .collect())
    };
    let (claim, patient, provider, date, payer, evidence) = (
        s("claim_id")?,
        s("patient_id")?,
        s("provider_id")?,
        s("service_date")?,
        s("payer")?,
        s("evidence")?,
    );
    let amount = top.column("amount_at_risk")?.f64()?.clone();
    for k in 0..top.height() {
        writeln!(
            h,
            "<tr><td class=id>{}</td><td class=id>{}</td><td class=id>{}</td><td class=id>{}</td><td>{}</td>{}<td class=ev>{}</td></tr>",
            escape(&claim[k]),
            escape(&patient[k]),
            escape(&provider[k]),
            escape(&date[k]),
            escape(&payer[k]),
            money_td((amount.get(k).unwrap_or(0.0) * 100.0).round() as i64),
            escape(&evidence[k])
        )?;
    }
    writeln!(h, "</tbody></table></div></section>")?;
    Ok(())
}
