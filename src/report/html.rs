//! report.html: one self-contained page (styles and charts inline, a few
//! lines of inline script for table sorting, nothing fetched) that a
//! compliance officer can open from a mail attachment and print.
//!
//! Reads only the summary, the findings frame, the aggregates and the charts.
//! This file holds the page's frame (styles, script, contents) and the cells
//! every section shares; each section renders in `sections/<section>.rs`.
//! With `--min-cell N`, every count from 1 to N-1 shows as `<N`, shares over
//! such counts are not shown, and the finding rows of a check with fewer than
//! N findings are withheld (listing them would tell the count).

use std::fmt::Write;

use anyhow::Result;
use polars::prelude::*;

use super::MinCell;
use super::aggregates::{Aggregates, RejectGroup};
use super::charts::Chart;
use super::sections;
use super::summary::Summary;
use crate::checks::CheckInfo;
use crate::format::{dollars_cents, escape, thousands};

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

pub fn sev_badge(sev: &str) -> String {
    format!("<span class=\"sev sev-{sev}\">{sev}</span>")
}

/// Renders the page: the header, the contents, then each section in order.
pub fn render(p: &Page) -> Result<String> {
    let s = p.summary;
    let mut h = String::new();
    writeln!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Claims coding audit: {}</title><style>{STYLE}</style></head><body>",
        escape(&s.period.label)
    )?;
    sections::header::render(&mut h, p)?;

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

    sections::summary::render(&mut h, p)?;
    sections::providers::render(&mut h, p)?;
    sections::months::render(&mut h, p)?;
    sections::trend::render(&mut h, p)?;
    sections::payers::render(&mut h, p)?;
    sections::documentation::render(&mut h, p)?;
    for c in p.checks {
        sections::check::render(&mut h, p, c)?;
    }
    sections::sample::render(&mut h, p)?;
    sections::rejects::render(&mut h, p)?;
    sections::definitions::render(&mut h, p)?;
    writeln!(h, "<script>{SCRIPT}</script>\n</body></html>")?;
    Ok(h)
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
