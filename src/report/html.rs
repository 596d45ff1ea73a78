//! report.html: one self-contained page (styles and charts inline, a few
//! lines of inline script for table sorting, nothing fetched) that a
//! compliance officer can open from a mail attachment and print.
//!
//! Reads only the summary, the findings frame, the aggregates and the charts.
//! With `--min-cell N`, every count from 1 to N-1 shows as `<N`, shares over
//! such counts are not shown, and the finding rows of a check with fewer than
//! N findings are withheld (listing them would tell the count).

use std::fmt::Write;

use anyhow::Result;
use polars::prelude::*;

use super::MinCell;
use super::aggregates::{Aggregates, RejectGroup};
use super::charts::{self, Chart};
use super::format::{dollars_cents, percent, shown_share, thousands};
use super::sections;
use super::summary::Summary;
use crate::checks::CheckInfo;
use crate::evidence::FACT_LABELS;

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
:root{--ink:#1a1a1a;--muted:#555;--line:#c8c8c8;--head:#f0f0f0;--flag:#a50026}
*{box-sizing:border-box}
body{font-family:"DejaVu Sans",Verdana,"Segoe UI",system-ui,sans-serif;margin:0 auto;max-width:76rem;color:var(--ink);line-height:1.45;padding:1.2rem 1.4rem 3rem;font-size:15px;background:#fff}
h1{font-size:1.55rem;margin:.2rem 0 .3rem}
h2{font-size:1.25rem;border-bottom:2px solid var(--ink);padding-bottom:.2rem;margin:2.2rem 0 .8rem}
h3{font-size:1.02rem;margin:1.4rem 0 .4rem}
h4{font-size:.92rem;margin:.8rem 0 .2rem}
a{color:#0b4f8a}
.meta{color:var(--muted);font-size:.88rem;margin:.2rem 0}
.kpis{display:flex;flex-wrap:wrap;gap:.6rem;margin:1rem 0}
.kpi{border:1px solid var(--line);border-left:5px solid var(--ink);padding:.45rem .8rem;min-width:10.5rem;flex:1}
.kpi b{display:block;font-size:1.35rem;font-variant-numeric:tabular-nums}
.kpi span{color:var(--muted);font-size:.8rem}
.kpi.flag{border-left-color:var(--flag)}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.84rem}
th,td{border:1px solid var(--line);padding:.28rem .45rem;text-align:left;vertical-align:top}
thead th{background:var(--head);font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.ev{font-size:.8rem;word-break:break-word;min-width:22rem}
td code,td.id{white-space:nowrap}
code{font-family:"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.86em}
.hash{font-size:.72rem;word-break:break-all}
.sev{display:inline-block;padding:0 .4rem;border-radius:3px;font-size:.78rem;border:1px solid #333}
.sev-high{background:#a50026;color:#fff}.sev-medium{background:#f0783c;color:#000}.sev-low{background:#fed976;color:#000}
tr.outlier td{background:#fbe9ec}
.flagtag{color:var(--flag);font-weight:700}
.muted{color:var(--muted)}
nav.toc{border:1px solid var(--line);padding:.5rem .9rem;margin:1rem 0;font-size:.88rem;columns:2}
nav.toc ol{margin:.2rem 0;padding-left:1.3rem}
figure.chart{margin:.6rem 0 1.2rem;break-inside:avoid;page-break-inside:avoid}
figure.chart svg{display:block;width:100%;height:auto;max-width:1000px;border:1px solid #e2e2e2}
figcaption{font-size:.78rem;color:var(--muted);margin-top:.2rem}
.rationale{background:#f6f6f6;padding:.3rem .9rem .5rem;border-left:4px solid #666;font-size:.86rem;margin:.4rem 0 .8rem}
.rationale p{margin:.35rem 0}
.note{font-size:.85rem;color:var(--muted)}
.vert{writing-mode:vertical-rl;transform:rotate(180deg);font-size:.72rem;font-weight:500;white-space:nowrap;padding:.3rem .1rem;vertical-align:bottom;text-align:left}
table.sortable th{cursor:pointer;user-select:none}
table.sortable th[aria-sort=ascending]::after{content:" \25B2";font-size:.7em}
table.sortable th[aria-sort=descending]::after{content:" \25BC";font-size:.7em}
.wide{overflow-x:auto}
table.compact{font-size:.78rem}table.compact th,table.compact td{padding:.22rem .32rem}
table.grid th.num,table.grid td.num{white-space:normal;font-size:.8rem}
@page{margin:12mm}
@media print{
 body{max-width:none;padding:0;font-size:10pt}
 table{font-size:8pt}table.compact{font-size:7pt}
 th,td{padding:2px 3px}td.ev{min-width:0;font-size:7.5pt}
 th.num{white-space:normal}.vert{font-size:6.5pt;padding:2px 0}
 .sev,tr.outlier td,.kpi{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 .kpi{min-width:8rem;padding:.3rem .5rem}.kpi b{font-size:1.1rem}
 nav.toc{display:none}
 section{break-before:page;page-break-before:always}
 section#summary{break-before:auto;page-break-before:auto}
 h2,h3{break-after:avoid;page-break-after:avoid}
 tr,figure{break-inside:avoid;page-break-inside:avoid}
 thead{display:table-header-group}
 a{color:inherit;text-decoration:none}
 .wide{overflow:visible}
 figure.chart svg{border:none;max-width:100%}
 .kpi{border-left-width:3px}
}
"#;

/// Sorts `table.sortable` by a click on a header: numbers by `data-v`, text otherwise.
const SCRIPT: &str = r#"
document.querySelectorAll("table.sortable").forEach(function(t){
 t.querySelectorAll("thead th").forEach(function(th,i){
  th.addEventListener("click",function(){
   var asc=th.getAttribute("aria-sort")!=="ascending";
   t.querySelectorAll("thead th").forEach(function(h){h.removeAttribute("aria-sort")});
   th.setAttribute("aria-sort",asc?"ascending":"descending");
   var b=t.tBodies[0],rows=Array.prototype.slice.call(b.rows);
   var key=function(r){var c=r.cells[i];var v=c.getAttribute("data-v");return v===null?c.textContent.trim().toLowerCase():parseFloat(v)};
   rows.sort(function(a,b2){var x=key(a),y=key(b2);var d=(typeof x==="number"&&typeof y==="number")?x-y:String(x).localeCompare(String(y));if(d===0){d=a.cells[0].textContent.localeCompare(b2.cells[0].textContent)}return asc?d:-d});
   rows.forEach(function(r){b.appendChild(r)});
  });
 });
});
"#;

/// Everything the page shows.
pub struct Page<'a> {
    pub summary: &'a Summary,
    pub checks: &'a [CheckInfo],
    pub findings: &'a DataFrame,
    pub aggs: &'a Aggregates,
    /// Each chart with its SVG text.
    pub charts: &'a [(Chart, String)],
    pub rejects: &'a [RejectGroup],
    pub ran_at: &'a str,
    pub min_cell: MinCell,
    /// Sample folders of the run folder (`sections::sample`).
    pub samples: &'a [sections::sample::SampleSection],
}

impl Page<'_> {
    fn chart(&self, name: &str) -> Option<&(Chart, String)> {
        self.charts.iter().find(|(c, _)| c.name == name)
    }

    /// A figure with the chart inline (no xmlns: nothing on the page names a URL).
    pub fn figure(&self, h: &mut String, name: &str) -> Result<()> {
        let Some((chart, svg)) = self.chart(name) else {
            return Ok(());
        };
        writeln!(
            h,
            "<figure class=\"chart\" id=\"chart-{}\">{}<figcaption>{} &middot; also <code>charts/{}.svg</code> and <code>.png</code></figcaption></figure>",
            escape(&chart.name),
            inline_svg(svg, &chart.title),
            escape(&chart.title),
            escape(&chart.name)
        )?;
        Ok(())
    }

    /// A count cell: `<td class=num data-v=..>1,234</td>`, suppressed below --min-cell.
    pub fn count_td(&self, c: u64) -> String {
        if self.min_cell.hidden(c) {
            // Sorts between 0 and the smallest shown count, without telling the value.
            format!(
                "<td class=num data-v=\"0.5\">{}</td>",
                escape(&self.min_cell.label())
            )
        } else {
            format!("<td class=num data-v=\"{c}\">{}</td>", thousands(c))
        }
    }

    pub fn count(&self, c: u64) -> String {
        escape(&self.min_cell.count(c))
    }
}

/// Makes a plotters SVG document fit the page: no XML namespace URL (HTML
/// does not need it), scalable, labelled.
pub fn inline_svg(svg: &str, title: &str) -> String {
    let start = svg.find("<svg").unwrap_or(0);
    let body = &svg[start..];
    let body = body.replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1);
    body.replacen(
        "<svg ",
        &format!("<svg role=\"img\" aria-label=\"{}\" ", escape(title)),
        1,
    )
}

pub fn money_td(cents: i64) -> String {
    format!(
        "<td class=num data-v=\"{cents}\">{}</td>",
        dollars_cents(cents)
    )
}

/// The check documentation (a small Markdown subset) as HTML: `#` title
/// dropped, `##` headings, paragraphs, `code` spans.
pub fn doc_html(doc: &str) -> String {
    let mut out = String::new();
    for block in doc.split("\n\n") {
        let block = block.trim();
        if block.is_empty() || (block.starts_with("# ") && !block.contains('\n')) {
            continue;
        }
        let mut lines = block.lines().peekable();
        let mut para = Vec::new();
        while let Some(line) = lines.next() {
            if let Some(head) = line.strip_prefix("## ") {
                if !para.is_empty() {
                    let _ = write!(out, "<p>{}</p>", inline_code(&para.join(" ")));
                    para.clear();
                }
                let _ = write!(out, "<h4>{}</h4>", inline_code(head));
            } else if line.starts_with("# ") {
                continue;
            } else {
                para.push(line.trim());
            }
        }
        if !para.is_empty() {
            let _ = write!(out, "<p>{}</p>", inline_code(&para.join(" ")));
        }
    }
    out
}

fn inline_code(text: &str) -> String {
    let mut out = String::new();
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 1 {
            let _ = write!(out, "<code>{}</code>", escape(part));
        } else {
            out.push_str(&escape(part));
        }
    }
    out
}

fn sev_badge(sev: &str) -> String {
    format!("<span class=\"sev sev-{sev}\">{sev}</span>")
}

/// Renders the page.
pub fn render(p: &Page) -> Result<String> {
    let s = p.summary;
    let mc = p.min_cell;
    let mut h = String::new();
    writeln!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Claims coding audit: {}</title><style>{STYLE}</style></head><body>",
        escape(&s.period.label)
    )?;

    // ---- header
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

    // ---- contents
    writeln!(
        h,
        "<nav class=\"toc\"><b>Contents</b><ol><li><a href=\"#summary\">Summary per check</a></li><li><a href=\"#providers\">Providers</a></li><li><a href=\"#months\">Findings per month</a></li>{}<li><a href=\"#payers\">Payers</a></li><li><a href=\"#documentation\">Documentation and reassessment</a></li>",
        sections::trend::toc_entry(p)
    )?;
    for c in p.checks {
        writeln!(h, "<li><a href=\"#{0}\">{0}</a></li>", c.id)?;
    }
    writeln!(
        h,
        "{}<li><a href=\"#rejects\">Rejected input rows</a></li><li><a href=\"#definitions\">Definitions</a></li></ol></nav>",
        sections::sample::toc_entry(p)
    )?;

    // ---- summary per check
    writeln!(
        h,
        "<section id=\"summary\"><h2>Summary per check</h2><table><thead><tr><th>check</th><th>severity</th><th class=num>findings</th><th class=num>patients</th><th class=num>providers</th><th class=num>amount at risk</th><th>rule</th></tr></thead><tbody>"
    )?;
    for c in p.checks {
        let t = s.checks.get(c.id).cloned().unwrap_or_default();
        writeln!(
            h,
            "<tr><td class=id><a href=\"#{id}\">{id}</a></td><td>{}</td>{}{}{}{}<td>{}</td></tr>",
            sev_badge(c.severity.as_str()),
            p.count_td(t.findings as u64),
            p.count_td(t.patients as u64),
            p.count_td(t.providers as u64),
            money_td((t.amount_at_risk * 100.0).round() as i64),
            escape(c.rule),
            id = c.id,
        )?;
    }
    writeln!(
        h,
        "</tbody></table><p class=\"note\">A claim flagged by several checks counts once per check here, and once in the totals above.</p>"
    )?;
    p.figure(&mut h, "findings-by-check")?;
    writeln!(h, "</section>")?;

    // ---- providers
    writeln!(h, "<section id=\"providers\"><h2>Providers</h2>")?;
    p.figure(&mut h, "top-providers")?;
    p.figure(&mut h, "provider-m6281-share")?;
    provider_table(&mut h, p)?;
    writeln!(h, "</section>")?;

    // ---- months
    writeln!(h, "<section id=\"months\"><h2>Findings per month</h2>")?;
    p.figure(&mut h, "findings-by-month")?;
    month_table(&mut h, p)?;
    writeln!(h, "</section>")?;
    sections::trend::render(&mut h, p)?;

    // ---- payers
    writeln!(h, "<section id=\"payers\"><h2>Payers</h2>")?;
    p.figure(&mut h, "payers")?;
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

    // ---- documentation
    writeln!(
        h,
        "<section id=\"documentation\"><h2>Documentation and reassessment</h2>"
    )?;
    p.figure(&mut h, "documentation-completeness")?;
    completeness_table(&mut h, p)?;
    p.figure(&mut h, "reassessment-cadence")?;
    writeln!(h, "</section>")?;

    // ---- one section per check
    for c in p.checks {
        check_section(&mut h, p, c)?;
    }
    sections::sample::render(&mut h, p)?;

    // ---- rejects
    let rejected: usize = s.inputs.iter().map(|i| i.rows_rejected).sum();
    writeln!(h, "<section id=\"rejects\"><h2>Rejected input rows</h2>")?;
    if rejected == 0 {
        writeln!(
            h,
            "<p>No input row was rejected: every row read was audited.</p>"
        )?;
    } else {
        writeln!(
            h,
            "<p>{} input rows could not be used (a required value empty, a date or amount that does not parse, a code of impossible shape, a duplicate, or lines of one claim that disagree). They are <b>not audited</b>: findings and totals leave them out. <code>rejects.csv</code> names each file, row, column and reason; fix the export and rerun to audit them.</p>",
            thousands(rejected as u64)
        )?;
        writeln!(
            h,
            "<table><thead><tr><th>input</th><th>column</th><th>reason</th><th class=num>rows</th><th>first</th></tr></thead><tbody>"
        )?;
        for g in p.rejects.iter().take(30) {
            writeln!(
                h,
                "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td class=num>{}</td><td>{}</td></tr>",
                escape(&g.input),
                escape(&g.column),
                escape(&g.reason),
                thousands(g.rows),
                escape(&g.example)
            )?;
        }
        writeln!(h, "</tbody></table>")?;
    }
    writeln!(h, "</section>")?;

    definitions(&mut h, p)?;
    writeln!(h, "<script>{SCRIPT}</script>\n</body></html>")?;
    Ok(h)
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

fn month_table(h: &mut String, p: &Page) -> Result<()> {
    let months: Vec<_> = p
        .aggs
        .months
        .iter()
        .filter(|m| m.claims > 0 || m.check_findings.iter().any(|c| *c > 0))
        .collect();
    if months.is_empty() {
        return Ok(());
    }
    write!(
        h,
        "<details><summary>Findings per month as a table ({} months with audited claims)</summary><div class=\"wide\"><table><thead><tr><th>month</th><th class=num>claims audited</th>",
        months.len()
    )?;
    for c in p.checks {
        write!(h, "<th class=\"num vert\" title=\"{0}\">{0}</th>", c.id)?;
    }
    writeln!(h, "</tr></thead><tbody>")?;
    for m in months {
        write!(h, "<tr><td>{}</td>{}", m.month, p.count_td(m.claims))?;
        for v in &m.check_findings {
            write!(h, "{}", p.count_td(*v))?;
        }
        writeln!(h, "</tr>")?;
    }
    writeln!(h, "</tbody></table></div></details>")?;
    Ok(())
}

fn completeness_table(h: &mut String, p: &Page) -> Result<()> {
    let mc = p.min_cell;
    let rows = &p.aggs.completeness;
    write!(
        h,
        "<div class=\"wide\"><table class=\"grid\"><thead><tr><th>element (CHECKS.md)</th>"
    )?;
    for r in rows {
        let head = if r.group == "all" {
            "all providers".to_string()
        } else {
            r.group.clone()
        };
        write!(
            h,
            "<th class=num>{}<br><span class=\"muted\">{} notes<br>{} M62.81 claims</span></th>",
            escape(&head),
            p.count(r.notes),
            p.count(r.m6281_claims)
        )?;
    }
    writeln!(h, "</tr></thead><tbody>")?;
    for (k, label) in FACT_LABELS.iter().enumerate() {
        write!(h, "<tr><td>{label}</td>")?;
        for r in rows {
            match shown_share(r.with[k], r.notes, mc) {
                Some(v) => write!(
                    h,
                    "<td class=num>{}<br><span class=\"muted\">{}/{}</span></td>",
                    percent(v),
                    r.with[k],
                    r.notes
                )?,
                None if r.notes == 0 => write!(h, "<td class=num>-</td>")?,
                None => write!(
                    h,
                    "<td class=num>not shown<br><span class=\"muted\">{}/{}</span></td>",
                    p.count(r.with[k]),
                    p.count(r.notes)
                )?,
            }
        }
        writeln!(h, "</tr>")?;
    }
    writeln!(
        h,
        "</tbody></table></div><p class=\"note\">M62.81 notes: notes that support an audited M62.81 claim (same claim_id, else same patient and date). Providers: the five with the most M62.81 claims.</p>"
    )?;
    Ok(())
}

fn check_section(h: &mut String, p: &Page, c: &CheckInfo) -> Result<()> {
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

fn definitions(h: &mut String, p: &Page) -> Result<()> {
    let a = p.aggs;
    writeln!(
        h,
        "<section id=\"definitions\"><h2>Definitions</h2><ul>\
<li><b>Finding</b>: one check flagging one claim. <b>Amount at risk</b>: the claim's paid amount summed over its lines, the charge where no paid amount is known.</li>\
<li><b>M62.81 share</b> of a provider: its audited claims holding M62.81 at any position, divided by all its audited claims.</li>\
<li><b>Peer group</b>: providers with at least {min} audited claims; providers with fewer are listed but not ranked or flagged (a share over a few claims says little).</li>\
<li><b>Percentile</b> (0 to 100): the share of peer providers whose M62.81 share is at or below this provider's; equal shares get equal percentiles and the highest share is 100. <b>Outlier</b>: at or above the {pct:.0}th percentile, as in CMS's PEPPER and Comparative Billing Reports. The dashed line is the lowest share among outliers.</li>\
<li><b>Reassessment cadence</b>: for each audited M62.81 visit, the patient's latest strength measurement on or before it (any note); visits since = M62.81 visits dated after the measurement up to and including this one; limits {v} visits and {d} days.</li>\
<li><b>Claims audited</b>: the claims dated in the audited period, one per claim_id; the run folder lists them in <code>audited_claims.parquet</code> (claim_id, patient_id, provider_id, service_date, payer, amount_paid as the amount at risk), the <i>audited</i> frame of <code>claims-audit sample</code>.</li>\
<li><b>Overpayment</b> of a sampled claim: its amount paid less the reviewer's audited amount. <b>Point estimate</b>: the sum over strata of the frame size times the mean overpayment; <b>lower</b> and <b>upper limit</b>: the point estimate minus and plus Student's t (two-sided, at the stated confidence) times the standard error, which carries the finite population correction.</li>\
<li><b>Small cells</b>: with <code>--min-cell N</code>, counts from 1 to N-1 (claims, findings, patients, providers, notes, visits) show as <code>&lt;N</code> and are not drawn; a share is shown only when its numerator and denominator may be; the finding rows of a check with fewer than N findings are withheld. Zero is shown. Counts of input rows describe files, not people, and are always shown.</li>\
</ul></section>",
        min = a.min_claims,
        pct = a.outlier_percentile,
        v = a.max_visits,
        d = a.max_days
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_markdown_becomes_html() {
        let html = doc_html(
            "# x-y [high]\n\nSome `M62.81` text\nwrapped.\n\n## Why it matters\nBecause <rules>.",
        );
        assert_eq!(
            html,
            "<p>Some <code>M62.81</code> text wrapped.</p><h4>Why it matters</h4><p>Because &lt;rules&gt;.</p>"
        );
    }

    #[test]
    fn inline_svg_drops_the_namespace_url() {
        let svg = "<svg width=\"10\" height=\"10\" viewBox=\"0 0 10 10\" xmlns=\"http://www.w3.org/2000/svg\">\n<title>t</title></svg>";
        let out = inline_svg(svg, "A & B");
        assert!(!out.contains("http"));
        assert!(out.starts_with("<svg role=\"img\" aria-label=\"A &amp; B\" width="));
    }
}
