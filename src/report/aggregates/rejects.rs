//! The rejects section's aggregate: rejected input rows grouped by input,
//! column and kind of reason.

use anyhow::Result;
use polars::prelude::*;

use super::{i64s, strs, u64s};

/// Rejected rows of one input, grouped by column and kind of reason.
#[derive(Debug, Clone)]
pub struct RejectGroup {
    pub input: String,
    pub column: String,
    /// The reason without the quoted value.
    pub reason: String,
    pub rows: u64,
    /// File and row of the first such reject.
    pub example: String,
}

/// Groups a rejects frame (file, row, column, reason) for the report; most rows first.
pub fn reject_groups(input: &str, rejects: &DataFrame) -> Result<Vec<RejectGroup>> {
    if rejects.height() == 0 {
        return Ok(Vec::new());
    }
    let g = rejects
        .clone()
        .lazy()
        .with_column(
            col("reason")
                .str()
                .replace(lit(r#":\s*".*$"#), lit(""), false)
                .alias("kind"),
        )
        .sort(["file", "row"], Default::default())
        .group_by([col("column"), col("kind")])
        .agg([
            len().cast(DataType::UInt64).alias("rows"),
            col("file").first(),
            col("row").first(),
        ])
        .sort_by_exprs(
            [col("rows"), col("column"), col("kind")],
            SortMultipleOptions::default().with_order_descending_multi([true, false, false]),
        )
        .collect()?;
    let columns = strs(&g, "column")?;
    let kinds = strs(&g, "kind")?;
    let rows = u64s(&g, "rows")?;
    let files = strs(&g, "file")?;
    let first = i64s(&g, "row")?;
    Ok((0..g.height())
        .map(|i| RejectGroup {
            input: input.to_string(),
            column: columns[i].clone(),
            reason: kinds[i].clone(),
            rows: rows[i],
            example: format!(
                "{} row {}",
                std::path::Path::new(&files[i])
                    .file_name()
                    .map(|f| f.to_string_lossy().to_string())
                    .unwrap_or_else(|| files[i].clone()),
                first[i].unwrap_or(0)
            ),
        })
        .collect())
}
