//! Summary per check: findings, patients, providers and amount at risk of each check.

use std::fmt::Write;

use anyhow::Result;

use crate::format::escape;
use crate::report::html::{Page, money_td, sev_badge};

/// Writes the section.
pub fn render(h: &mut String, p: &Page) -> Result<()> {
    let s = p.summary;
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
    p.figure(h, "findings-by-check")?;
    writeln!(h, "</section>")?;
    Ok(())
}
