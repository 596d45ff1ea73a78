//! Excludes1 notes of the FY2026 Tabular List and the pair-conflict engine
//! behind the `excludes1-conflict` check.
//!
//! A rule is (owner, cited, note). The owner is where the note is written: a
//! code (the note applies to it and every code below it) or a block/chapter
//! range such as `M60-M63` / `A00-B99` (it applies to every code whose
//! category lies in the range). The cited spec covers a code and everything
//! below it (`M62.84`, `M79.1-`, `M33.-`, the quirk `D29.2.-`) or an inclusive
//! range (`A04.0-A04.4`, `I21.0-I21.B`). Two codes conflict when a rule's
//! owner covers one and its cited spec covers the other.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::code_set::{gunzip, norm, normalize_code};

/// Excludes1 table: code (owner, as written), excluded (cited, as written), note.
static EXCLUDES1_TSV_GZ: &[u8] = include_bytes!("data/icd10cm_excludes1.tsv.gz");

/// Two codes of one claim that an Excludes1 note says must not be coded
/// together, with the rule that says so.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Conflict {
    /// The smaller of the two normalised codes.
    pub a: String,
    /// The larger of the two normalised codes.
    pub b: String,
    /// Where the note is written, as in the Tabular: `"M62.81"` or `"M60-M63"`.
    pub note_owner: String,
    /// The code or range the note cites, as written: `"M62.84"`, `"M33.-"`.
    pub cited: String,
    /// The note text, e.g. `"muscle weakness in sarcopenia (M62.84)"`.
    pub note: String,
}

/// What a citation covers, on normalised codes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Cited {
    /// The code and every code below it.
    Prefix(String),
    /// Inclusive range: `c` is covered when `lo <= c[..len(lo)]` and
    /// `c[..len(hi)] <= hi` (truncated to `c`'s length when shorter), so a
    /// range's end point covers its own children (`I21.0-I21.B` covers I21.B1).
    Range(String, String),
}

impl Cited {
    fn parse(raw: &str) -> Option<Cited> {
        // `M79.1-`, `M33.-`, `D29.2.-`: the trailing dash (and dot) only says
        // "and below"; a prefix match says the same.
        let clean = |s: &str| normalize_code(s.trim().trim_end_matches('-'));
        let body = raw.trim().trim_end_matches('-');
        let spec = match body.split_once('-') {
            Some((lo, hi)) => Cited::Range(clean(lo), clean(hi)),
            None => Cited::Prefix(clean(body)),
        };
        match &spec {
            Cited::Prefix(p) if p.len() >= 3 && p.is_ascii() => Some(spec),
            Cited::Range(lo, hi)
                if lo.len() >= 3 && hi.len() >= 3 && lo.is_ascii() && hi.is_ascii() =>
            {
                Some(spec)
            }
            _ => None,
        }
    }

    fn covers(&self, code: &str) -> bool {
        match self {
            Cited::Prefix(p) => code.starts_with(p.as_str()),
            Cited::Range(lo, hi) => at_least(code, lo) && trunc(code, hi.len()) <= hi.as_str(),
        }
    }

    /// The covered codes of a sorted, deduplicated slice form one contiguous
    /// run (both bounds are monotone in code order): find it by binary search.
    fn covered_range(&self, sorted: &[String]) -> std::ops::Range<usize> {
        match self {
            Cited::Prefix(p) => {
                let start = sorted.partition_point(|c| c.as_str() < p.as_str());
                let len = sorted[start..].partition_point(|c| c.starts_with(p.as_str()));
                start..start + len
            }
            Cited::Range(lo, hi) => {
                let start = sorted.partition_point(|c| !at_least(c, lo));
                let end = sorted.partition_point(|c| trunc(c, hi.len()) <= hi.as_str());
                start..end.max(start)
            }
        }
    }
}

/// `lo <= code[..len(lo)]`, which for strings is the same as `lo <= code`.
fn at_least(code: &str, lo: &str) -> bool {
    code >= lo
}

/// The first `n` bytes of a code (all of it when shorter). Codes here are
/// ASCII; a non-ASCII code is never looked up (see `owner_rules`).
fn trunc(code: &str, n: usize) -> &str {
    if code.len() <= n {
        code
    } else {
        code.get(..n).unwrap_or(code)
    }
}

#[derive(Debug, Clone)]
struct Rule {
    owner: String,
    cited_raw: String,
    note: String,
    cited: Cited,
}

/// The embedded Excludes1 notes (FY2026, used for every date of service).
/// Get it with [`Excludes1::embedded`].
pub struct Excludes1 {
    /// Rules in table order (rows with no cited code dropped).
    rules: Vec<Rule>,
    /// Normalised owner code -> indices of its rules, ascending.
    by_owner_code: HashMap<String, Vec<u32>>,
    /// Owner ranges (block or chapter) as normalised categories `lo..=hi`,
    /// with the indices of their rules. About 65 ranges: scanned linearly.
    by_owner_range: Vec<(String, String, Vec<u32>)>,
}

impl Excludes1 {
    /// The notes compiled into the binary, parsed on first call, then shared.
    pub fn embedded() -> &'static Excludes1 {
        static CELL: OnceLock<Excludes1> = OnceLock::new();
        CELL.get_or_init(|| {
            Excludes1::parse(&gunzip(EXCLUDES1_TSV_GZ))
                .expect("embedded Excludes1 table is well-formed")
        })
    }

    fn parse(text: &str) -> Result<Excludes1, String> {
        let mut rules = Vec::with_capacity(6_000);
        let mut by_owner_code: HashMap<String, Vec<u32>> = HashMap::new();
        let mut by_owner_range: Vec<(String, String, Vec<u32>)> = Vec::new();
        for (n, line) in text.lines().enumerate().skip(1) {
            if line.is_empty() {
                continue;
            }
            let bad = || format!("icd10cm_excludes1.tsv line {}: {line:?}", n + 1);
            let mut f = line.split('\t');
            let (Some(owner), Some(cited_raw), Some(note), None) =
                (f.next(), f.next(), f.next(), f.next())
            else {
                return Err(bad());
            };
            // A note that cites no code ("... - see injury of joint by body
            // region") cannot make a pair conflict.
            if cited_raw.trim().is_empty() {
                continue;
            }
            let cited = Cited::parse(cited_raw).ok_or_else(bad)?;
            let ix = rules.len() as u32;
            match owner.split_once('-') {
                Some((lo, hi)) => {
                    let (lo, hi) = (normalize_code(lo), normalize_code(hi));
                    if lo.len() != 3 || hi.len() != 3 {
                        return Err(bad());
                    }
                    match by_owner_range.iter_mut().find(|r| r.0 == lo && r.1 == hi) {
                        Some(r) => r.2.push(ix),
                        None => by_owner_range.push((lo, hi, vec![ix])),
                    }
                }
                None => {
                    let code = normalize_code(owner);
                    if code.len() < 3 || !code.is_ascii() {
                        return Err(bad());
                    }
                    by_owner_code.entry(code).or_default().push(ix);
                }
            }
            rules.push(Rule {
                owner: owner.to_string(),
                cited_raw: cited_raw.to_string(),
                note: note.to_string(),
                cited,
            });
        }
        Ok(Excludes1 {
            rules,
            by_owner_code,
            by_owner_range,
        })
    }

    /// Indices of the rules whose owner covers `code`: notes on the code and
    /// on each ancestor (prefixes of length 3..=len), and on each block or
    /// chapter range holding its category. Unsorted, no duplicates.
    fn owner_rules(&self, code: &str, out: &mut Vec<u32>) {
        out.clear();
        if code.len() < 3 || !code.is_ascii() {
            return;
        }
        for k in 3..=code.len() {
            if let Some(ixs) = self.by_owner_code.get(&code[..k]) {
                out.extend_from_slice(ixs);
            }
        }
        let cat = &code[..3];
        for (lo, hi, ixs) in &self.by_owner_range {
            if lo.as_str() <= cat && cat <= hi.as_str() {
                out.extend_from_slice(ixs);
            }
        }
    }

    fn make_conflict(&self, x: &str, y: &str, rule: u32) -> Conflict {
        let (a, b) = if x <= y { (x, y) } else { (y, x) };
        let r = &self.rules[rule as usize];
        Conflict {
            a: a.to_string(),
            b: b.to_string(),
            note_owner: r.owner.clone(),
            cited: r.cited_raw.clone(),
            note: r.note.clone(),
        }
    }

    /// The first rule (table order) by which `x` and `y` conflict, either way.
    fn first_rule(&self, x: &str, y: &str) -> Option<u32> {
        let mut buf = Vec::new();
        let mut best: Option<u32> = None;
        for (owner, other) in [(x, y), (y, x)] {
            self.owner_rules(owner, &mut buf);
            for &r in &buf {
                if self.rules[r as usize].cited.covers(other) {
                    best = Some(best.map_or(r, |b| b.min(r)));
                }
            }
        }
        best
    }

    /// The conflict between two codes, if any: some rule's owner covers one
    /// and its citation the other. The first such rule in table order is
    /// reported; `a < b` in the result whatever the argument order. A code
    /// never conflicts with itself. Codes are normalised if needed.
    pub fn conflict(&self, a: &str, b: &str) -> Option<Conflict> {
        let (a, b) = (norm(a), norm(b));
        if a == b {
            return None;
        }
        self.first_rule(&a, &b)
            .map(|r| self.make_conflict(&a, &b, r))
    }

    /// All conflicting unordered pairs among the given codes (any order;
    /// normalised if needed; duplicates ignored): one [`Conflict`] per pair,
    /// from the first rule in table order, `a < b`, sorted by `(a, b)`.
    ///
    /// Cost is about (codes x rules owning a code x log codes), not pairs x
    /// rules: each code looks up the few rules written on it, its ancestors
    /// and its block/chapter, and each rule's citation finds the covered codes
    /// in the sorted input by binary search.
    pub fn conflicts_among(&self, codes: &[String]) -> Vec<Conflict> {
        let mut sorted: Vec<String> = codes.iter().map(|c| norm(c).into_owned()).collect();
        sorted.sort_unstable();
        sorted.dedup();
        // (index of a, index of b) in `sorted`, a < b -> first rule.
        let mut best: HashMap<(u32, u32), u32> = HashMap::new();
        let mut buf = Vec::new();
        for (i, owner) in sorted.iter().enumerate() {
            self.owner_rules(owner, &mut buf);
            for &r in &buf {
                for j in self.rules[r as usize].cited.covered_range(&sorted) {
                    if j == i {
                        continue;
                    }
                    let key = (i.min(j) as u32, i.max(j) as u32);
                    best.entry(key)
                        .and_modify(|b| *b = (*b).min(r))
                        .or_insert(r);
                }
            }
        }
        let mut pairs: Vec<((u32, u32), u32)> = best.into_iter().collect();
        pairs.sort_unstable();
        pairs
            .into_iter()
            .map(|((i, j), r)| self.make_conflict(&sorted[i as usize], &sorted[j as usize], r))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::CodeSet;
    use super::*;

    fn ex() -> &'static Excludes1 {
        Excludes1::embedded()
    }

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn table_size() {
        let ex = ex();
        // 5,829 rows, 128 with no cited code (reference README).
        assert_eq!(ex.rules.len(), 5_701);
        let ranges: usize = ex.by_owner_range.iter().map(|r| r.2.len()).sum();
        let codes: usize = ex.by_owner_code.values().map(Vec::len).sum();
        assert_eq!(ranges + codes, 5_701);
    }

    #[test]
    fn cited_spec_parsing() {
        use Cited::*;
        let p = |s: &str| Prefix(s.to_string());
        let r = |a: &str, b: &str| Range(a.to_string(), b.to_string());
        assert_eq!(Cited::parse("M62.84"), Some(p("M6284")));
        assert_eq!(Cited::parse("M79.1-"), Some(p("M791")));
        assert_eq!(Cited::parse("M33.-"), Some(p("M33")));
        assert_eq!(Cited::parse("K35-"), Some(p("K35")));
        assert_eq!(Cited::parse("D29.2.-"), Some(p("D292")));
        assert_eq!(Cited::parse("A00-A09"), Some(r("A00", "A09")));
        assert_eq!(Cited::parse("I21.0-I21.B"), Some(r("I210", "I21B")));
        assert_eq!(Cited::parse("I69.01-I69.11-"), Some(r("I6901", "I6911")));
        assert_eq!(Cited::parse(""), None);
        assert_eq!(Cited::parse("-"), None);
    }

    #[test]
    fn cited_range_semantics() {
        let r = Cited::parse("I21.0-I21.B").unwrap();
        for c in ["I210", "I2101", "I2109", "I214", "I21A1", "I21B"] {
            assert!(r.covers(c), "{c}");
        }
        for c in ["I21", "I22", "I220", "I2", "I21C", "I209"] {
            assert!(!r.covers(c), "{c}");
        }
        let r = Cited::parse("A00-A09").unwrap();
        assert!(r.covers("A00") && r.covers("A000") && r.covers("A09") && r.covers("A099"));
        assert!(!r.covers("A10") && !r.covers("A0") && !r.covers("B00"));
    }

    /// The note at M62.81 itself.
    #[test]
    fn m6281_m6284_sarcopenia() {
        let c = ex().conflict("M6281", "M6284").expect("conflict");
        assert_eq!(c.a, "M6281");
        assert_eq!(c.b, "M6284");
        assert_eq!(c.note_owner, "M62.81");
        assert_eq!(c.cited, "M62.84");
        assert_eq!(c.note, "muscle weakness in sarcopenia (M62.84)");
        // Either order, dotted or not.
        assert_eq!(ex().conflict("M6284", "M6281"), Some(c.clone()));
        assert_eq!(ex().conflict("m62.84", " M62.81"), Some(c));
    }

    /// Block note of M60-M63: "dermatopolymyositis (M33.-)".
    #[test]
    fn m6281_dermatopolymyositis_via_block_note() {
        for other in ["M3310", "M33", "M3320", "M3392"] {
            let c = ex().conflict("M6281", other).expect(other);
            assert_eq!(c.note_owner, "M60-M63");
            assert_eq!(c.cited, "M33.-");
            assert_eq!(c.note, "dermatopolymyositis (M33.-)");
        }
    }

    /// Block note of M60-M63: "myopathy in systemic lupus erythematosus (M32.-)".
    #[test]
    fn m6281_lupus_via_block_note() {
        let c = ex().conflict("M329", "M6281").expect("conflict");
        assert_eq!((c.a.as_str(), c.b.as_str()), ("M329", "M6281"));
        assert_eq!(c.note_owner, "M60-M63");
        assert_eq!(c.cited, "M32.-");
        assert_eq!(c.note, "myopathy in systemic lupus erythematosus (M32.-)");
    }

    #[test]
    fn no_conflict_cases() {
        let ex = ex();
        // Both under M62; no note on M62, M62.5 or M62.8x cites the other.
        assert_eq!(ex.conflict("M6281", "M6250"), None);
        assert_eq!(ex.conflict("M6281", "M6281"), None);
        assert_eq!(ex.conflict("M62.81", "m6281"), None);
        assert_eq!(ex.conflict("M6281", "M6282"), None);
        assert_eq!(ex.conflict("M6281", "Z9999"), None);
        assert_eq!(ex.conflict("", "M6284"), None);
        assert_eq!(ex.conflict("É", "M6284"), None);
    }

    /// A note on a category applies to its children: M62 cites M79.1-.
    #[test]
    fn category_note_applies_below() {
        let c = ex().conflict("M6281", "M7910").expect("conflict");
        assert_eq!(c.note_owner, "M62");
        assert_eq!(c.cited, "M79.1-");
    }

    /// A cited inclusive range, its end point's children included.
    #[test]
    fn cited_range_rule() {
        let c = ex().conflict("I2582", "I21A1").expect("conflict");
        assert_eq!(c.note_owner, "I25.82");
        assert_eq!(c.cited, "I21.0-I21.B");
        assert!(ex().conflict("I2582", "I2101").is_some());
        assert_eq!(ex().conflict("I2582", "I2510"), None);
        assert_eq!(ex().conflict("I2582", "I23"), None);
    }

    /// The `D29.2.-` quirk is a prefix D292.
    #[test]
    fn quirk_dot_dash() {
        let c = ex().conflict("D351", "D2920").expect("conflict");
        assert_eq!(c.note_owner, "D35");
        assert_eq!(c.cited, "D29.2.-");
    }

    /// A chapter-range owner applies to every category in it: the note of
    /// chapter 20 (V00-V99) cites Y32, the note of chapter 4 (E00-E89) cites
    /// the range P70-P74, and the note of chapter 15 (O00-O9A) reaches O9A.
    #[test]
    fn chapter_range_owner() {
        let ex = ex();
        let c = ex.conflict("V0001XA", "Y32XXXA").expect("conflict");
        assert_eq!(
            (c.note_owner.as_str(), c.cited.as_str()),
            ("V00-V99", "Y32")
        );
        let c = ex.conflict("E119", "P741").expect("conflict");
        assert_eq!(
            (c.note_owner.as_str(), c.cited.as_str()),
            ("E00-E89", "P70-P74")
        );
        assert!(ex.conflict("E119", "P75").is_none());
        let c = ex.conflict("O9A111", "Z3400").expect("conflict");
        assert_eq!(
            (c.note_owner.as_str(), c.cited.as_str()),
            ("O00-O9A", "Z34.-")
        );
    }

    /// R53.1 (weakness) carries an Excludes1 note citing M62.81 itself.
    #[test]
    fn r531_excludes_m6281() {
        let c = ex().conflict("R531", "M6281").expect("conflict");
        assert_eq!((c.a.as_str(), c.b.as_str()), ("M6281", "R531"));
        assert_eq!(c.note_owner, "R53.1");
        assert_eq!(c.cited, "M62.81");
        assert_eq!(c.note, "muscle weakness (generalized) (M62.81)");
    }

    #[test]
    fn conflicts_among_featured_set() {
        let got = ex().conflicts_among(&s(&[
            "M6281", "Z9999", "M6250", "M6284", "M3310", "M329", "M6281",
        ]));
        let pairs: Vec<(&str, &str, &str)> = got
            .iter()
            .map(|c| (c.a.as_str(), c.b.as_str(), c.note_owner.as_str()))
            .collect();
        // M62.50 is in M60-M63 too, and M62.5's note cites sarcopenia.
        assert_eq!(
            pairs,
            [
                ("M329", "M6250", "M60-M63"),
                ("M329", "M6281", "M60-M63"),
                ("M329", "M6284", "M60-M63"),
                ("M3310", "M6250", "M60-M63"),
                ("M3310", "M6281", "M60-M63"),
                ("M3310", "M6284", "M60-M63"),
                ("M6250", "M6284", "M62.5"),
                ("M6281", "M6284", "M62.81"),
            ]
        );
        let lupus = &got[1];
        assert_eq!(
            lupus.note,
            "myopathy in systemic lupus erythematosus (M32.-)"
        );
        assert!(ex().conflicts_among(&[]).is_empty());
        assert!(ex().conflicts_among(&s(&["M6281"])).is_empty());
    }

    /// The indexed engine agrees with a plain scan of every rule, on a sample
    /// built from the rules themselves (a code under each sampled owner and a
    /// code each sampled citation covers), for every pair of the sample.
    #[test]
    fn conflicts_among_matches_naive_scan() {
        let ex = ex();
        let cs = CodeSet::embedded();
        let all: Vec<&str> = cs.billable_spans().iter().map(|s| s.0.as_str()).collect();
        let owners: Vec<String> = ex.rules.iter().map(|r| normalize_code(&r.owner)).collect();
        let owner_covers = |ix: usize, c: &str| match owners[ix].split_once('-') {
            Some((lo, hi)) => c.len() >= 3 && lo <= &c[..3] && &c[..3] <= hi,
            None => c.starts_with(owners[ix].as_str()),
        };
        let mut sample: Vec<String> = Vec::new();
        for (ix, r) in ex.rules.iter().enumerate().step_by(37) {
            sample.extend(
                all.iter()
                    .find(|c| owner_covers(ix, c))
                    .map(|c| c.to_string()),
            );
            sample.extend(
                all.iter()
                    .filter(|c| r.cited.covers(c))
                    .nth(1)
                    .map(|c| c.to_string()),
            );
        }
        sample.extend(s(&["M6281", "M6284", "M3310", "M329", "M6250"]));
        sample.sort();
        sample.dedup();
        let fast = ex.conflicts_among(&sample);

        // Plain scan of all rules per code (no index, no binary search): the
        // rules owning it and the rules citing it, ascending. A pair's first
        // rule is the smallest in (own a & cite b) | (own b & cite a).
        let scan = |pred: &dyn Fn(usize, &Rule) -> bool| -> Vec<u32> {
            ex.rules
                .iter()
                .enumerate()
                .filter(|&(ix, r)| pred(ix, r))
                .map(|(ix, _)| ix as u32)
                .collect()
        };
        let own: Vec<Vec<u32>> = sample
            .iter()
            .map(|c| scan(&|ix, _| owner_covers(ix, c)))
            .collect();
        let cite: Vec<Vec<u32>> = sample
            .iter()
            .map(|c| scan(&|_, r| r.cited.covers(c)))
            .collect();
        let first_common =
            |x: &[u32], y: &[u32]| x.iter().copied().find(|r| y.binary_search(r).is_ok());
        let mut naive = Vec::new();
        for i in 0..sample.len() {
            for j in i + 1..sample.len() {
                let first = [
                    first_common(&own[i], &cite[j]),
                    first_common(&own[j], &cite[i]),
                ]
                .into_iter()
                .flatten()
                .min();
                if let Some(ix) = first {
                    naive.push(ex.make_conflict(&sample[i], &sample[j], ix));
                }
            }
        }
        assert!(
            sample.len() > 200 && naive.len() > 100,
            "sample too poor: {} {}",
            sample.len(),
            naive.len()
        );
        assert_eq!(fast, naive);
        // And `conflict` agrees pair by pair.
        for c in &fast {
            assert_eq!(ex.conflict(&c.b, &c.a).as_ref(), Some(c));
        }
    }

    /// Input order and duplicates do not change the output.
    #[test]
    fn conflicts_among_order_independent() {
        let mut v = s(&["M3310", "m62.81", "M6284", "M329", "M6281", "G7210", "M791"]);
        let a = ex().conflicts_among(&v);
        v.reverse();
        assert_eq!(ex().conflicts_among(&v), a);
        assert!(
            a.windows(2)
                .all(|w| (&w[0].a, &w[0].b) < (&w[1].a, &w[1].b))
        );
        assert!(a.iter().all(|c| c.a < c.b));
    }
}
