//! Audit configuration: every threshold, code group, CPT set and text pattern
//! of CHECKS.md, with CHECKS.md's values as defaults. A user's TOML file
//! overrides any part; an unknown key or a bad regex is a clear error.

use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

/// The whole configuration (`--config FILE`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub thresholds: Thresholds,
    pub codes: CodeGroups,
    pub evidence: EvidencePatterns,
}

/// Numbers the checks compare against.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Thresholds {
    /// m6281-no-strength-exam: a measurement this many days before the visit still counts.
    pub strength_lookback_days: i64,
    /// m6281-no-reassessment: patients need at least this many M62.81 visits in the period.
    pub reassessment_min_visits: i64,
    /// m6281-no-reassessment: flag when more than this many visits follow the measurement.
    pub reassessment_max_visits: i64,
    /// m6281-no-reassessment: flag when more than this many days follow the measurement.
    pub reassessment_max_days: i64,
    /// Provider reports: flag providers at or above this percentile of M62.81 share.
    pub provider_outlier_percentile: f64,
    /// Provider reports: providers with fewer audited claims are listed but not ranked.
    pub provider_min_claims: i64,
}

/// Code groups as prefixes (normalised or with dots; both are accepted).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CodeGroups {
    pub muscle_weakness: String,
    pub weakness_symptom: String,
    pub neurological: Vec<String>,
    pub post_surgical: Vec<String>,
    pub inflammatory_myopathy: Vec<String>,
    pub specific_muscle_disorder: Vec<String>,
    pub systemic_disease: Vec<String>,
    /// Neuromuscular evaluation CPTs: single codes or inclusive ranges `95831-95834`.
    pub neuromuscular_cpt: Vec<String>,
}

/// Regular expressions (Rust `regex` syntax, matched case-insensitively) for
/// the evidence pass. Each `*_mask` list is blanked out of the text before the
/// list it guards is searched: that is how look-alikes, negation and
/// uncertainty are kept from counting (the `regex` crate has no look-around).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EvidencePatterns {
    pub not_grade_mask: Vec<String>,
    pub strength_grade: Vec<String>,
    pub muscle_group: Vec<String>,
    pub msk_etiology_mask: Vec<String>,
    pub msk_etiology: Vec<String>,
    pub neuro_distinction_mask: Vec<String>,
    pub neuro_distinction: Vec<String>,
    /// Normal or denied function (`gait: normal`, `denies falls`), blanked
    /// before `functional_impact` is searched.
    pub functional_impact_mask: Vec<String>,
    pub functional_impact: Vec<String>,
    pub treatment_plan: Vec<String>,
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

impl Default for Config {
    fn default() -> Self {
        Config {
            thresholds: Thresholds::default(),
            codes: CodeGroups::default(),
            evidence: EvidencePatterns::default(),
        }
    }
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            strength_lookback_days: 365,
            reassessment_min_visits: 6,
            reassessment_max_visits: 10,
            reassessment_max_days: 90,
            provider_outlier_percentile: 80.0,
            provider_min_claims: 11,
        }
    }
}

impl Default for CodeGroups {
    fn default() -> Self {
        CodeGroups {
            muscle_weakness: "M62.81".into(),
            weakness_symptom: "R53.1".into(),
            neurological: strings(&["G", "I63", "I69", "S14.1", "S24.1", "S34.1"]),
            post_surgical: strings(&["Z47", "Z48", "Z96.6"]),
            inflammatory_myopathy: strings(&["M60", "M33"]),
            specific_muscle_disorder: strings(&["M62.84", "M62.5", "M62.85"]),
            systemic_disease: strings(&["C", "I50", "J44", "N18", "M05", "M06", "M32", "M35.3"]),
            neuromuscular_cpt: strings(&[
                "95831-95834",
                "95860-95872",
                "95885-95887",
                "95907-95913",
            ]),
        }
    }
}

/// Words that name what a number counts: `3 sets`, `1/5 attempts`, `150 ft`.
const COUNT_NOUNS: &str = r"(?:sets?|reps?|repetitions?|times|attempts?|trials?|tries|visits?|sessions?|treatments?|days?|weeks?|wks?|months?|years?|yrs?|nights?|minutes?|mins?|seconds?|secs?|hours?|hrs?|ft|feet|foot|meters?|metres?|yards?|steps?|stairs?|laps?|lbs?|pounds?|kg|falls?|episodes?|patients?|items?|questions?|trials?|rounds?|cycles?|blocks?|inches|in\.|cm|degrees?|deg|%|percent)";
/// Neurological terms whose exclusion makes a neuro distinction.
const NEURO: &str = r"(?:neuro\w*|radiculopath\w*|myelopath\w*|plexopath\w*|polyneuropath\w*|emg(?:\s*/\s*ncs)?|ncs|ncv|nerve conduction(?:\s+stud(?:y|ies))?|electrodiagnostic\w*|nerve (?:injury|damage|involvement|compression|entrapment|cause)|central (?:cause|etiology|origin)|stroke|spinal cord (?:injury|lesion|involvement)|motor neuron\w*(?:\s+disease)?|myasthenia\w*)";
/// Musculoskeletal etiologies of CHECKS.md.
const MSK: &str = r"(?:deconditioning|deconditioned|disuse|post-?\s?operative(?:ly)?|post-?\s?surgical(?:ly)?|post-?op\b|immobili[sz]\w*|myopath\w*|atroph\w*|muscle wasting|wasting|musculoskeletal)";
/// Words that end a negation's or an uncertainty's reach (NegEx termination terms).
/// Masked lists replace matches with a clause break, so this splits the clause.
const CLAUSE_BREAK: &str = r"\b(?:but|however|although|though|whereas|except)\b";
/// The rest of a clause after a negation, up to the item it covers: a
/// negation covers every item of its list (`no edema, erythema, or
/// atrophy`), as far as the clause goes (`.`, `;`, `:`, `?`, a line end, or
/// a masked `but`, `however`, ... end it). Greedy, so it reaches the list's
/// last item. Plain ASCII words, spaces and commas, with no counted
/// repetition: the automaton stays small and the pass fast (see
/// props::long_pathological_notes_cost_linear_time).
const LIST_WORDS: &str = r"[a-z0-9/' \t,-]*";
/// What a section header ends with: `Neuro: WNL`, `EMG - normal`.
const HEADER: &str = r"(?:\s*[:=-]\s*|\s+)";
const SURGERY: &str = r"(?:surgery|surgical|repair|arthroplasty|replacement|tka|tha|tkr|thr|orif|fixation|fusion|laminectomy|discectomy|\w+ectomy|\w+plasty|\w+otomy|\w+oscopy|amputation|reconstruction|procedure|operation|cabg|transplant\w*)";

impl Default for EvidencePatterns {
    fn default() -> Self {
        EvidencePatterns {
            not_grade_mask: vec![
                // dates and triple fractions: 3/5/2026, 2/5/27, 2026-03-05
                r"\b\d{1,4}\s*/\s*\d{1,2}\s*/\s*\d{1,4}\b".into(),
                r"\b\d{4}-\d{1,2}-\d{1,2}\b".into(),
                // fractions of another scale: 5/10, 3/4, 8/12
                r"\b\d+\s*/\s*(?:\d{2,}|[0-46-9])\b".into(),
                // spinal levels: L4/5, C5/6, L4-L5
                r"\b[cdtls]\d{1,2}\s*[-/]\s*[cdtls]?\d{1,2}\b".into(),
                // counts preceded by what they count: visit 3/5, session 2, week 4, day 1/5
                r"\b(?:visits?|sessions?|weeks?|wks?|days?|treatments?|tx)\s*(?:#|no\.?)?\s*\d+(?:\s*(?:/|of)\s*\d+)?".into(),
                // a number or fraction followed by what it counts: 3 sets, 1/5 attempts, 150 ft
                format!(r"\b\d+(?:\.\d+)?(?:\s*/\s*\d+)?\s*{COUNT_NOUNS}(?:\W|$)"),
                // numeric ranges: 0-5, 3-4
                r"\b\d+\s*-\s*\d+\b".into(),
                // pain on a five-point scale: "pain 4/5 at worst"
                r"\bpain\s*(?:level|score|rating)?\s*(?:of|:|=)?\s*\d\s*/\s*5\b".into(),
                // a clause that is a question: "strength 4/5?"
                r"[^.;!?\n]*\?".into(),
            ],
            strength_grade: vec![
                // N/5 with optional +/-: 3/5, 4+/5, 4 / 5
                r"\b[0-5]\s*[+-]?\s*/\s*5\b".into(),
                // MRC / MMT / manual muscle test(ing) followed later in the sentence by a grade
                // (a sentence may hold decimals and common abbreviations: "hip abd. grade 4")
                r"\b(?:mrc|mmt|manual muscle test(?:ing|s)?)\b(?:[^.;!?\n]|\.\d|\b(?:abd|add|ext|flex|bilat|lt|rt|ant|post|approx|pt|ms|st)\.)*?\b(?:[0-5][+-]|[0-5]\b)".into(),
            ],
            muscle_group: vec![
                r"\b(?:quadriceps|quads?|hamstrings?|glut(?:e|eus|eal)\w*|iliopsoas|hip (?:flexors?|extensors?|abductors?|adductors?|flexion|extension|abduction)|knee (?:flexors?|extensors?|flexion|extension)|ankle (?:dorsi ?flexors?|plantar ?flexors?|dorsiflexion|plantarflexion)|dorsi ?flexors?|plantar ?flexors?|gastrocnemius|soleus|tibialis anterior|deltoids?|biceps|triceps|rotator cuff|shoulder (?:flexors?|extensors?|abductors?|flexion|abduction|external rotators?|internal rotators?)|elbow (?:flexors?|extensors?)|wrist (?:flexors?|extensors?)|grip|trunk (?:flexors?|extensors?)|core|abdominals?|paraspinals?|(?:upper|lower) extremit(?:y|ies)|(?:bilateral )?(?:ue|le)s?)\b".into(),
                // MMT-table abbreviations: hip flex, knee ext, ankle DF, shoulder IR/ER, BLE, BUE
                r"\b(?:hip|knee|ankle|shoulder|elbow|wrist|trunk|neck)\s+(?:flex\w*|ext\w*|abd\w*|add\w*|ir|er|df|pf|inv\w*|ev\w*|rotat\w*)\b".into(),
                r"\b(?:b/?l|bil(?:at)?\.?|bilateral)?\s*(?:ble|bue|b\s+le|b\s+ue)s?\b".into(),
            ],
            msk_etiology_mask: vec![
                // NegEx termination: a negation does not reach past "but", "however", ...
                CLAUSE_BREAK.into(),
                // a negation covers the items of its list: "no edema, erythema, or atrophy" (all of it: greedy,
                // and before the single-term negation, which would take only its first item)
                format!(r"\b(?:no|without|denies|denied|negative for|absence of|free of|no (?:hx|history) of)\s+{LIST_WORDS}\b{MSK}"),
                // pre-negation: no atrophy, not deconditioned, denies disuse
                format!(r"\b(?:no|not|without|denies|denied|negative for|absence of|free of|ruled out|rule out|r/o|never|assess for|evaluate for|eval for)\s+(?:[\w/-]+\s+){{0,3}}?{MSK}"),
                // someone else's: "family hx of myopathy", "mother had muscle wasting"
                format!(r"\b(?:family (?:hx|history)|fhx|fh|mother|father|sister|brother)\b[^.;\n]{{0,40}}?{MSK}"),
                // post-negation: atrophy absent, deconditioning ruled out
                format!(r"{MSK}\s+(?:\w+\s+){{0,1}}?(?:absent|ruled out|excluded|unlikely|not (?:present|seen|noted|observed|evident))"),
                format!(r"{MSK}\s*:\s*(?:none|no|negative|absent|not (?:present|seen|noted))\b"),
                r"[^.;!?\n]*\?".into(),
            ],
            msk_etiology: vec![
                format!(r"\b{MSK}"),
                format!(r"\b(?:status post|s/p)\s+(?:[\w-]+\s+){{0,3}}?{SURGERY}\b"),
            ],
            neuro_distinction_mask: vec![
                CLAUSE_BREAK.into(),
                // questions are uncertain: "neuropathy ruled out?"
                r"[^.;!?\n]*\?".into(),
                // negated exclusion: not ruled out, cannot exclude, has not been excluded
                r"\b(?:not|never|cannot|can ?not|can't|unable to|could not|couldn't|did not|didn't|has not|hasn't|have not|haven't)\s+(?:\w+\s+){0,2}?(?:ruled?\s+out|r/o|excluded?|exclude|eliminated|normal|negative|unremarkable|within normal limits|wnl)\b".into(),
                // planned or pending exclusion: to be ruled out, pending, rule out (a plan), r/o
                r"\b(?:to be|be|needs? to be|must be|should be|will be|yet to be|if|once|until|unless|awaiting|pending)\s+(?:\w+\s+){0,1}?(?:ruled?\s+out|excluded)\b".into(),
                r"\b(?:rule out|r/o|to exclude|evaluate for|eval for|assess for|possible|probable|suspected|suspect|questionable|likely|may be|might be|cannot rule out)\s+(?:[\w/-]+\s+){0,3}?".into(),
            ],
            neuro_distinction: vec![
                // a neurological cause named as ruled out, excluded, negative or normal
                // (a header's finding reaches to the end of its sentence: "NCS: negative")
                format!(r"\b{NEURO}{HEADER}(?:[\w/()-]+:?\s+){{0,4}}?(?:(?:was|were|is|are|has been|have been|been)\s+)?(?:ruled out|excluded|negative|neg|normal|within normal limits|wnl|unremarkable|non-?focal)\b"),
                format!(r"\b(?:no (?:evidence|signs?|findings?|indications?) of|negative for|without (?:any )?(?:evidence|signs?) of|ruled out|excluded|absence of)\s+(?:[\w/-]+\s+){{0,2}}?{NEURO}"),
                // a negation covers the items of its list: "negative for myopathy, radiculopathy, and neuropathy"
                format!(r"\b(?:no (?:evidence|signs?|findings?|indications?) of|negative for|without (?:any )?(?:evidence|signs?) of|ruled out|excluded|absence of)\s+{LIST_WORDS}\b{NEURO}"),
                r"\bneuro(?:logic(?:al(?:ly)?)?)?\s*(?:exam(?:ination)?)?\s*:?\s*(?:grossly\s+)?intact\b".into(),
                r"\bnot\s+(?:of\s+)?neuro(?:logic(?:al)?|genic|pathic)\b".into(),
                r"\bno\s+(?:focal\s+|new\s+|objective\s+|significant\s+)?(?:neuro\w*)\s+(?:deficits?|causes?|findings?|involvement|signs?|etiology|abnormalit\w*|compromise|symptoms?|origin|disease|disorder|component)\b".into(),
                r"\bno\s+(?:peripheral\s+)?(?:neuropath\w*|radiculopath\w*|myelopath\w*|plexopath\w*)".into(),
                format!(r"\b(?:normal|negative|unremarkable)\s+(?:[\w/-]+\s+){{0,1}}?{NEURO}"),
                // muscular origin set against a neurological one
                r"\b(?:musculoskeletal|myogenic|muscular|msk)\b[^.;!?\n]{0,60}?\b(?:rather than|not|as opposed to|instead of)\s+(?:\w+\s+){0,1}?(?:neuro\w*|neurogenic)".into(),
                r"\bnon-?\s?(?:neurological|neurologic|neurogenic|neuropathic)\b".into(),
            ],
            functional_impact: vec![
                r"\b(?:difficulty|unable to|inability|gait|ambulat\w*|transfers?|sit[- ]to[- ]stand|stairs?|adls?|iadls?|activities of daily living|falls?|fall risk|balance|mobility|dependent|independence|assist(?:ance)?|walker|cane|limitations?|functional (?:decline|limitation|deficit)s?|impair\w*)\b".into(),
                // "limits" as a verb, not "within normal limits" (nor "limited", often a cause: "limited activity")
                r"\blimit(?:s|ing)\s+(?:\w+\s+){0,2}?(?:walk\w*|ambulat\w*|stairs?|stair|mobility|function\w*|activit\w*|adls?|transfers?|standing|sitting|reaching|lifting|climbing|ability|community)\b".into(),
                // assistive devices and assist levels: RW, SPC, CGA, min A
                r"\b(?:rw|fww|spc|qc|cga|sba|(?:min|mod|max)\s*a)\b".into(),
            ],
            functional_impact_mask: vec![
                CLAUSE_BREAK.into(),
                // normal function: "gait: normal", "transfers independent"
                r"\b(?:gait|balance|transfers?|ambulation|mobility|adls?|stairs?)\s*(?::|is|was|are|were)?\s*(?:normal|wnl|within normal limits|intact|good|steady|stable|safe|independent(?:ly)?|unremarkable)\b".into(),
                // denied: "denies falls", "no difficulty with stairs, no assistive device"
                format!(r"\b(?:no|denies|denied|without|negative for)\s+{LIST_WORDS}\b(?:falls?|difficulty|limitations?|(?:assistive )?device|gait (?:deviations?|abnormalit\w*)|balance (?:deficits?|problems?|issues?)|functional (?:limitations?|deficits?|decline))\b"),
            ],
            treatment_plan: vec![
                // (an empty template field "Plan: ___" is no plan: the word must lead somewhere)
                r"\bplan\b\s*:?\s*[a-z0-9(]".into(),
                // the P of a SOAP note: "P: continue quad sets"
                r"\bp\s*:\s*[a-z(]".into(),
                r"\b(?:plan of care|poc|continue (?:pt|ot|therapy|skilled)|therapeutic exercise|strengthening|home exercise program|hep|frequency|goals?|recommend\w*|refer\w*|progress (?:to|as tolerated))\b".into(),
                r"\b\d\s*x\s*/?\s*(?:wk|week)\b".into(),
            ],
        }
    }
}

impl Config {
    /// Loads `path` over the defaults and validates it; `None` gives the defaults.
    pub fn load(path: Option<&Path>) -> Result<Config> {
        match path {
            None => {
                let config = Config::default();
                config.validate(None)?;
                Ok(config)
            }
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("{}: cannot read config file", path.display()))?;
                Config::from_toml_str(&text, Some(path))
            }
        }
    }

    /// Parses TOML text over the defaults and validates it; `path` only names
    /// the file in messages.
    pub fn from_toml_str(text: &str, path: Option<&Path>) -> Result<Config> {
        let shown = path
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "config".into());
        let config = toml::from_str::<Config>(text)
            .map_err(|e| anyhow::anyhow!("{}", toml_error(&shown, text, &e)))?;
        config.validate(path)?;
        Ok(config)
    }

    /// Every pattern must compile and every threshold must make sense.
    fn validate(&self, path: Option<&Path>) -> Result<()> {
        let file = path
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "default config".into());
        for (key, list) in self.evidence.lists() {
            for (i, pattern) in list.iter().enumerate() {
                if let Err(e) = regex::Regex::new(&format!("(?i){pattern}")) {
                    let first = e
                        .to_string()
                        .lines()
                        .last()
                        .unwrap_or("")
                        .trim()
                        .to_string();
                    bail!("{file}: evidence.{key}[{i}] is not a valid regex: {first}");
                }
            }
        }
        for (key, list) in self.evidence.lists() {
            for (i, pattern) in list.iter().enumerate() {
                // A pattern that matches nothing at all would mask or flag every
                // position of every note.
                let empty_match = regex::Regex::new(&format!("(?i){pattern}")).is_ok_and(|r| {
                    ["", "a", "ab cd", "4/5", " . ", "\n"]
                        .iter()
                        .any(|probe| r.find_iter(probe).any(|m| m.is_empty()))
                });
                if empty_match {
                    bail!(
                        "{file}: evidence.{key}[{i}] can match empty text; it must match at least one character"
                    );
                }
            }
        }
        let t = &self.thresholds;
        let pct = t.provider_outlier_percentile;
        if !(0.0..=100.0).contains(&pct) {
            bail!(
                "{file}: thresholds.provider_outlier_percentile must be between 0 and 100, got {pct}"
            );
        }
        let c = &self.codes;
        let groups: [(&str, &[String]); 7] = [
            ("muscle_weakness", std::slice::from_ref(&c.muscle_weakness)),
            (
                "weakness_symptom",
                std::slice::from_ref(&c.weakness_symptom),
            ),
            ("neurological", &c.neurological),
            ("post_surgical", &c.post_surgical),
            ("inflammatory_myopathy", &c.inflammatory_myopathy),
            ("specific_muscle_disorder", &c.specific_muscle_disorder),
            ("systemic_disease", &c.systemic_disease),
        ];
        for (key, prefixes) in groups {
            for prefix in prefixes {
                let norm = prefix.trim().to_uppercase().replace('.', "");
                let ok = norm.len() <= 7
                    && norm.starts_with(|ch: char| ch.is_ascii_uppercase())
                    && norm.chars().all(|ch| ch.is_ascii_alphanumeric());
                if !ok {
                    bail!(
                        "{file}: codes.{key} holds \"{prefix}\": expected an ICD-10-CM code or prefix such as \"G\" or \"M62.81\""
                    );
                }
            }
        }
        for (key, v) in [
            ("strength_lookback_days", t.strength_lookback_days),
            ("reassessment_min_visits", t.reassessment_min_visits),
            ("reassessment_max_visits", t.reassessment_max_visits),
            ("reassessment_max_days", t.reassessment_max_days),
            ("provider_min_claims", t.provider_min_claims),
        ] {
            if v < 0 {
                bail!("{file}: thresholds.{key} must be 0 or more, got {v}");
            }
        }
        if !(0.0..=100.0).contains(&t.provider_outlier_percentile) {
            bail!(
                "{file}: thresholds.provider_outlier_percentile must be between 0 and 100, got {}",
                t.provider_outlier_percentile
            );
        }
        for cpt in &self.codes.neuromuscular_cpt {
            if parse_cpt_range(cpt).is_none() {
                bail!(
                    "{file}: codes.neuromuscular_cpt holds \"{cpt}\": expected a 5-character code or a range like 95831-95834"
                );
            }
        }
        Ok(())
    }
}

impl EvidencePatterns {
    /// Every pattern list with its config key, for validation and reports.
    pub fn lists(&self) -> [(&'static str, &Vec<String>); 10] {
        [
            ("not_grade_mask", &self.not_grade_mask),
            ("strength_grade", &self.strength_grade),
            ("muscle_group", &self.muscle_group),
            ("msk_etiology_mask", &self.msk_etiology_mask),
            ("msk_etiology", &self.msk_etiology),
            ("neuro_distinction_mask", &self.neuro_distinction_mask),
            ("neuro_distinction", &self.neuro_distinction),
            ("functional_impact_mask", &self.functional_impact_mask),
            ("functional_impact", &self.functional_impact),
            ("treatment_plan", &self.treatment_plan),
        ]
    }
}

/// A TOML error in one line: the file, the line and its key when the
/// parser knows the place (`c.toml: line 2 (strength_lookback_days): invalid
/// type: string "a year", expected i64`).
pub fn toml_error(shown: &str, text: &str, e: &toml::de::Error) -> String {
    let msg = e.message().replace('\n', " ");
    let Some(span) = e.span() else {
        return format!("{shown}: {msg}");
    };
    let start = span.start.min(text.len());
    let line_no = text.as_bytes()[..start]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1;
    let line = text.lines().nth(line_no - 1).unwrap_or("");
    let key: String = line
        .split_once('=')
        .map(|(k, _)| k.trim().chars().take(60).collect())
        .unwrap_or_default();
    if key.is_empty() || msg.contains(&key) {
        format!("{shown}: line {line_no}: {msg}")
    } else {
        format!("{shown}: line {line_no} ({key}): {msg}")
    }
}

/// `95831-95834` -> (95831, 95834) as strings; `95831` -> (95831, 95831).
pub fn parse_cpt_range(spec: &str) -> Option<(String, String)> {
    let spec = spec.trim().to_uppercase();
    let (lo, hi) = match spec.split_once('-') {
        Some((lo, hi)) => (lo.trim().to_string(), hi.trim().to_string()),
        None => (spec.clone(), spec.clone()),
    };
    let ok = |c: &str| c.len() == 5 && c.chars().all(|ch| ch.is_ascii_alphanumeric());
    (ok(&lo) && ok(&hi) && lo <= hi).then_some((lo, hi))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        Config::default().validate(None).unwrap();
    }

    #[test]
    fn unknown_key_is_named() {
        let dir = std::env::temp_dir().join(format!("ca-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("c.toml");
        std::fs::write(&p, "[thresholds]\nreassesment_max_visits = 3\n").unwrap();
        let err = Config::load(Some(&p)).unwrap_err().to_string();
        assert!(err.contains("reassesment_max_visits"), "{err}");
        std::fs::write(&p, "[evidence]\nstrength_grade = ['(unclosed']\n").unwrap();
        let err = Config::load(Some(&p)).unwrap_err().to_string();
        assert!(err.contains("evidence.strength_grade[0]"), "{err}");
        std::fs::write(&p, "[thresholds]\nreassessment_max_visits = 3\n").unwrap();
        let c = Config::load(Some(&p)).unwrap();
        assert_eq!(c.thresholds.reassessment_max_visits, 3);
        assert_eq!(c.thresholds.reassessment_max_days, 90);
    }

    #[test]
    fn cpt_ranges() {
        assert_eq!(
            parse_cpt_range("95831-95834"),
            Some(("95831".into(), "95834".into()))
        );
        assert_eq!(
            parse_cpt_range("97110"),
            Some(("97110".into(), "97110".into()))
        );
        assert_eq!(parse_cpt_range("9583"), None);
        assert_eq!(parse_cpt_range("95834-95831"), None);
    }
}
