//! Property tests of the parsers that meet untrusted text: dates, amounts,
//! diagnosis lists, note text (grades, negation), the mapping and config
//! files, the CSV/NDJSON diagnosis and the encoding check. They call the
//! library on generated strings and assert no panic and sane results; a
//! timing test checks that long pathological notes cost linear time.

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use polars::prelude::*;
use proptest::prelude::*;
use proptest::test_runner::Config as PtConfig;

use claims_audit::config::Config;
use claims_audit::evidence::note_facts;
use claims_audit::ingest::Mapping;
use claims_audit::ingest::parse::{normalize_dx_list, parse_cents, parse_date};
use claims_audit::ingest::sources::{TextCheck, diagnose_csv, diagnose_ndjson};

fn config(cases: u32) -> PtConfig {
    PtConfig {
        cases,
        failure_persistence: None,
        ..PtConfig::default()
    }
}

/// Applies `f` to a column of `values` and returns the result.
fn eval(values: &[String], f: impl Fn(Expr) -> Expr) -> Series {
    let df = df!("raw" => values).unwrap();
    df.lazy()
        .select([f(col("raw")).alias("out")])
        .collect()
        .unwrap()
        .column("out")
        .unwrap()
        .as_materialized_series()
        .clone()
}

fn dates(values: &[String]) -> Vec<Option<NaiveDate>> {
    let s = eval(values, parse_date);
    s.date().unwrap().as_date_iter().collect()
}

fn cents(values: &[String]) -> Vec<Option<i64>> {
    eval(values, parse_cents).i64().unwrap().iter().collect()
}

fn texts(s: &Series) -> Vec<Option<String>> {
    s.str()
        .unwrap()
        .iter()
        .map(|v| v.map(|v| v.to_string()))
        .collect()
}

/// Any text, weighted towards what parsers trip on.
fn nasty() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,40}",
        "[0-9/ .,$+-]{0,16}",
        "[0-9]{1,4}[-/][0-9]{1,2}[-/][0-9]{1,4}",
        "[ -~]{0,30}",
        Just(String::new()),
        Just("\u{feff}2026-01-05".to_string()),
        Just("２０２６-０１-０５".to_string()),
    ]
}

fn valid_date() -> impl Strategy<Value = NaiveDate> {
    (1900i32..=2100, 1u32..=12, 1u32..=31)
        .prop_filter_map("a real day", |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
}

fn with_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn dates_parse_both_spellings(ds in prop::collection::vec(valid_date(), 1..20), pad in any::<bool>()) {
        let mut raw = Vec::new();
        for d in &ds {
            raw.push(d.format("%Y-%m-%d").to_string());
            raw.push(if pad { d.format("%m/%d/%Y").to_string() } else { d.format("%-m/%-d/%Y").to_string() });
        }
        let got = dates(&raw);
        for (i, d) in ds.iter().enumerate() {
            prop_assert_eq!(got[2 * i], Some(*d));
            prop_assert_eq!(got[2 * i + 1], Some(*d));
        }
    }

    #[test]
    fn any_text_as_a_date_is_a_real_date_or_nothing(raw in prop::collection::vec(nasty(), 1..30)) {
        let got = dates(&raw);
        for (text, d) in raw.iter().zip(got) {
            if let Some(d) = d {
                let iso = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
                let us = NaiveDate::parse_from_str(text, "%m/%d/%Y").ok();
                prop_assert!(iso == Some(d) || us == Some(d), "{text:?} -> {d}");
            }
        }
    }

    #[test]
    fn amounts_parse_with_signs_and_separators(values in prop::collection::vec(0u64..100_000_000_000, 1..20)) {
        let mut raw = Vec::new();
        for v in &values {
            let (whole, frac) = (v / 100, v % 100);
            raw.push(format!("{whole}.{frac:02}"));
            raw.push(format!("${}.{frac:02}", with_thousands(whole)));
            raw.push(format!("$ {}.{frac:02}", with_thousands(whole)));
        }
        let got = cents(&raw);
        for (i, v) in values.iter().enumerate() {
            for k in 0..3 {
                prop_assert_eq!(got[3 * i + k], Some(*v as i64), "{:?}", raw[3 * i + k]);
            }
        }
    }

    #[test]
    fn any_text_as_an_amount_is_a_number_it_spells_or_nothing(raw in prop::collection::vec(nasty(), 1..30)) {
        let got = cents(&raw);
        for (text, c) in raw.iter().zip(got) {
            if let Some(c) = c {
                let cleaned: String = text.chars().filter(|ch| !matches!(ch, '$' | ',') && !ch.is_whitespace()).collect();
                let v: f64 = cleaned.parse().map_err(|_| TestCaseError::fail(format!("{text:?} parsed")))?;
                prop_assert_eq!((v * 100.0).round() as i64, c, "{:?}", text);
            }
        }
    }

    #[test]
    fn diagnosis_lists_normalise_to_their_codes(
        lists in prop::collection::vec(
            prop::collection::vec(("[A-Z][0-9][0-9A-Z]", "[0-9A-Z]{0,4}", any::<bool>(), any::<bool>()), 1..6),
            1..10),
        sep in prop::sample::select(vec![";", ",", "|", " ", " ; ", ",  "]),
    ) {
        let mut raw = Vec::new();
        let mut expected = Vec::new();
        for codes in &lists {
            let mut spelled = Vec::new();
            let mut norm = Vec::new();
            for (head, tail, dot, lower) in codes {
                let mut s = if *dot && !tail.is_empty() { format!("{head}.{tail}") } else { format!("{head}{tail}") };
                if *lower { s = s.to_lowercase(); }
                spelled.push(s);
                norm.push(format!("{head}{tail}"));
            }
            raw.push(format!(" {} ", spelled.join(sep)));
            expected.push(norm.join(";"));
        }
        let got = texts(&eval(&raw, |e| normalize_dx_list(e.str().strip_chars(lit(LiteralValue::untyped_null())))));
        for (g, e) in got.iter().zip(expected) {
            prop_assert_eq!(g.as_deref(), Some(e.as_str()));
        }
    }

    #[test]
    fn any_text_as_a_diagnosis_list_never_fails(raw in prop::collection::vec(nasty(), 1..30)) {
        let got = texts(&eval(&raw, normalize_dx_list));
        for g in got.into_iter().flatten() {
            prop_assert!(!g.contains(['.', ',', '|', ' ']), "{g:?}");
        }
    }
}

/// Fragments that exercise the evidence patterns and their masks.
fn note_text() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        "\\PC{0,30}",
        "[a-z ]{0,20}",
        prop::sample::select(vec![
            "MMT ",
            "MRC grade ",
            "manual muscle testing: ",
            "4/5",
            "3+/5",
            "5-",
            "0",
            "?",
            ". ",
            "; ",
            "\n",
            "no ",
            "not ruled out",
            "ruled out",
            "neuropathy",
            "EMG/NCS",
            "within normal limits",
            "possible ",
            "rule out ",
            "s/p TKA",
            "status post ",
            "deconditioning",
            "no atrophy",
            "visit 3/5",
            "2/5 visits",
            "3/5/2026",
            "L4/5",
            "5/10",
            "é",
            "ß",
            "日本",
            "\u{0}",
            "\\",
            "(",
            "[",
            "$1",
            "\r\n",
        ])
        .prop_map(|s| s.to_string()),
    ];
    prop::collection::vec(fragment, 0..40).prop_map(|v| v.concat())
}

fn facts(texts: &[String]) -> DataFrame {
    let n = texts.len();
    let notes = df!(
        "note_id" => (0..n).map(|i| format!("N{i}")).collect::<Vec<_>>(),
        "patient_id" => vec!["P"; n],
        "note_date" => vec![NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(); n],
        "claim_id" => vec![None::<&str>; n],
        "note_type" => vec![None::<&str>; n],
        "provider_id" => vec![None::<&str>; n],
        "text" => texts.to_vec(),
    )
    .unwrap();
    note_facts(notes.lazy(), &Config::default().evidence)
        .collect()
        .unwrap()
}

proptest! {
    #![proptest_config(config(32))]

    #[test]
    fn note_facts_never_fail_and_grades_carry_no_free_text(texts in prop::collection::vec(note_text(), 1..16)) {
        let f = facts(&texts);
        prop_assert_eq!(f.height(), texts.len());
        let token = regex::Regex::new(r"^(?:(?:MRC|MMT) )?[0-5][+-]?(?:/5)?$|^graded$").unwrap();
        let grades = texts_of(&f, "grades");
        let has = f.column("has_strength_grade").unwrap().bool().unwrap().clone();
        for (i, g) in grades.iter().enumerate() {
            let g = g.clone().unwrap_or_default();
            let tokens: Vec<&str> = if g.is_empty() { vec![] } else { g.split("; ").collect() };
            prop_assert!(tokens.len() <= claims_audit::evidence::MAX_GRADES);
            for t in &tokens {
                prop_assert!(token.is_match(t), "token {t:?} from {:?}", texts[i]);
            }
            prop_assert_eq!(has.get(i), Some(!tokens.is_empty()));
            if !texts[i].chars().any(|c| c.is_ascii_digit()) {
                prop_assert_eq!(has.get(i), Some(false), "{:?}", texts[i]);
            }
        }
    }

    #[test]
    fn a_plain_grade_between_sentences_is_always_found(
        before in "[a-z ]{0,40}", after in "[a-z ]{0,40}", grade in prop::sample::select(vec!["0/5", "3/5", "4+/5", "4-/5", "5/5"]),
    ) {
        let text = format!("{before}. Quadriceps {grade} today. {after}");
        let f = facts(&[text.clone()]);
        let g = texts_of(&f, "grades")[0].clone().unwrap_or_default();
        prop_assert_eq!(g, grade.to_string(), "{:?}", text);
    }

    #[test]
    fn config_and_mapping_text_never_panics(text in prop_oneof![
        "\\PC{0,200}",
        "(\\[(thresholds|codes|evidence|claims|notes)\\]\n)?([a-z_]{1,24} = (\"[^\"\n]{0,12}\"|-?[0-9]{1,6}|\\[('[^'\n]{0,10}',? ?){0,3}\\])\n){0,4}",
    ]) {
        if let Ok(c) = Config::from_toml_str(&text, None) {
            // Whatever loads is valid: every pattern compiles.
            for (_, list) in c.evidence.lists() {
                for p in list {
                    let pattern = format!("(?i){p}");
                    prop_assert!(regex::Regex::new(&pattern).is_ok(), "{}", pattern);
                }
            }
        }
        let _ = Mapping::from_toml_str(&text, "mapping.toml");
    }

    #[test]
    fn csv_and_ndjson_diagnosis_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..400), text in "[\",\n\r a{}\\[\\]:]{0,200}") {
        let _ = diagnose_csv(&bytes);
        let _ = diagnose_ndjson(&bytes);
        let _ = diagnose_csv(text.as_bytes());
        let _ = diagnose_ndjson(text.as_bytes());
    }

    #[test]
    fn encoding_check_finds_the_first_fault_whatever_the_chunks(
        bytes in prop::collection::vec(prop_oneof![any::<u8>(), 0x20u8..0x7f, Just(0xC3u8), Just(0xA9u8)], 0..300),
        cuts in prop::collection::vec(0usize..300, 0..6),
    ) {
        let mut whole = TextCheck::default();
        whole.update(&bytes);
        whole.finish();
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(bytes.len())).collect();
        cuts.sort();
        let mut chunked = TextCheck::default();
        let mut start = 0;
        for c in cuts.into_iter().chain([bytes.len()]) {
            chunked.update(&bytes[start..c]);
            start = c;
        }
        chunked.finish();
        prop_assert_eq!(whole.fault.map(|f| f.0), chunked.fault.map(|f| f.0));
        // The fault is where std sees it.
        let utf8_fault = std::str::from_utf8(&bytes).err().map(|e| e.valid_up_to() as u64);
        let nul = bytes.iter().position(|&b| b == 0).map(|p| p as u64);
        let bom = (bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF])).then_some(0u64);
        let expected = bom.or(match (utf8_fault, nul) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        });
        prop_assert_eq!(whole.fault.map(|f| f.0), expected);
    }

    #[test]
    fn error_messages_lose_what_was_quoted(value in "[a-zA-Z0-9 ]{6,40}") {
        let msg = format!("could not parse `{value}` as dtype `str` at column 'text'\nhint");
        let safe = claims_audit::error::safe_message(&msg);
        prop_assert!(!safe.contains(&value), "{safe}");
        prop_assert!(!safe.contains('\n'));
        prop_assert!(safe.contains("column 'text'"));
    }
}

fn texts_of(df: &DataFrame, name: &str) -> Vec<Option<String>> {
    texts(df.column(name).unwrap().as_materialized_series())
}

/// Time of the evidence pass over one note of `len` bytes of `unit` repeated.
fn time_note(unit: &str, len: usize) -> Duration {
    let mut text = String::with_capacity(len + unit.len());
    while text.len() < len {
        text.push_str(unit);
    }
    let start = Instant::now();
    let f = facts(&[text]);
    assert_eq!(f.height(), 1);
    start.elapsed()
}

#[test]
fn long_pathological_notes_cost_linear_time() {
    // Patterns that would make a backtracking engine, or a search restarted
    // at every match, blow up: keywords with no grade after them, masks that
    // almost match, negations that never close, non-ASCII text (which makes
    // the regex engine leave its fast DFA for a slower, still linear, one).
    let units = [
        "MMT hip abductors ",
        "quads 4/5, ",
        "no evidence of possible rule out ",
        "1 2/5 visit 3 L4/5 s/p ",
        "neuropathy not ruled out ",
        "Kraft é MMT ",
        "?",
    ];
    let mut report = Vec::new();
    for unit in units {
        let small = time_note(unit, 100_000);
        let large = time_note(unit, 1_000_000);
        let ratio = large.as_secs_f64() / small.as_secs_f64().max(0.02);
        report.push(format!(
            "{unit:?}: 100 KB {small:.2?}, 1 MB {large:.2?}, ratio {ratio:.1}"
        ));
        // Linear is 10x; quadratic would be 100x. Loose, for a busy machine.
        assert!(ratio < 50.0, "not linear: {}", report.join("\n"));
        assert!(large < Duration::from_secs(180), "{}", report.join("\n"));
    }
    eprintln!(
        "evidence pass timings (debug build):\n{}",
        report.join("\n")
    );
}
