use super::text_table::TextTable;
pub fn looks_like_x12(head: &[u8]) -> bool { let t = String::from_utf8_lossy(head); t.trim_start_matches('\u{feff}').trim_start().starts_with("ISA") }
pub fn read_837(path: &std::path::Path) -> Result<TextTable, String> { Err(format!("{}: X12 not yet", path.display())) }
