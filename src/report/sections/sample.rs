//! The "Sample and extrapolation" section: each chart-review sample of
//! this run (a folder written by `claims-audit sample`, sitting in the run
//! folder or given with `run --sample`) with its design and, once reviewed
//! and extrapolated, the estimate, the two-sided interval and the
//! overpayments per stratum. A sample drawn from another run is named but
//! not shown: its numbers would not describe this run.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::format::dollars_cents;
use crate::format::escape;
use crate::report::MinCell;
use crate::report::charts::{Chart, sample_overpayment};
use crate::report::html::{Page, money_td};
use crate::sampling::extrapolation::Extrapolation;
use crate::sampling::record::SampleRecord;

/// One sample folder as the report shows it.
pub struct SampleSection {
    /// The folder's name inside the run folder.
    pub name: String,
    /// Where it was read from.
    pub source: PathBuf,
    pub record: SampleRecord,
    /// extrapolation.json, once `extrapolate` has run.
    pub extrapolation: Option<Extrapolation>,
    /// False when sample.json names another run's summary.json.
    pub from_this_run: bool,
}

impl SampleSection {
    /// Reads DIR/sample.json and DIR/extrapolation.json (if any); `summary_sha256`
    /// is this run's summary.json hash.
    pub fn load(dir: &Path, summary_sha256: &str) -> Result<SampleSection> {
        let record = SampleRecord::read(dir)?;
        let extrapolation = Extrapolation::read(dir)?;
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "sample".into());
        Ok(SampleSection {
            name,
            source: dir.to_path_buf(),
            from_this_run: record.summary_sha256 == summary_sha256,
            record,
            extrapolation,
        })
    }

    /// The extrapolation, when it may be shown (this run's, done).
    pub fn shown_extrapolation(&self) -> Option<&Extrapolation> {
        self.extrapolation.as_ref().filter(|_| self.from_this_run)
    }

    /// The overpayment chart, once there is an extrapolation to show.
    pub fn chart(&self, mc: MinCell) -> Option<Chart> {
        let e = self.shown_extrapolation()?;
        Some(sample_overpayment::chart(&self.name, e, mc))
    }
}

/// The table-of-contents entry, when the run has a sample.
pub fn toc_entry(p: &Page) -> &'static str {
    if p.samples.is_empty() {
        ""
    } else {
        "<li><a href=\"#sample\">Sample and extrapolation</a></li>"
    }
}

fn money(v: f64) -> String {
    dollars_cents((v * 100.0).round() as i64)
}

fn money_cell(v: Option<f64>) -> String {
    match v {
        Some(v) => money_td((v * 100.0).round() as i64),
        None => "<td class=num data-v=\"-1\">&ndash;</td>".into(),
    }
}

/// An amount range of a stratum: `$100.00 to below $500.00`.
fn range(low: Option<f64>, high: Option<f64>) -> String {
    match (low, high) {
        (None, None) => "all amounts".into(),
        (Some(l), None) => format!("{} and up", money(l)),
        (None, Some(h)) => format!("below {}", money(h)),
        (Some(l), Some(h)) => format!("{} to below {}", money(l), money(h)),
    }
}

pub fn render(h: &mut String, p: &Page) -> Result<()> {
    if p.samples.is_empty() {
        return Ok(());
    }
    writeln!(
        h,
        "<section id=\"sample\"><h2>Sample and extrapolation</h2><p>A statistically valid random sample of this run's claims for chart review (<code>claims-audit sample</code>), and once reviewers have recorded each claim's correct amount, the overpayment extrapolated to the whole frame (<code>claims-audit extrapolate</code>): the point estimate and the two-sided interval, whose lower limit is the amount usually demanded in repayment. The sample folders sit in this run folder.</p>"
    )?;
    for s in p.samples {
        sample(h, p, s)?;
    }
    writeln!(h, "</section>")?;
    Ok(())
}

fn sample(h: &mut String, p: &Page, s: &SampleSection) -> Result<()> {
    let r = &s.record;
    writeln!(h, "<h3>Sample <code>{}</code></h3>", escape(&s.name))?;
    if !s.from_this_run {
        writeln!(
            h,
            "<p class=\"note\">Drawn from another run (its sample.json names summary.json sha256 <code class=\"hash\">{}</code>, not this run's): kept in the run folder, not shown. Draw a new sample from this run.</p>",
            escape(&r.summary_sha256)
        )?;
        return Ok(());
    }
    writeln!(
        h,
        "<p>Frame <b>{}</b>: {} claims, {} paid; {} sample of {} claims (seed {}, {} spares); generator: {}.</p>",
        escape(&r.frame),
        p.count(r.frame_size as u64),
        money(r.frame_amount),
        escape(&r.method),
        p.count(r.sample_size as u64),
        r.seed,
        p.count(r.spares as u64),
        escape(&r.generator)
    )?;
    let Some(e) = s.shown_extrapolation() else {
        writeln!(
            h,
            "<p class=\"note\">Not extrapolated yet: reviewers fill <code>audited_amount</code> in <code>{0}/sample.csv</code>, then <code>claims-audit extrapolate {0}</code>; the next run into this folder shows the estimate here.</p>",
            escape(&s.name)
        )?;
        strata_design(h, p, r)?;
        return Ok(());
    };
    let c = e.confidence;
    let w = &e.whole;
    writeln!(
        h,
        "<div class=\"kpis\"><div class=\"kpi flag\"><b>{}</b><span>point estimate of the overpayment</span></div><div class=\"kpi flag\"><b>{}</b><span>lower limit, {c}% two-sided</span></div><div class=\"kpi\"><b>{}</b><span>upper limit, {c}% two-sided</span></div><div class=\"kpi\"><b>{}</b><span>precision (half-width / estimate)</span></div></div>",
        money(w.point_estimate),
        w.lower_limit.map(money).unwrap_or_else(|| "&ndash;".into()),
        w.upper_limit.map(money).unwrap_or_else(|| "&ndash;".into()),
        w.precision
            .map(|x| format!("{:.1}%", x * 100.0))
            .unwrap_or_else(|| "&ndash;".into()),
    )?;
    writeln!(
        h,
        "<table><thead><tr><th>stratum</th><th>amount paid</th><th class=num>frame</th><th class=num>sample</th><th class=num>mean</th><th class=num>std dev</th><th class=num>point estimate</th><th class=num>std error</th><th class=num>lower {c}%</th><th class=num>upper {c}%</th></tr></thead><tbody>"
    )?;
    let row =
        |h: &mut String, name: &str, range: &str, x: &crate::sampling::appraisal::Estimate| {
            writeln!(
                h,
                "<tr><td>{}</td><td>{}</td>{}{}{}{}{}{}{}{}</tr>",
                name,
                escape(range),
                p.count_td(x.frame_size as u64),
                p.count_td(x.sample_size as u64),
                money_cell(Some(x.mean)),
                money_cell(Some(x.std_dev)),
                money_cell(Some(x.point_estimate)),
                money_cell(Some(x.standard_error)),
                money_cell(x.lower_limit),
                money_cell(x.upper_limit),
            )
        };
    if e.method == "stratified" {
        for st in &e.strata {
            row(h, &escape(&st.name), &range(st.low, st.high), &st.estimate)?;
        }
    }
    row(h, "<b>total</b>", "", w)?;
    writeln!(
        h,
        "</tbody></table><p class=\"note\">{} appraisal, Student t = {} on {} degrees of freedom; reviewed worksheet <code>{}</code>. The exact figures are in <code>{}/extrapolation.json</code>.</p>",
        if e.method == "stratified" {
            "Stratified variable"
        } else {
            "Unrestricted variable"
        },
        w.t_value
            .map(|t| format!("{t:.4}"))
            .unwrap_or_else(|| "&ndash;".into()),
        w.degrees_of_freedom,
        escape(&e.reviewed),
        escape(&s.name)
    )?;
    p.figure(h, &sample_overpayment::chart_name(&s.name))?;
    Ok(())
}

/// The strata of a sample not yet extrapolated: what was drawn from where.
fn strata_design(h: &mut String, p: &Page, r: &SampleRecord) -> Result<()> {
    writeln!(
        h,
        "<table><thead><tr><th>stratum</th><th>amount paid</th><th class=num>frame</th><th class=num>frame amount</th><th class=num>sample</th><th class=num>spares</th></tr></thead><tbody>"
    )?;
    for st in &r.strata {
        writeln!(
            h,
            "<tr><td>{}</td><td>{}</td>{}{}{}{}</tr>",
            if st.name.is_empty() {
                "(one)".to_string()
            } else {
                escape(&st.name)
            },
            escape(&range(st.low, st.high)),
            p.count_td(st.frame_size as u64),
            money_cell(Some(st.frame_amount)),
            p.count_td(st.sample_size as u64),
            p.count_td(st.spares as u64),
        )?;
    }
    writeln!(h, "</tbody></table>")?;
    Ok(())
}
