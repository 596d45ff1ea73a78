//! Findings per month: the chart, and the months as a table.

use std::fmt::Write;

use anyhow::Result;

use crate::report::html::Page;

/// Writes the section.
pub fn render(h: &mut String, p: &Page) -> Result<()> {
    writeln!(h, "<section id=\"months\"><h2>Findings per month</h2>")?;
    p.figure(h, "findings-by-month")?;
    month_table(h, p)?;
    writeln!(h, "</section>")?;
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
