//! report.html: one self-contained page (styles inline, no script or font
//! fetched) that a compliance officer can open from a mail attachment.

use std::fmt::Write;

use anyhow::Result;
use polars::prelude::*;

use super::summary::Summary;
use crate::checks::CheckInfo;

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

const STYLE: &str = r#"
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:2rem auto;max-width:72rem;color:#1a1a1a;line-height:1.4;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{border-bottom:2px solid #333;padding-bottom:.2rem;margin-top:2.2rem}
table{border-collapse:collapse;width:100%;margin:.6rem 0;font-size:.9rem}
th,td{border:1px solid #bbb;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#eee}td.num{text-align:right;font-variant-numeric:tabular-nums}
.sev-high{font-weight:bold}.sev-medium{font-style:italic}
.meta{color:#444;font-size:.9rem}.rationale{background:#f6f6f6;padding:.6rem .8rem;border-left:4px solid #666;white-space:pre-wrap;font-size:.88rem}
@media print{body{margin:0;max-width:none}section.check{page-break-before:always}a{color:inherit;text-decoration:none}}
"#;

/// Renders the page from the summary, the catalog and the findings.
pub fn render(
    summary: &Summary,
    checks: &[CheckInfo],
    findings: &DataFrame,
    ran_at: &str,
) -> Result<String> {
    let mut h = String::new();
    writeln!(
        h,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>claims-audit report: {}</title><style>{STYLE}</style></head><body>",
        escape(&summary.period.label)
    )?;
    writeln!(
        h,
        "<h1>Claims coding audit</h1><p class=\"meta\">Period: <b>{}</b> &middot; ran {} &middot; claims-audit {} &middot; {}</p>",
        escape(&summary.period.label),
        escape(ran_at),
        summary.tool.version,
        escape(summary.tool.code_set)
    )?;
    writeln!(
        h,
        "<h2>Inputs</h2><table><tr><th>input</th><th>path</th><th>files</th><th>rows read</th><th>used</th><th>rejected</th><th>SHA-256</th></tr>"
    )?;
    for i in &summary.inputs {
        writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=num>{}</td><td class=num>{}</td><td class=num>{}</td><td class=num>{}</td><td><code>{}</code></td></tr>",
            i.name,
            escape(&i.path),
            i.files,
            i.rows_read,
            i.rows_used,
            i.rows_rejected,
            i.sha256
        )?;
    }
    writeln!(h, "</table>")?;
    let rejected: usize = summary.inputs.iter().map(|i| i.rows_rejected).sum();
    if rejected > 0 {
        writeln!(
            h,
            "<p>{rejected} input rows were rejected and are not audited; <code>rejects.csv</code> names each file, row, column and reason.</p>"
        )?;
    }
    writeln!(
        h,
        "<h2>Summary</h2><p>{} claims audited, {} flagged, {} findings, ${:.2} at risk (each flagged claim counted once).</p>",
        summary.totals.claims_audited,
        summary.totals.claims_flagged,
        summary.totals.findings,
        summary.totals.amount_at_risk
    )?;
    writeln!(
        h,
        "<table><tr><th>check</th><th>severity</th><th>findings</th><th>patients</th><th>providers</th><th>amount at risk</th></tr>"
    )?;
    for c in checks {
        let t = summary.checks.get(c.id).cloned().unwrap_or_default();
        writeln!(
            h,
            "<tr><td><a href=\"#{id}\">{id}</a></td><td class=\"sev-{sev}\">{sev}</td><td class=num>{}</td><td class=num>{}</td><td class=num>{}</td><td class=num>${:.2}</td></tr>",
            t.findings,
            t.patients,
            t.providers,
            t.amount_at_risk,
            id = c.id,
            sev = c.severity.as_str()
        )?;
    }
    writeln!(h, "</table>")?;
    for c in checks {
        writeln!(
            h,
            "<section class=\"check\" id=\"{}\"><h2>{} <small class=\"sev-{}\">[{}]</small></h2>",
            c.id,
            c.id,
            c.severity.as_str(),
            c.severity.as_str()
        )?;
        writeln!(
            h,
            "<p><b>Rule:</b> {}</p><div class=\"rationale\">{}</div>",
            escape(c.rule),
            escape(&c.doc())
        )?;
        let top = findings
            .clone()
            .lazy()
            .filter(col("check_id").eq(lit(c.id)))
            .limit(50)
            .collect()?;
        if top.height() == 0 {
            writeln!(h, "<p>No findings.</p></section>")?;
            continue;
        }
        writeln!(
            h,
            "<h3>Top {} findings by amount at risk</h3><table><tr><th>claim</th><th>patient</th><th>provider</th><th>date</th><th>payer</th><th>amount</th><th>evidence</th></tr>",
            top.height()
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
        for i in 0..top.height() {
            writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=num>${:.2}</td><td>{}</td></tr>",
                escape(&claim[i]),
                escape(&patient[i]),
                escape(&provider[i]),
                escape(&date[i]),
                escape(&payer[i]),
                amount.get(i).unwrap_or(0.0),
                escape(&evidence[i])
            )?;
        }
        writeln!(h, "</table></section>")?;
    }
    writeln!(h, "</body></html>")?;
    Ok(h)
}
