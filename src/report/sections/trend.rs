//! The "Trend over runs" section (`run --history`): the summary.json
//! `trend` block as tables and two charts, counts suppressed below
//! `--min-cell` as everywhere on the page.

use std::fmt::Write;

use anyhow::Result;

use crate::format::escape;
use crate::format::{percent, shown_share};
use crate::history::trend::Trend;
use crate::report::html::{Page, money_td};

/// The table-of-contents entry, when the run has a trend.
pub fn toc_entry(p: &Page) -> &'static str {
    if p.summary.trend.is_some() {
        "<li><a href=\"#trend\">Trend over runs</a></li>"
    } else {
        ""
    }
}

/// A count cell, or a dash where there is nothing to compare with.
fn optional_count_td(p: &Page, v: Option<u64>) -> String {
    v.map(|n| p.count_td(n))
        .unwrap_or_else(|| "<td class=num data-v=\"-1\">&ndash;</td>".into())
}

pub fn render(h: &mut String, p: &Page) -> Result<()> {
    let Some(t) = &p.summary.trend else {
        return Ok(());
    };
    let labels: Vec<String> = t.periods.iter().map(|x| x.short_label()).collect();
    writeln!(
        h,
        "<section id=\"trend\"><h2>Trend over runs</h2><p>This run and the run folders of the history folder ({} found), one run per period (the newest), the last {} periods kept. <i>New</i> and <i>resolved</i> count the findings (check and claim) not in, or no longer in, the run of the period before, as <code>claims-audit diff</code> does.</p>",
        t.runs_found, t.window
    )?;
    writeln!(
        h,
        "<table class=\"trend\"><thead><tr><th>period</th><th>run</th><th class=num>findings</th><th class=num>claims flagged</th><th class=num>amount at risk</th><th class=num>new</th><th class=num>resolved</th><th>note</th></tr></thead><tbody>"
    )?;
    for (x, label) in t.periods.iter().zip(&labels) {
        let run = match &x.run {
            Some(name) => format!("<code>{}</code>", escape(name)),
            None => "<b>this run</b>".into(),
        };
        let note = if x.versions_changed {
            "code set or check versions changed since the period before"
        } else {
            ""
        };
        writeln!(
            h,
            "<tr><td>{}</td><td>{run}</td>{}{}{}{}{}<td>{note}</td></tr>",
            escape(label),
            p.count_td(x.findings),
            p.count_td(x.claims_flagged),
            money_td((x.amount_at_risk * 100.0).round() as i64),
            optional_count_td(p, x.new),
            optional_count_td(p, x.resolved),
        )?;
    }
    writeln!(h, "</tbody></table>")?;
    p.figure(h, "trend-findings-by-check")?;
    check_table(h, p, t, &labels)?;
    outliers(h, p, t, &labels)?;
    writeln!(h, "</section>")?;
    Ok(())
}

/// Findings per check (rows) and period (columns); a dash where the check did not run.
fn check_table(h: &mut String, p: &Page, t: &Trend, labels: &[String]) -> Result<()> {
    write!(
        h,
        "<details><summary>Findings per check and period as a table</summary><div class=\"wide\"><table><thead><tr><th>check</th>"
    )?;
    for l in labels {
        write!(h, "<th class=num>{}</th>", escape(l))?;
    }
    writeln!(h, "</tr></thead><tbody>")?;
    for c in p.checks {
        write!(h, "<tr><td class=id>{}</td>", c.id)?;
        for x in &t.periods {
            let findings = x.checks.get(c.id).map(|v| v.findings);
            write!(h, "{}", optional_count_td(p, findings))?;
        }
        writeln!(h, "</tr>")?;
    }
    writeln!(h, "</tbody></table></div></details>")?;
    Ok(())
}

/// Persistent outliers: the share chart and a table of shares per period.
fn outliers(h: &mut String, p: &Page, t: &Trend, labels: &[String]) -> Result<()> {
    let rule = &t.persistent_outlier_rule;
    writeln!(
        h,
        "<h3>Persistent outliers</h3><p>Providers flagged as outliers (M62.81 share at or above the outlier percentile of their peers, as in <a href=\"#providers\">Providers</a>) in at least {} of the last {} runs.</p>",
        rule.at_least, rule.of_last_runs
    )?;
    if t.persistent_outliers.is_empty() {
        writeln!(
            h,
            "<p>No provider was an outlier in at least {} of the last {} runs.</p>",
            rule.at_least, rule.of_last_runs
        )?;
        return Ok(());
    }
    p.figure(h, "trend-outlier-share")?;
    write!(
        h,
        "<div class=\"wide\"><table><thead><tr><th>provider</th><th class=num>outlier in (of last {})</th>",
        rule.of_last_runs
    )?;
    for l in labels {
        write!(h, "<th class=num>{}</th>", escape(l))?;
    }
    writeln!(h, "</tr></thead><tbody>")?;
    for o in &t.persistent_outliers {
        write!(
            h,
            "<tr><td class=id>{}</td><td class=num>{}</td>",
            escape(&o.provider_id),
            o.outlier_runs
        )?;
        for s in &o.shares {
            let cell = if s.claims == 0 {
                "&ndash;".to_string()
            } else {
                match shown_share(s.m6281_claims, s.claims, p.min_cell) {
                    Some(v) if s.outlier => format!("<b>{}</b>", percent(v)),
                    Some(v) => percent(v),
                    None => "not shown".into(),
                }
            };
            write!(h, "<td class=num>{cell}</td>")?;
        }
        writeln!(h, "</tr>")?;
    }
    writeln!(
        h,
        "</tbody></table></div><p class=\"note\">Bold: an outlier in that run. &ndash;: no audited claim of the provider in the period.</p>"
    )?;
    Ok(())
}
