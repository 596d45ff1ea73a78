//! The evidence pass: each note's text is read once, here, into `note_facts`
//! (one row per note). Checks never look at text; they read these flags.
//!
//! Every pattern comes from the config (`[evidence]`). Look-alikes, negation
//! and uncertainty are handled in the NegEx/ConText manner: phrases that
//! would fool a pattern (a date `3/5/2026`, a count `2/5 visits`, a negated
//! `not ruled out`, a question `ruled out?`) are blanked out of a copy of the
//! text first, and the pattern is searched in what remains. All of it is
//! Polars string expressions over the whole text column, run in parallel.

use polars::prelude::*;
use rayon::prelude::*;

use crate::config::EvidencePatterns;

/// Columns of `note_facts`, besides the note's own id, patient, date and links.
pub const FACT_COLUMNS: [&str; 6] = [
    "has_strength_grade",
    "muscle_group",
    "msk_etiology",
    "neuro_distinction",
    "functional_impact",
    "treatment_plan",
];

/// Human names of the six documentation elements, in FACT_COLUMNS order.
pub const FACT_LABELS: [&str; 6] = [
    "strength grade",
    "muscle group",
    "musculoskeletal etiology",
    "neuro distinction",
    "functional impact",
    "treatment plan",
];

/// What a masked negation or uncertainty leaves behind: a clause break, so
/// that no pattern can join the words on either side of it. Look-alike
/// grades leave a space instead, as an MMT sentence may go on around them.
const CLAUSE_END: &str = " ; ";

/// `pattern` with its word boundaries `\b` / `\B` made ASCII (`(?-u:\b)`).
///
/// Why: a Unicode word boundary cannot be decided by the regex crate's fast
/// DFA once the text holds a non-ASCII byte, so a note with one accent, smart
/// quote or non-breaking space was scanned by a ~10x slower engine. An ASCII
/// boundary reads the same on clinical English (letters, digits, `_`); it
/// differs only next to a non-ASCII letter (`é4/5` has a boundary before the
/// `4`). Applied to every configured pattern, in both passes.
pub fn ascii_word_boundaries(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('b') => out.push_str("(?-u:\\b)"),
            Some('B') => out.push_str("(?-u:\\B)"),
            Some(n) => {
                out.push('\\');
                out.push(n);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Typographic characters that word processors and EHR templates put in
/// notes, and what the patterns are written for: non-breaking and narrow
/// spaces read as a space (so `hip\u{a0}flexors` is `hip flexors`), curly
/// quotes as straight ones.
const TYPOGRAPHIC: [(char, char); 7] = [
    ('\u{a0}', ' '),
    ('\u{202f}', ' '),
    ('\u{2007}', ' '),
    ('\u{2018}', '\''),
    ('\u{2019}', '\''),
    ('\u{201c}', '"'),
    ('\u{201d}', '"'),
];

/// The text the patterns read: [`TYPOGRAPHIC`] characters replaced (copied
/// only when the note holds one; an ASCII note is returned as it is).
fn normalized(text: &str) -> std::borrow::Cow<'_, str> {
    if text.is_ascii() || !text.contains(|c: char| TYPOGRAPHIC.iter().any(|(t, _)| *t == c)) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.chars()
            .map(|c| {
                TYPOGRAPHIC
                    .iter()
                    .find(|(t, _)| *t == c)
                    .map_or(c, |(_, r)| *r)
            })
            .collect(),
    )
}

/// [`normalized`] as a Polars expression (the reference pass).
fn normalized_expr(text: Expr) -> Expr {
    let mut by: Vec<(char, Vec<char>)> = Vec::new();
    for (t, r) in TYPOGRAPHIC {
        match by.iter_mut().find(|(x, _)| *x == r) {
            Some((_, v)) => v.push(t),
            None => by.push((r, vec![t])),
        }
    }
    by.into_iter().fold(text, |e, (r, from)| {
        let class: String = from
            .iter()
            .map(|c| format!("\\x{{{:x}}}", *c as u32))
            .collect();
        e.str()
            .replace_all(lit(format!("[{class}]")), lit(r.to_string()), false)
    })
}

/// One pattern as compiled: case-insensitive, ASCII word boundaries.
fn compiled(pattern: &str) -> String {
    format!("(?i){}", ascii_word_boundaries(pattern))
}

/// One alternation of case-insensitive patterns.
fn union(patterns: &[String]) -> String {
    let parts: Vec<String> = patterns
        .iter()
        .map(|p| format!("(?:{})", ascii_word_boundaries(p)))
        .collect();
    format!("(?i){}", parts.join("|"))
}

/// `text` with every match of every mask replaced by `with`, in list order.
fn masked(text: Expr, masks: &[String], with: &str) -> Expr {
    masks.iter().fold(text, |e, m| {
        e.str().replace_all(lit(compiled(m)), lit(with), false)
    })
}

fn matches(text: Expr, patterns: &[String]) -> Expr {
    if patterns.is_empty() {
        return lit(false);
    }
    text.str()
        .contains(lit(union(patterns)), true)
        .fill_null(lit(false))
}

/// At most this many distinct grades are kept per note for evidence.
pub const MAX_GRADES: usize = 5;

/// One matched grade finding reduced to a token: `4+/5`, `MMT 3+`, `MRC 4`.
/// A match of the MRC/MMT pattern runs from the keyword to the grade and may
/// hold any words between them (`MMT by Dr. X at home grade 4`): only the
/// keyword and the grade are kept, so evidence never carries free note text.
/// A match without a recognisable grade becomes `graded`.
pub fn grade_token(m: Expr) -> Expr {
    let grade = m
        .clone()
        .str()
        .extract(lit(r"([0-5]\s*[+-]?(?:\s*/\s*5)?)[^0-9]*$"), 1)
        .str()
        .replace_all(lit(r"\s"), lit(""), false);
    let keyword = m
        .clone()
        .str()
        .to_uppercase()
        .str()
        .extract(lit(r"^\s*(MRC|MMT|MANUAL MUSCLE TEST)"), 1)
        .str()
        .replace(lit("MANUAL MUSCLE TEST"), lit("MMT"), true);
    let token = when(keyword.clone().is_null())
        .then(grade.clone())
        .otherwise(concat_str([keyword, grade.clone()], " ", false));
    when(m.clone().eq(lit("")))
        .then(lit(LiteralValue::untyped_null()).cast(DataType::String))
        .when(grade.is_null())
        .then(lit("graded"))
        .otherwise(token)
}

/// The distinct grade tokens of a text, in order. Each list gets a closing
/// sentinel `""` (its token is null, dropped after), so no list is empty:
/// Polars' debug builds warn on stderr when a list evaluation sees more
/// lists than values, which notes without grades would cause.
fn grade_list(text: Expr, patterns: &[String]) -> Expr {
    let matches = text.str().extract_all(lit(union(patterns)));
    let closed = concat_list([matches.clone(), lit("")]).unwrap_or(matches);
    closed
        .list()
        .eval(grade_token(element()).unique_stable().drop_nulls())
}

/// Builds `note_facts` from the notes table: note_id, patient_id, note_date,
/// claim_id, note_type, provider_id, the six flags of [`FACT_COLUMNS`] and
/// `grades` (the distinct graded findings found as tokens, at most
/// [`MAX_GRADES`], `; `-joined, for evidence: see [`grade_token`]).
pub fn note_facts(notes: LazyFrame, p: &EvidencePatterns) -> LazyFrame {
    let text = col("__text");
    notes
        .with_column(normalized_expr(col("text")).alias("__text"))
        .with_columns([
            masked(text.clone(), &p.not_grade_mask, " ").alias("__grade_text"),
            masked(text.clone(), &p.msk_etiology_mask, CLAUSE_END).alias("__msk_text"),
            masked(text.clone(), &p.neuro_distinction_mask, CLAUSE_END).alias("__neuro_text"),
            masked(text.clone(), &p.functional_impact_mask, CLAUSE_END).alias("__function_text"),
        ])
        .with_column(
            grade_list(col("__grade_text"), &p.strength_grade)
                .list()
                .head(lit(MAX_GRADES as u32))
                .list()
                .join(lit("; "), true)
                .alias("grades"),
        )
        .select([
            col("note_id"),
            col("patient_id"),
            col("note_date"),
            col("claim_id"),
            col("note_type"),
            col("provider_id"),
            col("grades")
                .neq(lit(""))
                .fill_null(lit(false))
                .alias("has_strength_grade"),
            matches(text.clone(), &p.muscle_group).alias("muscle_group"),
            matches(col("__msk_text"), &p.msk_etiology).alias("msk_etiology"),
            matches(col("__neuro_text"), &p.neuro_distinction).alias("neuro_distinction"),
            matches(col("__function_text"), &p.functional_impact).alias("functional_impact"),
            matches(text, &p.treatment_plan).alias("treatment_plan"),
            col("grades").fill_null(lit("")),
        ])
}

/// The evidence pass used by the audit: the same facts as [`note_facts`],
/// computed in one pass over each note's text (in parallel over notes)
/// instead of one Polars pass per mask and pattern. Masks are applied in
/// order to the note as [`note_facts`] does, without copying the text when a
/// mask does not match; a fact whose patterns need a keyword the note does
/// not hold is skipped without masking (only for the default patterns, whose
/// keywords are known: see [`Prefilters`]). `tests::fast_pass_matches_reference`
/// checks that both give the same frame.
pub fn note_facts_frame(notes: &DataFrame, p: &EvidencePatterns) -> PolarsResult<DataFrame> {
    let scanner = Scanner::new(p).map_err(|e| polars_err!(ComputeError: "{e}"))?;
    let text = notes.column("text")?.str()?;
    let mut facts: Vec<Option<Facts>> = Vec::with_capacity(text.len());
    for arr in text.downcast_iter() {
        let part: Vec<Option<Facts>> = (0..arr.len())
            .into_par_iter()
            .with_min_len(256)
            .map(|i| arr.get(i).map(|t| scanner.scan(t)))
            .collect();
        facts.extend(part);
    }
    let flag = |f: fn(&Facts) -> bool| -> BooleanChunked {
        facts
            .iter()
            .map(|x| Some(x.as_ref().is_some_and(f)))
            .collect()
    };
    let grades: StringChunked = facts
        .iter()
        .map(|x| Some(x.as_ref().map_or("", |f| f.grades.as_str())))
        .collect();
    let mut cols: Vec<Column> = [
        "note_id",
        "patient_id",
        "note_date",
        "claim_id",
        "note_type",
        "provider_id",
    ]
    .iter()
    .map(|c| notes.column(c).cloned())
    .collect::<PolarsResult<_>>()?;
    let named = |ca: BooleanChunked, name: &str| ca.with_name(name.into()).into_column();
    cols.push(named(flag(|f| !f.grades.is_empty()), "has_strength_grade"));
    cols.push(named(flag(|f| f.muscle_group), "muscle_group"));
    cols.push(named(flag(|f| f.msk_etiology), "msk_etiology"));
    cols.push(named(flag(|f| f.neuro_distinction), "neuro_distinction"));
    cols.push(named(flag(|f| f.functional_impact), "functional_impact"));
    cols.push(named(flag(|f| f.treatment_plan), "treatment_plan"));
    cols.push(grades.with_name("grades".into()).into_column());
    DataFrame::new_infer_height(cols)
}

/// What one note documents.
#[derive(Debug, Default, Clone, PartialEq)]
struct Facts {
    grades: String,
    muscle_group: bool,
    msk_etiology: bool,
    neuro_distinction: bool,
    functional_impact: bool,
    treatment_plan: bool,
}

/// A pattern list compiled once: its masks (in order) and its union.
struct Rule {
    masks: Vec<regex::Regex>,
    /// All masks at once: which of them match the text as written (one pass).
    set: Option<regex::RegexSet>,
    /// What a mask's match is replaced with (as in [`note_facts`]).
    with: &'static str,
    union: Option<regex::Regex>,
    /// A necessary condition for the union to match after masking: a regex of
    /// keywords one of which every alternative of the union needs.
    needs: Option<regex::Regex>,
}

impl Rule {
    fn new(
        masks: &[String],
        with: &'static str,
        patterns: &[String],
        needs: Option<&str>,
    ) -> Result<Rule, regex::Error> {
        // Worth it where masks rarely match (negations, questions): then one
        // pass replaces them all. Look-alike grades (5/10, dates) are common,
        // so the grade masks are applied one by one.
        let set = if masks.len() > 1 && with != " " {
            Some(regex::RegexSet::new(masks.iter().map(|m| compiled(m)))?)
        } else {
            None
        };
        let masks = masks
            .iter()
            .map(|m| regex::Regex::new(&compiled(m)))
            .collect::<Result<_, _>>()?;
        let union = if patterns.is_empty() {
            None
        } else {
            Some(regex::Regex::new(&union(patterns))?)
        };
        let needs = needs.map(regex::Regex::new).transpose()?;
        Ok(Rule {
            masks,
            set,
            with,
            union,
            needs,
        })
    }

    /// The text with every mask applied in order (copied only when a mask matches).
    fn masked<'t>(&self, text: &'t str) -> std::borrow::Cow<'t, str> {
        // Masks apply in order, each to the previous one's output. Until one
        // matches, that output is the text as written, so the first mask that
        // changes anything is the first that matches the original: one pass
        // of the set finds it, and the masks before it are skipped.
        let first = match &self.set {
            Some(set) => match set.matches(text).iter().next() {
                Some(i) => i,
                None => return std::borrow::Cow::Borrowed(text),
            },
            None => 0,
        };
        let mut out = std::borrow::Cow::Borrowed(text);
        for m in &self.masks[first..] {
            if let std::borrow::Cow::Owned(s) = m.replace_all(&out, self.with) {
                out = std::borrow::Cow::Owned(s);
            }
        }
        out
    }

    fn possible(&self, text: &str) -> bool {
        self.union.is_some() && self.needs.as_ref().is_none_or(|n| n.is_match(text))
    }

    fn matches(&self, text: &str) -> bool {
        self.possible(text) && self.union.as_ref().unwrap().is_match(&self.masked(text))
    }
}

/// Keywords of the default patterns (src/config.rs): every alternative of a
/// default union needs one of them, and masking (which only blanks text out)
/// cannot create one, so a note without any cannot match. Used only when the
/// configured list equals the default.
struct Prefilters;

impl Prefilters {
    const STRENGTH: &'static str = r"(?i)/|mrc|mmt|manual muscle test";
    const MSK: &'static str =
        r"(?i)decondition|disuse|post|immobili|myopath|atroph|wasting|musculoskeletal|s/p";
    const NEURO: &'static str = r"(?i)neuro|radiculopath|myelopath|plexopath|emg|ncs|ncv|nerve|electrodiagnostic|central|stroke|spinal|myasthenia";
}

struct Scanner {
    grade: Rule,
    /// [`grade_token`]'s two patterns.
    token_grade: regex::Regex,
    token_keyword: regex::Regex,
    msk: Rule,
    neuro: Rule,
    muscle_group: Rule,
    functional_impact: Rule,
    treatment_plan: Rule,
}

impl Scanner {
    fn new(p: &EvidencePatterns) -> Result<Scanner, regex::Error> {
        let d = EvidencePatterns::default();
        let keep = |same: bool, pre: &'static str| same.then_some(pre);
        Ok(Scanner {
            grade: Rule::new(
                &p.not_grade_mask,
                " ",
                &p.strength_grade,
                keep(p.strength_grade == d.strength_grade, Prefilters::STRENGTH),
            )?,
            token_grade: regex::Regex::new(r"([0-5]\s*[+-]?(?:\s*/\s*5)?)[^0-9]*$")?,
            token_keyword: regex::Regex::new(r"^\s*(MRC|MMT|MANUAL MUSCLE TEST)")?,
            msk: Rule::new(
                &p.msk_etiology_mask,
                CLAUSE_END,
                &p.msk_etiology,
                keep(p.msk_etiology == d.msk_etiology, Prefilters::MSK),
            )?,
            neuro: Rule::new(
                &p.neuro_distinction_mask,
                CLAUSE_END,
                &p.neuro_distinction,
                keep(
                    p.neuro_distinction == d.neuro_distinction,
                    Prefilters::NEURO,
                ),
            )?,
            muscle_group: Rule::new(&[], " ", &p.muscle_group, None)?,
            functional_impact: Rule::new(
                &p.functional_impact_mask,
                CLAUSE_END,
                &p.functional_impact,
                None,
            )?,
            treatment_plan: Rule::new(&[], " ", &p.treatment_plan, None)?,
        })
    }

    /// [`grade_token`] of one non-empty match, in Rust.
    fn grade_token(&self, m: &str) -> String {
        let grade = self
            .token_grade
            .captures(m)
            .and_then(|c| c.get(1))
            .map(|g| {
                g.as_str()
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect::<String>()
            });
        let Some(grade) = grade else {
            return "graded".to_string();
        };
        let upper = m.to_uppercase();
        match self.token_keyword.captures(&upper).and_then(|c| c.get(1)) {
            Some(k) => format!(
                "{} {grade}",
                k.as_str().replacen("MANUAL MUSCLE TEST", "MMT", 1)
            ),
            None => grade,
        }
    }

    fn scan(&self, text: &str) -> Facts {
        let text: &str = &normalized(text);
        let mut grades = String::new();
        if self.grade.possible(text) {
            // As note_facts: each match reduced to its token (grade_token),
            // distinct in order of appearance, at most MAX_GRADES, `; `-joined.
            let masked = self.grade.masked(text);
            let mut tokens: Vec<String> = Vec::new();
            for m in self.grade.union.as_ref().unwrap().find_iter(&masked) {
                if m.as_str().is_empty() {
                    continue;
                }
                let token = self.grade_token(m.as_str());
                if !tokens.contains(&token) {
                    tokens.push(token);
                    if tokens.len() == MAX_GRADES {
                        break;
                    }
                }
            }
            grades = tokens.join("; ");
        }
        Facts {
            grades,
            muscle_group: self.muscle_group.matches(text),
            msk_etiology: self.msk.matches(text),
            neuro_distinction: self.neuro.matches(text),
            functional_impact: self.functional_impact.matches(text),
            treatment_plan: self.treatment_plan.matches(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    /// Runs the pass over single-note texts and returns one flag column.
    fn flags(texts: &[&str], column: &str) -> Vec<bool> {
        let n = texts.len();
        let notes = df!(
            "note_id" => (0..n).map(|i| format!("N{i}")).collect::<Vec<_>>(),
            "patient_id" => vec!["P"; n],
            "note_date" => vec![chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(); n],
            "claim_id" => vec![None::<&str>; n],
            "note_type" => vec![None::<&str>; n],
            "provider_id" => vec![None::<&str>; n],
            "text" => texts.to_vec(),
        )
        .unwrap();
        let facts = note_facts(notes.lazy(), &Config::default().evidence)
            .collect()
            .unwrap();
        facts
            .column(column)
            .unwrap()
            .bool()
            .unwrap()
            .iter()
            .map(|b| b.unwrap())
            .collect()
    }

    fn assert_each(texts: &[&str], column: &str, expected: bool) {
        for (text, got) in texts.iter().zip(flags(texts, column)) {
            assert_eq!(got, expected, "{column} of {text:?}");
        }
    }

    #[test]
    fn strength_grades_found() {
        assert_each(
            &[
                "Hip flexors 3/5 bilaterally.",
                "Quadriceps 4+/5 on the right.",
                "Strength 4 / 5 throughout",
                "MMT: 3+ hip abductors",
                "MRC grade 4 in deltoids.",
                "Manual muscle testing: hip abductors grade 4-",
                "STRENGTH 5-/5 GRIP",
                "knee extension 0/5",
                "MMT 4/5",
                "MMT: R hip abd. grade 4",
                "Seen 3/5/2026; quads 4/5.",
            ],
            "has_strength_grade",
            true,
        );
    }

    #[test]
    fn grade_look_alikes_ignored() {
        assert_each(
            &[
                "Seen on 3/5/2026 for follow up.",
                "Next visit 2/5/27.",
                "Pain 5/10 with stairs.",
                "MRI shows L4/5 disc bulge and C5/6 stenosis.",
                "Ambulated 150 ft with walker; MMT deferred.",
                "MMT not performed, completed 3 sets of 10.",
                "Successful in 1/5 attempts.",
                "Attended 2/5 visits this month.",
                "This is visit 3/5 of the plan.",
                "MMT planned for week 4.",
                "Session 2/5 completed without issue.",
                "Strength 3/50 score on the test.",
                "MRC scale limited by 5/10 pain",
            ],
            "has_strength_grade",
            false,
        );
    }

    #[test]
    fn neuro_distinction_found() {
        assert_each(
            &[
                "Neurological cause ruled out.",
                "No evidence of neuropathy on exam.",
                "EMG/NCS within normal limits.",
                "Neuro exam normal.",
                "Weakness is musculoskeletal rather than neurological.",
                "Pattern is myogenic, not neurogenic.",
                "No neurological deficit.",
                "No neurological cause identified.",
                "Radiculopathy was excluded by EMG.",
                "Normal nerve conduction studies.",
            ],
            "neuro_distinction",
            true,
        );
    }

    #[test]
    fn negated_or_uncertain_neuro_is_not_a_distinction() {
        assert_each(
            &[
                "Neurological cause not ruled out.",
                "Cannot exclude radiculopathy.",
                "Possible neuropathy.",
                "NCS pending.",
                "Pending NCS to evaluate.",
                "Plan: rule out neuropathy with EMG.",
                "Neuropathy ruled out?",
                "Neurological cause has not been excluded.",
                "Neuropathy to be ruled out at next visit.",
                "Neuro exam not normal, reflexes diminished.",
                "Abnormal EMG.",
                "Weakness of unclear cause.",
                "No fracture but neuropathy possible.",
            ],
            "neuro_distinction",
            false,
        );
    }

    #[test]
    fn msk_etiology() {
        assert_each(
            &[
                "Weakness due to deconditioning after hospital stay.",
                "Generalized weakness, s/p right TKA 6 weeks ago.",
                "Post-operative weakness.",
                "Disuse atrophy of quadriceps.",
                "Status post lumbar laminectomy.",
                "Weakness is musculoskeletal.",
                "Steroid myopathy.",
                "No pain but atrophy of the quadriceps noted.",
            ],
            "msk_etiology",
            true,
        );
        assert_each(
            &[
                "No atrophy noted.",
                "Patient is not deconditioned.",
                "Denies recent immobilization.",
                "s/p fall at home last week.",
                "Weakness of unknown origin.",
                "Negative for muscle wasting.",
                "Atrophy: none.",
            ],
            "msk_etiology",
            false,
        );
    }

    #[test]
    fn documentation_elements() {
        assert_each(
            &["Quadriceps weak", "hip abductors", "Grip strength reduced"],
            "muscle_group",
            true,
        );
        assert_each(
            &[
                "Difficulty with stairs",
                "Gait unsteady",
                "Unable to rise from chair",
            ],
            "functional_impact",
            true,
        );
        assert_each(
            &[
                "Plan: continue PT 2x/week",
                "HEP issued",
                "Plan of care updated",
            ],
            "treatment_plan",
            true,
        );
        assert_each(&["Patient seen today."], "treatment_plan", false);
        assert_each(&["Patient seen today."], "functional_impact", false);
        assert_each(&["Patient seen today."], "muscle_group", false);
    }

    /// The one-pass scanner gives exactly the reference pass's frame.
    #[test]
    fn fast_pass_matches_reference() {
        let mut texts: Vec<String> = Vec::new();
        let chunk = crate::generate::gen_chunk(3, 0, 20_000, 20_000);
        texts.extend(chunk.notes.text.iter().cloned());
        for line in include_str!("mod.rs").lines() {
            let l = line.trim();
            if l.starts_with('"') && l.ends_with("\",") {
                texts.push(
                    l.trim_start_matches('"')
                        .trim_end_matches("\",")
                        .to_string(),
                );
            }
        }
        // The phrasing corpus, and each of its notes with typographic spaces and quotes.
        for line in include_str!("../../tests/phrasing/notes.txt").lines() {
            if let Some((_, t)) = line.split_once('\t').filter(|_| !line.starts_with('#')) {
                texts.push(t.to_string());
                texts.push(format!("\u{201c}{}\u{2019}", t.replace(' ', "\u{a0}")));
            }
        }
        texts.push(String::new());
        texts.push("No possible neurological deficit. Strength 2-3/5? 4/5".into());
        let n = texts.len();
        let notes = df!(
            "note_id" => (0..n).map(|i| format!("N{i}")).collect::<Vec<_>>(),
            "patient_id" => vec!["P"; n],
            "note_date" => vec![chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(); n],
            "claim_id" => vec![None::<&str>; n],
            "note_type" => vec![None::<&str>; n],
            "provider_id" => vec![None::<&str>; n],
            "text" => texts,
        )
        .unwrap();
        for patterns in [Config::default().evidence, {
            let mut p = Config::default().evidence;
            p.neuro_distinction.push(r"\bmuscle\b".into());
            p.strength_grade.pop();
            p
        }] {
            let reference = note_facts(notes.clone().lazy(), &patterns)
                .collect()
                .unwrap();
            let fast = note_facts_frame(&notes, &patterns).unwrap();
            assert_eq!(reference.get_column_names(), fast.get_column_names());
            for c in reference.columns() {
                let f = fast.column(c.name()).unwrap();
                let same = c
                    .as_materialized_series()
                    .equal_missing(f.as_materialized_series())
                    .unwrap();
                let bad: Vec<usize> = same
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| *s != Some(true))
                    .map(|(i, _)| i)
                    .collect();
                assert!(
                    bad.is_empty(),
                    "column {} differs at {:?}: {:?}",
                    c.name(),
                    &bad[..bad.len().min(3)],
                    bad.first()
                        .map(|&i| (c.get(i).unwrap().to_string(), f.get(i).unwrap().to_string()))
                );
            }
        }
    }
}
