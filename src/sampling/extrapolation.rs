//! extrapolation.json and its table: a reviewed sample, checked against its
//! sample.json (and its run), appraised by [`super::appraisal`].

use std::path::Path;

use anyhow::Result;
use serde::{Deserialize, Serialize};

use super::appraisal::{self, Estimate, StratumSample};
use super::record::SampleRecord;
use super::worksheet::Reviewed;
use crate::input_error;
use crate::run_folder::file_sha256;

/// extrapolation.json: the whole estimate at the top level (CONTRACT.md's
/// keys), the same per stratum, then what it was computed from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Extrapolation {
    /// `unrestricted` or `stratified`.
    pub method: String,
    /// Two-sided confidence level, percent.
    pub confidence: f64,
    #[serde(flatten)]
    pub whole: Estimate,
    pub strata: Vec<StratumExtrapolation>,
    pub frame: String,
    /// The run's summary.json hash, from sample.json.
    pub summary_sha256: String,
    /// The reviewed worksheet read, as given.
    pub reviewed: String,
    pub tool_version: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StratumExtrapolation {
    pub name: String,
    pub low: Option<f64>,
    pub high: Option<f64>,
    #[serde(flatten)]
    pub estimate: Estimate,
    /// Each reviewed item's overpayment (amount_paid - audited_amount), in item order.
    pub overpayments: Vec<f64>,
}

/// Refuses (exit 2) a sample whose run is not `run_dir`: the hashes of
/// summary.json differ.
pub fn check_run(record: &SampleRecord, sample_dir: &Path, run_dir: &Path) -> Result<()> {
    let summary = run_dir.join("summary.json");
    let Some(sha) = file_sha256(&summary) else {
        input_error!(
            "{}: not a claims-audit run folder (no summary.json)",
            run_dir.display()
        );
    };
    if sha != record.summary_sha256 {
        input_error!(
            "{}: drawn from another run (sample.json summary_sha256 {}…, {} is {}…)",
            sample_dir.display(),
            &record.summary_sha256.get(..12).unwrap_or(""),
            summary.display(),
            &sha[..12]
        );
    }
    Ok(())
}

/// The run folder a sample folder sits in, when it sits in one.
pub fn enclosing_run(sample_dir: &Path) -> Option<&Path> {
    let parent = sample_dir.parent().filter(|p| !p.as_os_str().is_empty())?;
    parent.join("summary.json").is_file().then_some(parent)
}

/// Groups the reviewed items by the strata of sample.json and appraises them.
pub fn extrapolate(
    record: &SampleRecord,
    reviewed: &[Reviewed],
    reviewed_name: &str,
    confidence: f64,
) -> Result<Extrapolation> {
    if !(confidence > 0.0 && confidence < 100.0) {
        input_error!("--confidence {confidence}: expected a percentage between 0 and 100, e.g. 90");
    }
    let mut groups: Vec<Vec<i64>> = vec![Vec::new(); record.strata.len()];
    for r in reviewed {
        let Some(h) = record.strata.iter().position(|s| s.name == r.stratum) else {
            let names: Vec<String> = record
                .strata
                .iter()
                .map(|s| format!("`{}`", s.name))
                .collect();
            input_error!(
                "{reviewed_name}: item {}: stratum `{}` is not one of sample.json's ({})",
                r.item,
                r.stratum,
                names.join(", ")
            );
        };
        groups[h].push(r.overpayment());
    }
    for (s, g) in record.strata.iter().zip(&groups) {
        if g.len() != s.sample_size {
            let which = if s.name.is_empty() {
                "the sample".to_string()
            } else {
                format!("stratum {}", s.name)
            };
            input_error!(
                "{reviewed_name}: {which} has {} reviewed item(s), sample.json drew {} (replace an item by a spare, do not add or drop rows)",
                g.len(),
                s.sample_size
            );
        }
    }
    let samples: Vec<StratumSample> = record
        .strata
        .iter()
        .zip(&groups)
        .map(|(s, g)| StratumSample {
            frame_size: s.frame_size,
            overpayments: g.clone(),
        })
        .collect();
    let (whole, per) = appraisal::appraise(&samples, confidence);
    Ok(Extrapolation {
        method: record.method.clone(),
        confidence,
        whole,
        strata: record
            .strata
            .iter()
            .zip(per)
            .zip(&groups)
            .map(|((s, estimate), g)| StratumExtrapolation {
                name: s.name.clone(),
                low: s.low,
                high: s.high,
                estimate,
                overpayments: g.iter().map(|&c| c as f64 / 100.0).collect(),
            })
            .collect(),
        frame: record.frame.clone(),
        summary_sha256: record.summary_sha256.clone(),
        reviewed: reviewed_name.to_string(),
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
    })
}

impl Extrapolation {
    /// Reads DIR/extrapolation.json, None when absent.
    pub fn read(dir: &Path) -> Result<Option<Extrapolation>> {
        let path = dir.join("extrapolation.json");
        let Ok(text) = std::fs::read_to_string(&path) else {
            return Ok(None);
        };
        match serde_json::from_str(&text) {
            Ok(e) => Ok(Some(e)),
            Err(e) => input_error!("{}: not an extrapolation.json ({e})", path.display()),
        }
    }

    /// The table `extrapolate` prints: a row per stratum, then the whole.
    pub fn table(&self) -> String {
        let money = |v: f64| crate::format::dollars_cents((v * 100.0).round() as i64);
        let limit = |v: Option<f64>| v.map(money).unwrap_or_else(|| "-".into());
        let c = self.confidence;
        let mut rows = vec![vec![
            "stratum".to_string(),
            "frame".into(),
            "sample".into(),
            "mean".into(),
            "std dev".into(),
            "point estimate".into(),
            "std error".into(),
            format!("lower {c}%"),
            format!("upper {c}%"),
        ]];
        let line = |name: &str, e: &Estimate| {
            vec![
                name.to_string(),
                e.frame_size.to_string(),
                e.sample_size.to_string(),
                money(e.mean),
                money(e.std_dev),
                money(e.point_estimate),
                money(e.standard_error),
                limit(e.lower_limit),
                limit(e.upper_limit),
            ]
        };
        if self.method == "stratified" {
            for s in &self.strata {
                rows.push(line(&s.name, &s.estimate));
            }
        }
        rows.push(line("total", &self.whole));
        let widths: Vec<usize> = (0..rows[0].len())
            .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
            .collect();
        let mut out = String::new();
        for r in &rows {
            let cells: Vec<String> = r
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    if i == 0 {
                        format!("{v:<w$}", w = widths[i])
                    } else {
                        format!("{v:>w$}", w = widths[i])
                    }
                })
                .collect();
            out.push_str(cells.join("  ").trim_end());
            out.push('\n');
        }
        let w = &self.whole;
        let precision = w
            .precision
            .map(|p| format!("precision {:.1}%", p * 100.0))
            .unwrap_or_else(|| "precision undefined".into());
        let t = w
            .t_value
            .map(|t| format!("t = {t:.4}"))
            .unwrap_or_else(|| "no t".into());
        out.push_str(&format!(
            "{} estimate of the overpayment in the {} frame: {}; {c}% two-sided interval {} to {} ({precision}, {t} on {} degrees of freedom)\n",
            if self.method == "stratified" { "Stratified" } else { "Unrestricted" },
            self.frame,
            money(w.point_estimate),
            limit(w.lower_limit),
            limit(w.upper_limit),
            w.degrees_of_freedom
        ));
        out
    }
}
