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

/// One alternation of case-insensitive patterns.
fn union(patterns: &[String]) -> String {
    let parts: Vec<String> = patterns.iter().map(|p| format!("(?:{p})")).collect();
    format!("(?i){}", parts.join("|"))
}

/// `text` with every match of every mask replaced by `with`, in list order.
fn masked(text: Expr, masks: &[String], with: &str) -> Expr {
    masks.iter().fold(text, |e, m| {
        e.str()
            .replace_all(lit(format!("(?i){m}")), lit(with), false)
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
    let text = col("text");
    notes
        .with_columns([
            masked(text.clone(), &p.not_grade_mask, " ").alias("__grade_text"),
            masked(text.clone(), &p.msk_etiology_mask, CLAUSE_END).alias("__msk_text"),
            masked(text.clone(), &p.neuro_distinction_mask, CLAUSE_END).alias("__neuro_text"),
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
            matches(text.clone(), &p.functional_impact).alias("functional_impact"),
            matches(text, &p.treatment_plan).alias("treatment_plan"),
            col("grades").fill_null(lit("")),
        ])
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
}
