//! summary.json as readers see it: the entry types the report writes and
//! `diff`, `run --history` and `sample` read back, and [`RunSummary`], the
//! parts of it comparisons read. Here, below the report, so that history and
//! sampling read summary.json without importing the report.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Default, Clone)]
pub struct CheckFigures {
    pub findings: u64,
    pub amount_at_risk: f64,
}

#[derive(Serialize, Deserialize)]
pub struct ProviderEntry {
    pub provider_id: String,
    pub claims: u64,
    pub m6281_claims: u64,
    /// m6281_claims / claims, 4 decimals.
    pub m6281_share: f64,
    /// 0-100, 1 decimal; null when the provider has too few claims to be ranked.
    pub percentile: Option<f64>,
    pub outlier: bool,
    pub findings: u64,
    pub claims_flagged: u64,
    /// Each flagged claim once.
    pub amount_at_risk: f64,
    /// Every check: findings and their amount at risk.
    pub checks: BTreeMap<String, CheckFigures>,
}

#[derive(Serialize, Deserialize)]
pub struct MonthEntry {
    pub month: String,
    pub claims: u64,
    pub findings: BTreeMap<String, u64>,
}

#[derive(Serialize, Deserialize)]
pub struct PeriodInfo {
    pub from: Option<String>,
    pub to: Option<String>,
    pub label: String,
}

#[derive(Serialize, Deserialize, Default, Clone)]
pub struct CheckTotals {
    pub severity: String,
    pub findings: usize,
    pub patients: usize,
    pub providers: usize,
    pub amount_at_risk: f64,
}

#[derive(Serialize, Deserialize)]
pub struct CheckEntry {
    pub id: String,
    pub severity: String,
    pub scope: String,
    pub rule: String,
    pub code_set: String,
    pub version: String,
}

#[derive(Serialize, Deserialize)]
pub struct Totals {
    pub claims_audited: usize,
    pub claims_flagged: usize,
    pub findings: usize,
    pub amount_at_risk: f64,
}

/// The `tool` block of summary.json.
#[derive(Debug, Deserialize)]
pub struct ToolInfo {
    pub name: String,
    pub version: String,
    pub code_set: String,
}

/// The parts of summary.json that comparisons read (unknown keys are ignored).
#[derive(Deserialize)]
pub struct RunSummary {
    pub tool: ToolInfo,
    pub period: PeriodInfo,
    pub checks: BTreeMap<String, CheckTotals>,
    pub check_list: Vec<CheckEntry>,
    pub totals: Totals,
    #[serde(default)]
    pub providers: Vec<ProviderEntry>,
    #[serde(default)]
    pub months: Vec<MonthEntry>,
    #[serde(default)]
    pub pseudonymized: bool,
}

impl RunSummary {
    /// Reads summary.json text; the error says why it is not a claims-audit summary.
    pub fn parse(text: &str) -> std::result::Result<RunSummary, String> {
        let summary: RunSummary = serde_json::from_str(text)
            .map_err(|e| format!("summary.json is not a claims-audit summary ({e})"))?;
        if summary.tool.name != "claims-audit" {
            return Err("summary.json was not written by claims-audit".into());
        }
        Ok(summary)
    }

    /// The key runs are ordered by: the period's end, then its start (ISO dates).
    pub fn period_order(&self) -> (String, String) {
        let first_month = self.months.first().map(|m| format!("{}-01", m.month));
        let last_day = self.months.last().and_then(|m| month_end(&m.month));
        let end = self.period.to.clone().or(last_day).unwrap_or_default();
        let start = self.period.from.clone().or(first_month).unwrap_or_default();
        (end, start)
    }

    /// What differs between two runs' code sets and check versions (None: nothing).
    pub fn version_mismatch(&self, newer: &RunSummary) -> Option<String> {
        let mut parts = Vec::new();
        if self.tool.code_set != newer.tool.code_set {
            parts.push(format!(
                "code sets differ (OLD_RUN \"{}\", NEW_RUN \"{}\")",
                self.tool.code_set, newer.tool.code_set
            ));
        }
        let versions = |s: &RunSummary| -> BTreeMap<String, String> {
            s.check_list
                .iter()
                .map(|c| (c.id.clone(), c.version.clone()))
                .collect()
        };
        let (old, new) = (versions(self), versions(newer));
        let mut checks = Vec::new();
        for (id, v) in &old {
            match new.get(id) {
                None => checks.push(format!("{id} only in OLD_RUN")),
                Some(w) if w != v => checks.push(format!("{id} {v} vs {w}")),
                Some(_) => {}
            }
        }
        for id in new.keys().filter(|id| !old.contains_key(*id)) {
            checks.push(format!("{id} only in NEW_RUN"));
        }
        if !checks.is_empty() {
            parts.push(format!("check versions differ ({})", checks.join(", ")));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

/// `YYYY-MM` -> the month's last day, ISO.
pub fn month_end(month: &str) -> Option<String> {
    let first = NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").ok()?;
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)?
    };
    Some(next.pred_opt()?.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(code_set: &str, checks: &[(&str, &str)]) -> RunSummary {
        let list: Vec<serde_json::Value> = checks
            .iter()
            .map(|(id, v)| serde_json::json!({"id": id, "severity": "high", "scope": "claim", "rule": "r", "code_set": code_set, "version": v}))
            .collect();
        let json = serde_json::json!({
            "tool": {"name": "claims-audit", "version": "0.1.0", "code_set": code_set},
            "period": {"from": null, "to": null, "label": "all dates"},
            "checks": {},
            "check_list": list,
            "totals": {"claims_audited": 0, "claims_flagged": 0, "findings": 0, "amount_at_risk": 0.0},
            "months": [{"month": "2026-01", "claims": 1, "findings": {}}, {"month": "2026-02", "claims": 1, "findings": {}}]
        });
        RunSummary::parse(&json.to_string()).unwrap()
    }

    #[test]
    fn mismatch_names_the_code_set_and_each_check() {
        let a = summary("FY2026", &[("a", "1"), ("b", "1"), ("c", "1")]);
        let b = summary("FY2027", &[("a", "1"), ("b", "2"), ("d", "1")]);
        let m = a.version_mismatch(&b).unwrap();
        assert!(
            m.contains("code sets differ (OLD_RUN \"FY2026\", NEW_RUN \"FY2027\")"),
            "{m}"
        );
        assert!(m.contains("check versions differ (b 1 vs 2, "), "{m}");
        assert!(
            m.contains("c only in OLD_RUN") && m.contains("d only in NEW_RUN"),
            "{m}"
        );
        assert!(!m.contains("a "), "{m}");
        assert_eq!(a.version_mismatch(&a), None);
    }

    #[test]
    fn open_period_ends_come_from_the_audited_months() {
        let s = summary("x", &[]);
        assert_eq!(
            s.period_order(),
            ("2026-02-28".to_string(), "2026-01-01".to_string())
        );
        assert_eq!(month_end("2025-12").as_deref(), Some("2025-12-31"));
    }

    #[test]
    fn not_claims_audit_summaries_are_refused() {
        assert!(RunSummary::parse("{}").is_err());
        assert!(RunSummary::parse("[1]").is_err());
    }
}
