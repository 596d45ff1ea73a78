//! Documentation and reassessment: completeness of the M62.81 notes and the reassessment cadence.

use std::fmt::Write;

use anyhow::Result;

use crate::evidence::FACT_LABELS;
use crate::format::{escape, percent, shown_share};
use crate::report::html::Page;

/// Writes the section.
pub fn render(h: &mut String, p: &Page) -> Result<()> {
    writeln!(
        h,
        "<section id=\"documentation\"><h2>Documentation and reassessment</h2>"
    )?;
    p.figure(h, "documentation-completeness")?;
    completeness_table(h, p)?;
    p.figure(h, "reassessment-cadence")?;
    writeln!(h, "</section>")?;
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
