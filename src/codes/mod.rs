//! TEMPORARY STUB (replaced by the real module).
use chrono::NaiveDate;
pub fn normalize_code(raw: &str) -> String {
    raw.trim().to_uppercase().replace('.', "")
}
pub fn with_dot(code: &str) -> String {
    if code.len() > 3 {
        format!("{}.{}", &code[..3], &code[3..])
    } else {
        code.to_string()
    }
}
pub fn fiscal_year(_d: NaiveDate) -> i32 {
    2026
}
pub enum Billability {
    Billable,
    NotYetValid { valid_from: NaiveDate },
    NoLongerValid { valid_to: NaiveDate },
    Header,
    Unknown,
}
pub struct CodeSet;
impl CodeSet {
    pub fn embedded() -> &'static CodeSet {
        &CodeSet
    }
    pub fn billability(&self, _c: &str, _d: NaiveDate) -> Billability {
        Billability::Billable
    }
}
pub struct Conflict {
    pub a: String,
    pub b: String,
    pub note_owner: String,
    pub cited: String,
    pub note: String,
}
pub struct Excludes1;
impl Excludes1 {
    pub fn embedded() -> &'static Excludes1 {
        &Excludes1
    }
    pub fn conflicts_among(&self, _c: &[String]) -> Vec<Conflict> {
        vec![]
    }
}
