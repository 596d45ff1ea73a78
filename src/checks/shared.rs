//! Expressions several checks need (code groups, CPT sets, how codes and
//! dates are printed in evidence). The frames checks share are the model's
//! ([`crate::model::derived`]).

use polars::prelude::*;

use crate::codes::normalize_code;
use crate::config::parse_cpt_range;
pub use crate::model::dotted;

/// What every check reads: the model, the config and the frames derived from
/// them (computed once per audit, shared with the report).
pub type CheckContext<'a> = crate::model::derived::Derived<'a>;

/// True when `code` starts with any prefix of the group (prefixes are normalised).
/// One anchored regular expression of all prefixes: one pass over the
/// codes, where a `starts_with` per prefix would be one pass each.
pub fn in_group(code: Expr, prefixes: &[String]) -> Expr {
    let alternatives: Vec<String> = prefixes
        .iter()
        .map(|p| regex::escape(&normalize_code(p)))
        .collect();
    // (Config accepts only non-empty alphanumeric prefixes.)
    if alternatives.is_empty() {
        return lit(false);
    }
    code.str()
        .contains(lit(format!("^(?:{})", alternatives.join("|"))), true)
        .fill_null(lit(false))
}

/// True when the CPT lies in one of the configured codes or ranges.
pub fn in_cpt_set(cpt: Expr, specs: &[String]) -> Expr {
    specs
        .iter()
        .filter_map(|s| parse_cpt_range(s))
        .map(|(lo, hi)| cpt.clone().gt_eq(lit(lo)).and(cpt.clone().lt_eq(lit(hi))))
        .reduce(|a, b| a.or(b))
        .unwrap_or(lit(false))
}

/// `M62.81 (dx 1)`: a code and its position on the claim.
pub fn code_at(code: Expr, position: Expr) -> Expr {
    concat_str(
        [
            dotted(code),
            lit(" (dx "),
            position.cast(DataType::String),
            lit(")"),
        ],
        "",
        false,
    )
}

/// A date as `YYYY-MM-DD` text.
pub fn date_text(date: Expr) -> Expr {
    date.dt().strftime("%Y-%m-%d")
}

/// Several rows per claim folded into one: evidence parts sorted and `; `-joined.
pub fn per_claim(lf: LazyFrame) -> LazyFrame {
    lf.group_by([col("__claim")]).agg([col("evidence")
        .unique()
        .sort(Default::default())
        .str()
        .join("; ", true)])
}
