//! Definitions of the figures on the page.

use std::fmt::Write;

use anyhow::Result;

use crate::report::html::Page;

/// Writes the section.
pub fn render(h: &mut String, p: &Page) -> Result<()> {
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
