//! The embedded ICD-10-CM code set: FY2026 titles and header flags, and the
//! billable spans of every code from FY2016 (2015-10-01) to FY2027.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Read;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};

/// FY2026 (April 2026) code table: code, billable, description, chapter, block.
static CODES_TSV_GZ: &[u8] = include_bytes!("data/icd10cm_codes.tsv.gz");
/// Billable spans FY2016–FY2027: code, valid_from, valid_to (empty = still valid).
static SPANS_TSV_GZ: &[u8] = include_bytes!("data/icd10cm_billable_by_year.tsv.gz");

/// First day of ICD-10-CM in the US; earlier dates are judged against FY2016.
pub(crate) const ICD10_START: NaiveDate = match NaiveDate::from_ymd_opt(2015, 10, 1) {
    Some(d) => d,
    None => panic!("bad constant date"),
};

/// Trims, upper-cases and removes dots: `" m62.81 "` -> `"M6281"`.
///
/// Claims and the reference tables spell codes with or without the dot and in
/// any case; every lookup in this module keys on this one form.
pub fn normalize_code(raw: &str) -> String {
    raw.trim()
        .chars()
        .filter(|&c| c != '.')
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Puts the dot back for display: `"M6281"` -> `"M62.81"`.
///
/// Codes of 3 characters or fewer (categories) are returned unchanged, and so
/// is a code that already has its dot after the category, so the function is
/// idempotent.
pub fn with_dot(code: &str) -> String {
    if code.len() <= 3 || !code.is_char_boundary(3) || code[3..].starts_with('.') {
        return code.to_string();
    }
    let mut s = String::with_capacity(code.len() + 1);
    s.push_str(&code[..3]);
    s.push('.');
    s.push_str(&code[3..]);
    s
}

/// True when a *normalised* code has a plausible ICD-10-CM shape: 3 to 7
/// characters, a letter first, then letters or digits. Lower case, dots and
/// spaces fail: normalise first.
///
/// The usual shape is letter, digit, letter-or-digit (`M62`, `C7A`), then up
/// to 4 more. The second character may also be a letter, because FY2026
/// added the category `QA0` (`QA0.0101` is billable) and FY2027 adds `QA1`;
/// rejecting those would call valid codes malformed.
///
/// Used to tell a malformed entry (typo, CPT code in the dx field) from a
/// well-formed but unknown code.
pub fn is_well_formed(code: &str) -> bool {
    let b = code.as_bytes();
    let alnum = |c: &u8| c.is_ascii_uppercase() || c.is_ascii_digit();
    (3..=7).contains(&b.len()) && b[0].is_ascii_uppercase() && b[1..].iter().all(alnum)
}

/// Fiscal year of a date: FY N runs from Oct 1 of N-1 through Sep 30 of N.
/// Clamped to 2016..=2027, the years the embedded data covers (a date before
/// ICD-10 is judged against FY2016, one after FY2027 against FY2027).
pub fn fiscal_year(date: NaiveDate) -> i32 {
    let fy = if date.month() >= 10 {
        date.year() + 1
    } else {
        date.year()
    };
    fy.clamp(2016, 2027)
}

/// Whether a code may be billed on a date of service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Billability {
    /// In the code set in force that day, as a billable (leaf) code.
    Billable,
    /// Billable only from `valid_from`, which is after the date (e.g. M62.84
    /// before 2016-10-01).
    NotYetValid { valid_from: NaiveDate },
    /// Was billable up to `valid_to`, which is before the date (e.g. M54.5 after
    /// 2021-09-30, G35 after 2025-09-30 — both became headers).
    NoLongerValid { valid_to: NaiveDate },
    /// Never billable from FY2016 on, and a category/subcategory header in
    /// FY2026 (e.g. M62.8): codes exist below it and one of them must be used.
    Header,
    /// Never billable and not in the FY2026 table at all.
    Unknown,
}

/// One row of the FY2026 table. The description is a range into
/// `CodeSet::codes_text` so that 98k titles cost no allocation each.
#[derive(Debug, Clone, Copy)]
struct Entry {
    billable: bool,
    desc_start: u32,
    desc_len: u32,
    block: u16,
    chapter: u8,
}

/// A block (section) of the Tabular: `M60-M63`, or a single category `C7A`.
#[derive(Debug, Clone)]
struct Block {
    id: String,
    lo: String,
    hi: String,
    chapter: u8,
}

/// The embedded ICD-10-CM code set. Get it with [`CodeSet::embedded`].
///
/// Every method accepts a code with or without dot, in any case (it is
/// normalised when needed), but normalised input skips that step.
pub struct CodeSet {
    /// Decompressed FY2026 table; descriptions are slices of it.
    codes_text: String,
    /// normalised code -> FY2026 row.
    codes: HashMap<String, Entry>,
    /// Blocks sorted by `lo`, for codes whose category is not in FY2026.
    blocks: Vec<Block>,
    /// Chapter ranges (lowest and highest category of its blocks, chapter).
    chapters: Vec<(String, String, u8)>,
    /// Billable spans, sorted by (code, valid_from): binary-searchable by code.
    spans: Vec<(String, NaiveDate, Option<NaiveDate>)>,
}

impl CodeSet {
    /// The code set compiled into the binary, decompressed and parsed on the
    /// first call (tens of milliseconds), then shared.
    pub fn embedded() -> &'static CodeSet {
        static CELL: OnceLock<CodeSet> = OnceLock::new();
        CELL.get_or_init(|| {
            CodeSet::parse(gunzip(CODES_TSV_GZ), &gunzip(SPANS_TSV_GZ))
                .expect("embedded ICD-10-CM tables are well-formed")
        })
    }

    fn parse(codes_text: String, spans_text: &str) -> Result<CodeSet, String> {
        let mut codes = HashMap::with_capacity(100_000);
        let mut block_ids: HashMap<&str, u16> = HashMap::new();
        let mut blocks: Vec<Block> = Vec::new();
        let base = codes_text.as_ptr() as usize;
        for (n, line) in codes_text.lines().enumerate().skip(1) {
            if line.is_empty() {
                continue;
            }
            let bad = || format!("icd10cm_codes.tsv line {}: {line:?}", n + 1);
            let mut f = line.split('\t');
            let (Some(code), Some(billable), Some(desc), Some(chapter), Some(block), None) =
                (f.next(), f.next(), f.next(), f.next(), f.next(), f.next())
            else {
                return Err(bad());
            };
            let chapter: u8 = chapter.parse().map_err(|_| bad())?;
            let block_ix = match block_ids.get(block) {
                Some(&i) => i,
                None => {
                    let i = u16::try_from(blocks.len()).map_err(|_| bad())?;
                    let (lo, hi) = block.split_once('-').unwrap_or((block, block));
                    blocks.push(Block {
                        id: block.to_string(),
                        lo: normalize_code(lo),
                        hi: normalize_code(hi),
                        chapter,
                    });
                    block_ids.insert(block, i);
                    i
                }
            };
            let entry = Entry {
                billable: match billable {
                    "1" => true,
                    "0" => false,
                    _ => return Err(bad()),
                },
                desc_start: (desc.as_ptr() as usize - base) as u32,
                desc_len: desc.len() as u32,
                block: block_ix,
                chapter,
            };
            codes.insert(normalize_code(code), entry);
        }
        drop(block_ids);
        // Remap to blocks sorted by range so a category can be looked up by
        // binary search; entries keep indices into the sorted list.
        let mut order: Vec<usize> = (0..blocks.len()).collect();
        order.sort_by(|&a, &b| blocks[a].lo.cmp(&blocks[b].lo));
        let mut new_ix = vec![0u16; blocks.len()];
        for (new, &old) in order.iter().enumerate() {
            new_ix[old] = new as u16;
        }
        for e in codes.values_mut() {
            e.block = new_ix[e.block as usize];
        }
        let blocks: Vec<Block> = order.iter().map(|&i| blocks[i].clone()).collect();
        let mut chapters: Vec<(String, String, u8)> = Vec::new();
        for b in &blocks {
            match chapters.iter_mut().find(|c| c.2 == b.chapter) {
                Some(c) => {
                    if b.lo < c.0 {
                        c.0 = b.lo.clone();
                    }
                    if b.hi > c.1 {
                        c.1 = b.hi.clone();
                    }
                }
                None => chapters.push((b.lo.clone(), b.hi.clone(), b.chapter)),
            }
        }

        let mut spans = Vec::with_capacity(80_000);
        for (n, line) in spans_text.lines().enumerate().skip(1) {
            if line.is_empty() {
                continue;
            }
            let bad = || format!("icd10cm_billable_by_year.tsv line {}: {line:?}", n + 1);
            let mut f = line.split('\t');
            let (Some(code), Some(from), Some(to), None) = (f.next(), f.next(), f.next(), f.next())
            else {
                return Err(bad());
            };
            let from = parse_iso_date(from).ok_or_else(bad)?;
            let to = if to.is_empty() {
                None
            } else {
                Some(parse_iso_date(to).ok_or_else(bad)?)
            };
            spans.push((normalize_code(code), from, to));
        }
        spans.sort();

        Ok(CodeSet {
            codes_text,
            codes,
            blocks,
            chapters,
            spans,
        })
    }

    fn entry(&self, code: &str) -> Option<&Entry> {
        self.codes.get(&*norm(code))
    }

    /// The spans of one (normalised) code, in date order.
    fn spans_of(&self, code: &str) -> &[(String, NaiveDate, Option<NaiveDate>)] {
        let start = self.spans.partition_point(|s| s.0.as_str() < code);
        let end = start + self.spans[start..].partition_point(|s| s.0 == code);
        &self.spans[start..end]
    }

    /// FY2026 title (long description), for header and billable codes alike.
    /// `None` for a code not in the FY2026 table (deleted earlier, or new in
    /// FY2027).
    pub fn description(&self, code: &str) -> Option<&str> {
        self.entry(code).map(|e| {
            let s = e.desc_start as usize;
            &self.codes_text[s..s + e.desc_len as usize]
        })
    }

    /// True for a FY2026 category/subcategory header (billable 0), e.g. M62.8:
    /// it has codes below it, so it cannot itself be billed.
    pub fn is_header(&self, code: &str) -> bool {
        self.entry(code).is_some_and(|e| !e.billable)
    }

    /// True when the code is in the FY2026 table (header or billable) or was
    /// billable at some time from FY2016 to FY2027. A false here means the
    /// code is not an ICD-10-CM code at all (typo, made-up, ICD-9...).
    pub fn is_known(&self, code: &str) -> bool {
        let code = norm(code);
        self.codes.contains_key(&*code) || !self.spans_of(&code).is_empty()
    }

    /// Billability of `code` on date of service `date`. A date before
    /// 2015-10-01 is judged as 2015-10-01 (FY2016), since ICD-10-CM did not
    /// exist before then.
    ///
    /// The billable spans decide first: a code that was ever billable is
    /// `Billable`, `NotYetValid` or `NoLongerValid`, even when it is a header
    /// in FY2026 (M54.5, G35 became headers; "no longer valid" names the
    /// date it ended). Only a code never billable falls back on the FY2026
    /// table: `Header` if it is a header there, else `Unknown`.
    pub fn billability(&self, code: &str, date: NaiveDate) -> Billability {
        let code = norm(code);
        let d = date.max(ICD10_START);
        let spans = self.spans_of(&code);
        if spans.is_empty() {
            return match self.codes.get(&*code) {
                Some(e) if !e.billable => Billability::Header,
                // A FY2026 billable code always has a span (checked by a test);
                // if one did not, it was never billable in the data.
                _ => Billability::Unknown,
            };
        }
        if spans
            .iter()
            .any(|&(_, from, to)| from <= d && to.is_none_or(|t| d <= t))
        {
            return Billability::Billable;
        }
        // Not billable that day: it ended before, or starts after. If both
        // (a gap between two spans), "no longer valid" since the last end.
        if let Some(valid_to) = spans.iter().filter_map(|s| s.2).filter(|&t| t < d).max() {
            return Billability::NoLongerValid { valid_to };
        }
        let valid_from = spans
            .iter()
            .map(|s| s.1)
            .filter(|&f| f > d)
            .min()
            .unwrap_or(d);
        Billability::NotYetValid { valid_from }
    }

    /// Every billable span `(code, valid_from, valid_to)`, `valid_to` `None`
    /// while still billable in the newest set (FY2027). Codes are normalised;
    /// sorted by (code, valid_from). For building a join table on the Polars
    /// side: billable on D when `valid_from <= D` and (`valid_to` is None or
    /// `D <= valid_to`).
    pub fn billable_spans(&self) -> &[(String, NaiveDate, Option<NaiveDate>)] {
        &self.spans
    }

    /// The FY2026 table as embedded: a TSV with a header line and columns
    /// code (with dot), billable (`1`/`0`), description, chapter, block, in
    /// code order. The SQL table `icd10cm` is built from it.
    pub fn table_tsv(&self) -> &str {
        &self.codes_text
    }

    /// Block (section) id, e.g. `"M60-M63"` for M62.81. A code not in FY2026
    /// takes the block of its nearest ancestor in the table (its category at
    /// the latest), and a category missing from FY2026 the block whose range
    /// holds it. `None` when no FY2026 block fits — e.g. the categories new
    /// in FY2027 (J4B, K6A, QA1), whose blocks the embedded FY2026 table
    /// does not know.
    pub fn block_of(&self, code: &str) -> Option<&str> {
        self.block_ix(&norm(code))
            .map(|i| self.blocks[i].id.as_str())
    }

    /// Chapter number (1..=22), found as for [`CodeSet::block_of`], and
    /// failing a block, from the chapter whose range (its lowest to highest
    /// category) holds the category: J4B is in chapter 10 (J00-J99).
    pub fn chapter_of(&self, code: &str) -> Option<u8> {
        let code = norm(code);
        if let Some(e) = self.codes.get(&*code) {
            return Some(e.chapter);
        }
        if let Some(i) = self.block_ix(&code) {
            return Some(self.blocks[i].chapter);
        }
        let cat = code.get(..3)?;
        self.chapters
            .iter()
            .find(|c| c.0.as_str() <= cat && cat <= c.1.as_str())
            .map(|c| c.2)
    }

    fn block_ix(&self, code: &str) -> Option<usize> {
        if code.len() < 3 || !code.is_ascii() {
            return None;
        }
        // Nearest ancestor present in the table, down to the category.
        for k in (3..=code.len()).rev() {
            if let Some(e) = self.codes.get(&code[..k]) {
                return Some(e.block as usize);
            }
        }
        // Category not in FY2026: the block whose range contains it.
        let cat = &code[..3];
        let i = self.blocks.partition_point(|b| b.lo.as_str() <= cat);
        (i > 0 && cat <= self.blocks[i - 1].hi.as_str()).then(|| i - 1)
    }
}

/// Normalises only when needed, so the common (already normalised) case
/// costs no allocation.
pub(crate) fn norm(code: &str) -> Cow<'_, str> {
    if code
        .bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        Cow::Borrowed(code)
    } else {
        Cow::Owned(normalize_code(code))
    }
}

/// Decompresses an embedded gzip member into UTF-8 text.
pub(crate) fn gunzip(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 14);
    flate2::read::MultiGzDecoder::new(bytes)
        .read_to_string(&mut s)
        .expect("embedded gzip data is valid UTF-8 gzip");
    s
}

/// `YYYY-MM-DD` without the generality (and cost) of a format string.
fn parse_iso_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y = s[0..4].parse().ok()?;
    let m = s[5..7].parse().ok()?;
    let d = s[8..10].parse().ok()?;
    NaiveDate::from_ymd_opt(y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn cs() -> &'static CodeSet {
        CodeSet::embedded()
    }

    #[test]
    fn normalize_code_edge_cases() {
        assert_eq!(normalize_code(" m62.81 "), "M6281");
        assert_eq!(normalize_code("M6281"), "M6281");
        assert_eq!(normalize_code("\tz99.89\n"), "Z9989");
        assert_eq!(normalize_code("s72.001a"), "S72001A");
        assert_eq!(normalize_code("M62..81."), "M6281");
        assert_eq!(normalize_code(""), "");
        assert_eq!(normalize_code("   "), "");
        assert_eq!(normalize_code("."), "");
        // Inner spaces are kept (then rejected by is_well_formed).
        assert_eq!(normalize_code("M62 81"), "M62 81");
    }

    #[test]
    fn with_dot_edge_cases() {
        assert_eq!(with_dot("M6281"), "M62.81");
        assert_eq!(with_dot("S72001A"), "S72.001A");
        assert_eq!(with_dot("M628"), "M62.8");
        assert_eq!(with_dot("M62"), "M62");
        assert_eq!(with_dot("C7A"), "C7A");
        assert_eq!(with_dot("A0"), "A0");
        assert_eq!(with_dot(""), "");
        assert_eq!(with_dot("M62.81"), "M62.81"); // idempotent
        assert_eq!(with_dot(&with_dot("Z9989")), "Z99.89");
        assert_eq!(with_dot("ÉÉ12"), "ÉÉ12"); // no panic on a non-char boundary
    }

    #[test]
    fn is_well_formed_edge_cases() {
        for ok in [
            "M6281", "M62", "C7A", "M1A011", "S72001A", "O321XX0", "U071", "Z9999", "QA00101",
            "QA0",
        ] {
            assert!(is_well_formed(ok), "{ok}");
        }
        for bad in [
            "", "M", "M6", "M62.81", "m6281", "62M81", "M62 81", "S72001AX", "M6281-", "qa00101",
            "97110", "É6281",
        ] {
            assert!(!is_well_formed(bad), "{bad}");
        }
    }

    #[test]
    fn fiscal_year_boundaries_and_clamp() {
        assert_eq!(fiscal_year(d(2016, 9, 30)), 2016);
        assert_eq!(fiscal_year(d(2016, 10, 1)), 2017);
        assert_eq!(fiscal_year(d(2025, 10, 1)), 2026);
        assert_eq!(fiscal_year(d(2026, 9, 30)), 2026);
        assert_eq!(fiscal_year(d(2026, 10, 1)), 2027);
        assert_eq!(fiscal_year(d(2014, 3, 15)), 2016); // before ICD-10
        assert_eq!(fiscal_year(d(2015, 9, 30)), 2016);
        assert_eq!(fiscal_year(d(2031, 1, 1)), 2027);
    }

    #[test]
    fn table_sizes_match_reference_readmes() {
        let cs = cs();
        assert_eq!(cs.codes.len(), 98_186);
        assert_eq!(cs.codes.values().filter(|e| e.billable).count(), 74_719);
        assert_eq!(cs.spans.len(), 75_909);
        assert_eq!(cs.blocks.len(), 285);
    }

    /// The counts per effective date from years/README.md: checks the spans
    /// and the "billable on D" rule together.
    #[test]
    fn billable_counts_per_effective_date() {
        let cs = cs();
        let expect = [
            (d(2015, 10, 1), 69_823),
            (d(2016, 10, 1), 71_486),
            (d(2017, 10, 1), 71_704),
            (d(2018, 10, 1), 71_932),
            (d(2019, 10, 1), 72_184),
            (d(2020, 4, 1), 72_186),
            (d(2020, 10, 1), 72_616),
            (d(2021, 1, 1), 72_621),
            (d(2021, 10, 1), 72_748),
            (d(2022, 4, 1), 72_750),
            (d(2022, 10, 1), 73_639),
            (d(2023, 4, 1), 73_674),
            (d(2023, 10, 1), 74_044),
            (d(2024, 10, 1), 74_260),
            (d(2025, 10, 1), 74_719),
            (d(2026, 10, 1), 74_879),
        ];
        for (day, n) in expect {
            let count = cs
                .billable_spans()
                .iter()
                .filter(|&&(_, f, t)| f <= day && t.is_none_or(|t| day <= t))
                .count();
            assert_eq!(count, n, "{day}");
        }
    }

    /// FY2026 billable flags and the spans agree code for code on 2026-04-01.
    #[test]
    fn fy2026_table_agrees_with_spans() {
        let cs = cs();
        let day = d(2026, 4, 1);
        for (code, e) in &cs.codes {
            let b = cs.billability(code, day) == Billability::Billable;
            assert_eq!(b, e.billable, "{code}");
        }
    }

    #[test]
    fn description_header_known() {
        let cs = cs();
        assert_eq!(
            cs.description("M6281"),
            Some("Muscle weakness (generalized)")
        );
        assert_eq!(cs.description("m62.84"), Some("Sarcopenia"));
        assert_eq!(
            cs.description("M628"),
            Some("Other specified disorders of muscle")
        );
        assert_eq!(cs.description("Z9999"), None);
        assert!(cs.is_header("M628"));
        assert!(cs.is_header("M62"));
        assert!(cs.is_header("G35")); // header since FY2026 (G35.A .. G35.D)
        assert!(!cs.is_header("M6281"));
        assert!(!cs.is_header("Z9999"));
        assert!(cs.is_known("M6281"));
        assert!(cs.is_known("M545")); // header in FY2026, billable until FY2021
        assert!(cs.is_known("C7831")); // new in FY2027, not in the FY2026 table
        assert_eq!(cs.description("C7831"), None);
        assert!(!cs.is_known("Z9999"));
        assert!(!cs.is_known(""));
    }

    #[test]
    fn billability_featured_codes() {
        let cs = cs();
        use Billability::*;
        let m6284_from = d(2016, 10, 1);
        assert_eq!(
            cs.billability("M6284", d(2016, 9, 30)),
            NotYetValid {
                valid_from: m6284_from
            }
        );
        assert_eq!(cs.billability("M6284", d(2016, 10, 1)), Billable);
        assert_eq!(cs.billability("M62.84", d(2026, 5, 1)), Billable);

        assert_eq!(cs.billability("M545", d(2021, 9, 30)), Billable);
        assert_eq!(
            cs.billability("M545", d(2021, 10, 1)),
            NoLongerValid {
                valid_to: d(2021, 9, 30)
            }
        );

        assert_eq!(cs.billability("G35", d(2025, 9, 30)), Billable);
        assert_eq!(
            cs.billability("G35", d(2025, 10, 1)),
            NoLongerValid {
                valid_to: d(2025, 9, 30)
            }
        );
        assert_eq!(cs.billability("G35A", d(2025, 10, 1)), Billable);
        assert_eq!(
            cs.billability("G35A", d(2025, 9, 30)),
            NotYetValid {
                valid_from: d(2025, 10, 1)
            }
        );

        assert_eq!(cs.billability("M628", d(2020, 1, 1)), Header);
        assert_eq!(cs.billability("M628", d(2014, 1, 1)), Header);
        assert_eq!(cs.billability("M6281", d(2020, 1, 1)), Billable);
        assert_eq!(cs.billability("Z9999", d(2020, 1, 1)), Unknown);
        assert_eq!(cs.billability("", d(2020, 1, 1)), Unknown);
        assert_eq!(cs.billability("garbage", d(2020, 1, 1)), Unknown);

        // Mid-year update: M35.8 ends 2020-12-31, M35.81 starts 2021-01-01.
        assert_eq!(cs.billability("M358", d(2020, 12, 31)), Billable);
        assert_eq!(
            cs.billability("M358", d(2021, 1, 1)),
            NoLongerValid {
                valid_to: d(2020, 12, 31)
            }
        );
        assert_eq!(
            cs.billability("M3581", d(2020, 12, 31)),
            NotYetValid {
                valid_from: d(2021, 1, 1)
            }
        );
        // Far future: still-valid codes stay billable.
        assert_eq!(cs.billability("M6281", d(2030, 1, 1)), Billable);
    }

    /// A date before ICD-10 is judged as 2015-10-01 (FY2016).
    #[test]
    fn billability_before_icd10_is_fy2016() {
        let cs = cs();
        let early = d(2014, 6, 15);
        assert_eq!(fiscal_year(early), 2016);
        assert_eq!(cs.billability("M545", early), Billability::Billable);
        assert_eq!(cs.billability("G35", early), Billability::Billable);
        assert_eq!(
            cs.billability("M6284", early),
            Billability::NotYetValid {
                valid_from: d(2016, 10, 1)
            }
        );
        for (code, ..) in cs.billable_spans().iter().step_by(97) {
            assert_eq!(
                cs.billability(code, early),
                cs.billability(code, ICD10_START),
                "{code}"
            );
        }
    }

    #[test]
    fn spans_are_normalised_and_sorted() {
        let spans = cs().billable_spans();
        assert!(spans.windows(2).all(|w| w[0] <= w[1]));
        assert!(
            spans
                .iter()
                .all(|(c, f, t)| is_well_formed(c) && t.is_none_or(|t| *f <= t))
        );
        let g35: Vec<_> = spans.iter().filter(|s| s.0 == "G35").collect();
        assert_eq!(
            g35,
            [&("G35".to_string(), d(2015, 10, 1), Some(d(2025, 9, 30)))]
        );
    }

    #[test]
    fn block_and_chapter() {
        let cs = cs();
        assert_eq!(cs.block_of("M6281"), Some("M60-M63"));
        assert_eq!(cs.block_of("M62.81"), Some("M60-M63"));
        assert_eq!(cs.block_of("M62"), Some("M60-M63"));
        assert_eq!(cs.block_of("M6299X"), Some("M60-M63")); // unknown: via ancestor
        assert_eq!(cs.block_of("Z9999"), Some("Z77-Z99"));
        assert_eq!(cs.block_of("C7A010"), Some("C7A"));
        assert_eq!(cs.block_of("G35A"), Some("G35-G37"));
        assert_eq!(cs.block_of("M6"), None);
        assert_eq!(cs.block_of("M64"), None); // no such category, between blocks
        assert_eq!(cs.chapter_of("M6281"), Some(13));
        assert_eq!(cs.chapter_of("A000"), Some(1));
        assert_eq!(cs.chapter_of("Z9999"), Some(21));
        assert_eq!(cs.chapter_of("U071"), Some(22));
        assert_eq!(cs.chapter_of("??"), None);
        assert_eq!(cs.chapter_of("QA00101"), Some(17));
        assert_eq!(cs.block_of("QA00101"), Some("QA0"));
        // Categories new in FY2027 have no FY2026 block; chapter by range.
        assert_eq!(cs.block_of("J4B0"), None);
        assert_eq!(cs.chapter_of("J4B0"), Some(10));
        assert_eq!(cs.chapter_of("K6A01"), Some(11));
        assert_eq!(cs.chapter_of("QA171"), None); // past Q00-QA0
        // Every code ever billable has a block (no category vanished), but
        // for those three new FY2027 categories.
        for (code, ..) in cs.billable_spans() {
            let new_fy2027 = ["J4B", "K6A", "QA1"].contains(&&code[..3]);
            assert_eq!(cs.block_of(code).is_some(), !new_fy2027, "{code}");
        }
    }
}
