//! sample.html: the worksheet to print, one self-contained page (no script,
//! nothing fetched) listing each sampled claim with its findings' evidence
//! and a place for the reviewer's amount, then the spares.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::frame::FindingRow;
use super::record::SampleRecord;
use super::worksheet::Item;
use crate::format::dollars_cents;
use crate::format::escape;

const STYLE: &str = r#"
body{font-family:"DejaVu Sans",Verdana,"Segoe UI",system-ui,sans-serif;margin:0 auto;max-width:60rem;color:#1a1a1a;line-height:1.4;padding:1rem 1.4rem 3rem;font-size:14px}
h1{font-size:1.45rem;margin:.2rem 0}
h2{font-size:1.15rem;border-bottom:2px solid #1a1a1a;padding-bottom:.2rem;margin:2rem 0 .6rem}
.meta{color:#555;font-size:.85rem;margin:.15rem 0}
table{border-collapse:collapse;width:100%;margin:.4rem 0 .8rem;font-size:.84rem}
th,td{border:1px solid #c8c8c8;padding:.25rem .45rem;text-align:left;vertical-align:top}
th{background:#f0f0f0;font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
code{font-family:"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.86em;word-break:break-all}
section.item{border:1px solid #888;padding:.5rem .8rem;margin:.9rem 0;break-inside:avoid;page-break-inside:avoid}
section.item h3{font-size:1rem;margin:.1rem 0 .4rem}
.review{display:flex;gap:1.5rem;margin-top:.5rem;font-size:.9rem}
.review span{flex:1;border-bottom:1px solid #1a1a1a;padding-bottom:1.2rem}
.ev{font-size:.8rem;word-break:break-word}
"#;

/// The page: the design, every item with its evidence, the spares.
pub fn render(
    record: &SampleRecord,
    items: &[Item],
    spares: &[Item],
    findings: &BTreeMap<String, Vec<FindingRow>>,
) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Chart review worksheet</title><style>{STYLE}</style></head><body>\n"
    );
    let _ = write!(
        h,
        "<h1>Chart review worksheet</h1>\n<p class=\"meta\">Run <code>{}</code> (period {}), summary.json sha256 <code>{}</code>{}</p>\n",
        escape(&record.run),
        escape(record.period.as_deref().unwrap_or("")),
        escape(&record.summary_sha256),
        if record.pseudonymized {
            "; patient ids are pseudonyms"
        } else {
            ""
        }
    );
    let _ = write!(
        h,
        "<p class=\"meta\">Frame <b>{}</b>: {} claims, {}. {} sample of {} claims, seed {}, {} spare(s); claims-audit {}.</p>\n",
        escape(&record.frame),
        record.frame_size,
        dollars_cents((record.frame_amount * 100.0).round() as i64),
        if record.method == "stratified" {
            "Stratified"
        } else {
            "Unrestricted"
        },
        record.sample_size,
        record.seed,
        record.spares,
        escape(&record.tool_version),
    );
    h.push_str("<p class=\"meta\">For each claim, review the chart and write the amount that should have been paid (0 when nothing was due) in <code>audited_amount</code> of sample.csv; spares replace, in their order, an item that cannot be reviewed.</p>\n");
    if record.method == "stratified" {
        h.push_str("<table><thead><tr><th>stratum</th><th class=\"num\">amount from</th><th class=\"num\">below</th><th class=\"num\">frame claims</th><th class=\"num\">frame amount</th><th class=\"num\">sample</th><th class=\"num\">spares</th></tr></thead><tbody>\n");
        for s in &record.strata {
            let bound = |b: Option<f64>| {
                b.map(|d| dollars_cents((d * 100.0).round() as i64))
                    .unwrap_or_default()
            };
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                escape(&s.name),
                bound(s.low),
                bound(s.high),
                s.frame_size,
                dollars_cents((s.frame_amount * 100.0).round() as i64),
                s.sample_size,
                s.spares
            );
        }
        h.push_str("</tbody></table>\n");
    }
    h.push_str("<h2>Sample</h2>\n");
    for it in items {
        item_block(&mut h, it, findings, "Item");
    }
    if !spares.is_empty() {
        h.push_str("<h2>Spares (in order of use)</h2>\n");
        for it in spares {
            item_block(&mut h, it, findings, "Spare");
        }
    }
    h.push_str("</body></html>\n");
    h
}

fn item_block(
    h: &mut String,
    it: &Item,
    findings: &BTreeMap<String, Vec<FindingRow>>,
    label: &str,
) {
    let c = &it.claim;
    let stratum = if it.stratum.is_empty() {
        String::new()
    } else {
        format!(" · stratum {}", escape(&it.stratum))
    };
    let _ = write!(
        h,
        "<section class=\"item\"><h3>{label} {}{stratum} · claim <code>{}</code></h3>\n<table><tr><th>patient</th><th>provider</th><th>service date</th><th>payer</th><th class=\"num\">amount paid</th><th>checks</th></tr>\n<tr><td><code>{}</code></td><td><code>{}</code></td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr></table>\n",
        it.item,
        escape(&c.claim_id),
        escape(&c.patient_id),
        escape(&c.provider_id),
        escape(&c.service_date),
        escape(&c.payer),
        dollars_cents(c.amount_cents),
        escape(&c.checks),
    );
    match findings.get(&c.claim_id) {
        Some(rows) => {
            h.push_str(
                "<table><tr><th>check</th><th>severity</th><th>evidence</th><th>rule</th></tr>\n",
            );
            for f in rows {
                let _ = writeln!(
                    h,
                    "<tr><td><code>{}</code></td><td>{}</td><td class=\"ev\">{}</td><td class=\"ev\">{}</td></tr>",
                    escape(&f.check_id),
                    escape(&f.severity),
                    escape(&f.evidence),
                    escape(&f.rule)
                );
            }
            h.push_str("</table>\n");
        }
        None => h.push_str("<p class=\"meta\">No finding on this claim.</p>\n"),
    }
    h.push_str("<div class=\"review\"><span>Audited amount:</span><span>Reviewer note:</span></div></section>\n");
}
