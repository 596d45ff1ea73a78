//! Rejected input rows: how many, grouped by column and reason.

use std::fmt::Write;

use anyhow::Result;

use crate::format::{escape, thousands};
use crate::report::html::Page;

/// Writes the section.
pub fn render(h: &mut String, p: &Page) -> Result<()> {
    let s = p.summary;
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
    Ok(())
}
