//! Unit tests of every check on tiny frames: the positive case, the near
//! misses and the boundaries CHECKS.md names.

use chrono::NaiveDate;
use polars::prelude::*;

use super::{CheckContext, registry, run_all};
use crate::config::Config;
use crate::evidence::note_facts;
use crate::model::{AuditTables, Period};

/// One claim of a fixture: id, patient, date, dx list (as written), CPTs of its lines.
pub struct Claim(
    pub &'static str,
    pub &'static str,
    pub &'static str,
    pub &'static str,
    pub &'static [&'static str],
);
/// One note: id, patient, date, claim_id (or ""), text.
pub struct Note(
    pub &'static str,
    pub &'static str,
    pub &'static str,
    pub &'static str,
    pub &'static str,
);

pub fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Builds validated tables the way ingest would leave them.
pub fn tables(claims: &[Claim], notes: &[Note], period: Period, config: &Config) -> AuditTables {
    let mut c = (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    for Claim(id, patient, date, dx, cpts) in claims {
        let dx = crate::ingest::parse::normalize_dx_list(lit(*dx));
        let dx = df!("x" => [0])
            .unwrap()
            .lazy()
            .select([dx.alias("dx")])
            .collect()
            .unwrap();
        let dx = dx
            .column("dx")
            .unwrap()
            .str()
            .unwrap()
            .get(0)
            .unwrap()
            .to_string();
        let cpts: &[&str] = if cpts.is_empty() { &["97110"] } else { cpts };
        for (i, cpt) in cpts.iter().enumerate() {
            c.0.push(id.to_string());
            c.1.push(i as i32 + 1);
            c.2.push(patient.to_string());
            c.3.push(day(date));
            c.4.push(cpt.to_string());
            c.5.push(dx.clone());
            c.6.push(10_000i64);
        }
    }
    let n = c.0.len();
    let claims = df!(
        "claim_id" => c.0, "line_number" => c.1, "patient_id" => c.2, "provider_id" => vec!["D1"; n],
        "service_date" => c.3, "cpt_code" => c.4, "modifiers" => vec![None::<&str>; n], "units" => vec![1i32; n],
        "charge_cents" => c.6, "paid_cents" => vec![None::<i64>; n], "payer" => vec!["MEDICARE"; n],
        "dx_codes" => c.5, "dx_pointers" => vec![None::<&str>; n],
    )
    .unwrap();
    let m = notes.len();
    let notes = df!(
        "note_id" => notes.iter().map(|n| n.0).collect::<Vec<_>>(),
        "patient_id" => notes.iter().map(|n| n.1).collect::<Vec<_>>(),
        "note_date" => notes.iter().map(|n| day(n.2)).collect::<Vec<_>>(),
        "note_type" => vec![None::<&str>; m],
        "claim_id" => notes.iter().map(|n| (!n.3.is_empty()).then_some(n.3)).collect::<Vec<_>>(),
        "provider_id" => vec![None::<&str>; m],
        "text" => notes.iter().map(|n| n.4).collect::<Vec<_>>(),
    )
    .unwrap();
    let facts = note_facts(notes.clone().lazy(), &config.evidence)
        .collect()
        .unwrap();
    AuditTables::build(claims, notes, facts, period).unwrap()
}

/// Claims flagged by `check`, sorted.
pub fn flagged_with(
    check: &str,
    claims: &[Claim],
    notes: &[Note],
    period: Period,
    config: &Config,
) -> Vec<String> {
    let t = tables(claims, notes, period, config);
    let ctx = CheckContext::new(&t, config).unwrap();
    let checks: Vec<_> = registry().into_iter().filter(|c| c.id == check).collect();
    assert_eq!(checks.len(), 1, "unknown check {check}");
    let f = run_all(&ctx, &checks).unwrap();
    let mut ids: Vec<String> = f
        .column("claim_id")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|s| s.unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

pub fn flagged(check: &str, claims: &[Claim], notes: &[Note]) -> Vec<String> {
    flagged_with(check, claims, notes, Period::ALL, &Config::default())
}

/// Evidence of the one finding of `check` on `claim`.
pub fn evidence(check: &str, claims: &[Claim], notes: &[Note], claim: &str) -> String {
    let config = Config::default();
    let t = tables(claims, notes, Period::ALL, &config);
    let ctx = CheckContext::new(&t, &config).unwrap();
    let checks: Vec<_> = registry().into_iter().filter(|c| c.id == check).collect();
    let f = run_all(&ctx, &checks).unwrap();
    let f = f
        .lazy()
        .filter(col("claim_id").eq(lit(claim)))
        .collect()
        .unwrap();
    assert_eq!(f.height(), 1, "one finding expected for {claim}");
    f.column("evidence")
        .unwrap()
        .str()
        .unwrap()
        .get(0)
        .unwrap()
        .to_string()
}

const GRADED: &str = "Quadriceps 4/5 bilaterally.";

fn ids(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn neuro_dx_mismatch_any_spelling_of_m6281() {
    let claims = [
        Claim("C1", "P1", "2026-01-05", "M62.81;G20", &[]),
        Claim("C2", "P1", "2026-01-06", "m62.81 ; I69.351", &[]),
        Claim("C3", "P1", "2026-01-07", "G35.A,M6281", &[]),
        Claim("C4", "P1", "2026-01-08", "M62.81;M62.84", &[]),
        Claim("C5", "P1", "2026-01-09", "R53.1;G20", &[]),
        Claim("C6", "P1", "2026-01-10", "M62.81;I63.9", &[]),
        Claim("C7", "P1", "2026-01-11", "M62.81;I10", &[]),
    ];
    assert_eq!(
        flagged("m6281-neuro-dx-mismatch", &claims, &[]),
        ids(&["C1", "C2", "C3", "C6"])
    );
    assert_eq!(
        evidence("m6281-neuro-dx-mismatch", &claims, &[], "C3"),
        "M62.81 (dx 2) with neurological code G35.A (dx 1)"
    );
}

#[test]
fn no_strength_exam_365_day_boundary() {
    let claims = [
        Claim("C1", "P1", "2026-03-02", "M62.81", &[]),
        Claim("C2", "P2", "2026-03-02", "M62.81", &[]),
        Claim("C3", "P3", "2026-03-02", "M62.81", &[]),
        Claim("C4", "P4", "2026-03-02", "M62.81", &[]),
        Claim("C5", "P5", "2026-03-02", "R53.1", &[]),
        Claim("C6", "P6", "2026-03-02", "M62.81", &[]),
    ];
    let notes = [
        Note("N1", "P1", "2025-03-02", "", GRADED), // exactly 365 days: counts
        Note("N2", "P2", "2025-03-01", "", GRADED), // 366 days: too old
        Note("N3", "P3", "2026-03-02", "", "Seen 3/5/2026, pain 5/10."), // look-alikes only
        Note("N4", "P4", "2026-03-03", "", GRADED), // after the visit
        Note("N6", "P6", "2026-03-02", "", "MMT: hip abductors 3+"),
    ];
    assert_eq!(
        flagged("m6281-no-strength-exam", &claims, &notes),
        ids(&["C2", "C3", "C4"])
    );
    assert_eq!(
        evidence("m6281-no-strength-exam", &claims, &notes, "C2"),
        "no strength measurement in notes dated 2025-03-02..2026-03-02; latest before: 2025-03-01 (note N2)"
    );
}

/// A patient measured on `measured`, then M62.81 visits on the given dates.
fn episode(dates: &[&'static str]) -> Vec<Claim> {
    const IDS: [&str; 16] = [
        "V01", "V02", "V03", "V04", "V05", "V06", "V07", "V08", "V09", "V10", "V11", "V12", "V13",
        "V14", "V15", "V16",
    ];
    dates
        .iter()
        .enumerate()
        .map(|(i, d)| Claim(IDS[i], "P1", d, "M62.81", &[]))
        .collect()
}

const ELEVEN_DATES: [&str; 11] = [
    "2026-01-06",
    "2026-01-08",
    "2026-01-13",
    "2026-01-15",
    "2026-01-20",
    "2026-01-22",
    "2026-01-27",
    "2026-01-29",
    "2026-02-03",
    "2026-02-05",
    "2026-02-10",
];

#[test]
fn no_reassessment_ten_vs_eleven_visits() {
    let notes = [Note("N1", "P1", "2026-01-05", "", GRADED)];
    let claims = episode(&ELEVEN_DATES);
    // The 11th visit after the measurement is flagged; the 10th is not.
    assert_eq!(
        flagged("m6281-no-reassessment", &claims, &notes),
        ids(&["V11"])
    );
    assert!(
        evidence("m6281-no-reassessment", &claims, &notes, "V11").starts_with(
            "M62.81 visit no. 11 since the strength measurement of 2026-01-05 (note N1), 36 days"
        )
    );
    // A visit on the measurement's own date does not count as after it.
    let mut with_same_day = vec![Claim("V00", "P1", "2026-01-05", "M62.81", &[])];
    with_same_day.extend(episode(&ELEVEN_DATES[..10]));
    assert!(flagged("m6281-no-reassessment", &with_same_day, &notes).is_empty());
    // A new measurement resets the count.
    let notes2 = [
        Note("N1", "P1", "2026-01-05", "", GRADED),
        Note("N2", "P1", "2026-02-05", "", "MRC grade 4 hip flexors"),
    ];
    assert!(flagged("m6281-no-reassessment", &claims, &notes2).is_empty());
}

#[test]
fn no_reassessment_90_vs_91_days_and_min_visits() {
    let notes = [Note("N1", "P1", "2026-01-01", "", GRADED)];
    // Six visits; the last is exactly 90 days after the measurement: not flagged.
    let six = episode(&[
        "2026-01-02",
        "2026-01-09",
        "2026-01-16",
        "2026-01-23",
        "2026-01-30",
        "2026-04-01",
    ]);
    assert!(flagged("m6281-no-reassessment", &six, &notes).is_empty());
    // 91 days: flagged.
    let six91 = episode(&[
        "2026-01-02",
        "2026-01-09",
        "2026-01-16",
        "2026-01-23",
        "2026-01-30",
        "2026-04-02",
    ]);
    assert_eq!(
        flagged("m6281-no-reassessment", &six91, &notes),
        ids(&["V06"])
    );
    // Only five visits: the patient is not considered.
    let five = episode(&[
        "2026-01-02",
        "2026-01-09",
        "2026-01-16",
        "2026-01-23",
        "2026-04-02",
    ]);
    assert!(flagged("m6281-no-reassessment", &five, &notes).is_empty());
    // Six visits, but only five inside the audit period: not considered.
    let period = Period {
        from: Some(day("2026-01-05")),
        to: Some(day("2026-12-31")),
    };
    assert!(
        flagged_with(
            "m6281-no-reassessment",
            &six91,
            &notes,
            period,
            &Config::default()
        )
        .is_empty()
    );
}

#[test]
fn no_reassessment_leaves_no_strength_exam_visits_alone() {
    // Measured 2025-01-01: every visit in 2026 is more than 365 days later,
    // so m6281-no-strength-exam flags them and this check must not.
    let notes = [Note("N1", "P1", "2025-01-01", "", GRADED)];
    let claims = episode(&ELEVEN_DATES);
    assert!(flagged("m6281-no-reassessment", &claims, &notes).is_empty());
    assert_eq!(flagged("m6281-no-strength-exam", &claims, &notes).len(), 11);
}

#[test]
fn primary_with_specific() {
    let claims = [
        Claim("C1", "P1", "2026-01-05", "M62.81;Z96.651", &[]),
        Claim("C2", "P1", "2026-01-06", "Z96.651;M62.81", &[]),
        Claim("C3", "P1", "2026-01-07", "M6281;I50.9", &[]),
        Claim("C4", "P1", "2026-01-08", "M62.81;M62.50", &[]),
        Claim("C5", "P1", "2026-01-09", "M62.81;R26.89", &[]),
        Claim("C6", "P1", "2026-01-10", "M62.81;M33.10", &[]),
        Claim("C7", "P1", "2026-01-11", "M62.81;G20", &[]),
        Claim("C8", "P1", "2026-01-12", "M62.81;M35.30", &[]),
        Claim("C9", "P1", "2026-01-13", "M62.81;M35.1", &[]),
    ];
    assert_eq!(
        flagged("m6281-primary-with-specific", &claims, &[]),
        ids(&["C1", "C3", "C4", "C6", "C7", "C8"])
    );
}

#[test]
fn neuro_cpt_needs_a_supporting_distinction() {
    let claims = [
        Claim("C1", "P1", "2026-01-05", "M62.81", &["97110", "95886"]),
        Claim("C2", "P2", "2026-01-05", "M62.81", &["95910"]),
        Claim("C3", "P3", "2026-01-05", "M62.81", &["95831"]),
        Claim("C4", "P4", "2026-01-05", "M62.81", &["95886"]),
        Claim("C5", "P5", "2026-01-05", "R53.1", &["95886"]),
        Claim("C6", "P6", "2026-01-05", "M62.81", &["95830", "95914"]),
        Claim("C7", "P7", "2026-01-05", "M62.81", &["95860"]),
    ];
    let notes = [
        Note(
            "N1",
            "P1",
            "2026-01-05",
            "C1",
            "Cannot exclude radiculopathy.",
        ),
        Note(
            "N2",
            "P2",
            "2026-01-05",
            "",
            "EMG/NCS within normal limits.",
        ), // supports by patient and date
        Note("N3", "P3", "2026-01-04", "", "Neuro exam normal."), // other date: does not support
        Note(
            "N4",
            "P4",
            "2026-01-05",
            "C4",
            "Neurological cause not ruled out.",
        ),
        Note("N5", "P4", "2026-01-05", "CX", "No evidence of neuropathy."), // another claim's note
        Note(
            "N7",
            "P7",
            "2026-01-05",
            "C7",
            "Weakness is myogenic, not neurogenic.",
        ),
    ];
    assert_eq!(
        flagged("m6281-neuro-cpt-undistinguished", &claims, &notes),
        ids(&["C1", "C3", "C4"])
    );
    assert_eq!(
        evidence("m6281-neuro-cpt-undistinguished", &claims, &notes, "C1"),
        "neuromuscular evaluation on line 2 (CPT 95886); notes read: N1; none distinguishes musculoskeletal from neurological weakness"
    );
    assert_eq!(
        evidence("m6281-neuro-cpt-undistinguished", &claims, &notes, "C3"),
        "neuromuscular evaluation on line 1 (CPT 95831); no note supports the claim"
    );
}

#[test]
fn r531_specificity() {
    let claims = [
        Claim("C1", "P1", "2026-01-05", "R53.1", &[]),
        Claim("C2", "P2", "2026-01-05", "R53.1", &[]),
        Claim("C3", "P3", "2026-01-05", "R53.1;G62.9", &[]),
        Claim("C4", "P4", "2026-01-05", "R53.1;M62.81", &[]),
        Claim("C5", "P5", "2026-01-05", "R53.1", &[]),
        Claim("C6", "P6", "2026-01-05", "r531", &[]),
    ];
    let text = "Quads 4-/5. Weakness due to deconditioning after hospital stay.";
    let notes = [
        Note("N1", "P1", "2026-01-05", "C1", text),
        Note(
            "N2",
            "P2",
            "2026-01-05",
            "C2",
            "Quads 4-/5. No atrophy; not deconditioned.",
        ),
        Note("N3", "P3", "2026-01-05", "C3", text),
        Note("N4", "P4", "2026-01-05", "C4", text),
        Note("N5", "P5", "2026-01-04", "", text), // not supporting (other date)
        Note(
            "N6",
            "P6",
            "2026-01-05",
            "",
            "MMT: 4. Status post right TKA.",
        ),
    ];
    assert_eq!(
        flagged("r531-specificity", &claims, &notes),
        ids(&["C1", "C6"])
    );
}

#[test]
fn findings_are_limited_to_the_period() {
    let claims = [
        Claim("C1", "P1", "2026-01-31", "M62.81;G20", &[]),
        Claim("C2", "P1", "2026-02-01", "M62.81;G20", &[]),
    ];
    let period = Period {
        from: Some(day("2026-02-01")),
        to: Some(day("2026-02-28")),
    };
    assert_eq!(
        flagged_with(
            "m6281-neuro-dx-mismatch",
            &claims,
            &[],
            period,
            &Config::default()
        ),
        ids(&["C2"])
    );
}

#[test]
fn config_thresholds_apply() {
    let notes = [Note("N1", "P1", "2026-01-05", "", GRADED)];
    let claims = episode(&ELEVEN_DATES);
    let mut config = Config::default();
    config.thresholds.reassessment_max_visits = 9;
    assert_eq!(
        flagged_with(
            "m6281-no-reassessment",
            &claims,
            &notes,
            Period::ALL,
            &config
        ),
        ids(&["V10", "V11"])
    );
}

#[test]
fn excludes1_conflicts_from_the_tabular_list() {
    let claims = [
        Claim("C1", "P1", "2026-01-05", "M62.81;M62.84", &[]), // featured pair
        Claim("C2", "P1", "2026-01-06", "M6281;M33.10", &[]),  // block note M60-M63 cites M33.-
        Claim("C3", "P1", "2026-01-07", "m62.81|M32.9", &[]),  // block note cites M32.- (lupus)
        Claim("C4", "P1", "2026-01-08", "M62.81;M62.50", &[]), // no Excludes1 between them
        Claim("C5", "P1", "2026-01-09", "M62.81;M62.81", &[]), // the same code twice
        Claim("C6", "P1", "2026-01-10", "M62.84;R26.89", &[]),
    ];
    assert_eq!(
        flagged("excludes1-conflict", &claims, &[]),
        ids(&["C1", "C2", "C3"])
    );
    let ev = evidence("excludes1-conflict", &claims, &[], "C1");
    assert!(
        ev.starts_with("M62.81 (dx 1) and M62.84 (dx 2): Excludes1 note at M62.81 cites M62.84"),
        "{ev}"
    );
    let ev = evidence("excludes1-conflict", &claims, &[], "C2");
    assert!(
        ev.contains("M33.10 (dx 2)") && ev.contains("M60-M63"),
        "{ev}"
    );
}

#[test]
fn dx_invalid_judges_by_the_code_set_of_the_service_date() {
    let claims = [
        Claim("C1", "P1", "2026-03-02", "M62.8", &[]), // header
        Claim("C2", "P1", "2021-09-30", "M54.5", &[]), // last day valid
        Claim("C3", "P1", "2021-10-01", "M54.5", &[]), // deleted FY2022
        Claim("C4", "P1", "2025-09-30", "G35", &[]),   // last day valid
        Claim("C5", "P1", "2025-10-01", "G35", &[]),   // expanded FY2026
        Claim("C6", "P1", "2016-09-30", "M62.84", &[]), // not yet valid
        Claim("C7", "P1", "2016-10-01", "M62.84", &[]), // valid from FY2017
        Claim("C8", "P1", "2026-03-02", "M62.81;Z99.99", &[]), // unknown but well formed
        Claim("C9", "P1", "2014-06-01", "M62.81", &[]), // before ICD-10: judged as FY2016
        Claim("C10", "P1", "2026-03-02", "m6281;r53.1", &[]),
    ];
    assert_eq!(
        flagged("dx-invalid", &claims, &[]),
        ids(&["C1", "C3", "C5", "C6", "C8"])
    );
    assert_eq!(
        evidence("dx-invalid", &claims, &[], "C1"),
        "M62.8 (dx 1) is not billable on 2026-03-02 (FY2026 code set): a category header with codes below it"
    );
    let ev = evidence("dx-invalid", &claims, &[], "C3");
    assert!(ev.contains("M54.5 (dx 1) is not billable on 2021-10-01 (FY2022 code set): no longer valid after 2021-09-30"), "{ev}");
    let ev = evidence("dx-invalid", &claims, &[], "C8");
    assert!(
        ev.contains("Z99.99 (dx 2)") && ev.contains("not a code of ICD-10-CM"),
        "{ev}"
    );
}
