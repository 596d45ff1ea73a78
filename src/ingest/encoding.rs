//! Text inputs in another encoding than UTF-8, or holding NUL bytes or
//! bytes the encoding does not allow (CONTRACT.md "encodings").
//!
//! The usual file (UTF-8, no fault, found while it is hashed) is read as it
//! is. Any other is rewritten once as clean UTF-8 into a temporary file that
//! the normal reader reads, row for row: a row holding a fault keeps its
//! place (so row numbers stay the file's) with the fault replaced, and is
//! listed here so validation rejects it, naming the byte offset and never
//! the text. A file whose rows are mostly faulty is a binary or mis-declared
//! file: a file-level error.

use std::io::Write;
use std::path::Path;

use anyhow::Result;
use encoding_rs::{DecoderResult, Encoding, UTF_8, UTF_16BE, UTF_16LE};

use crate::input_error;

/// The encoding `--encoding` names (a WHATWG label: `utf-8`, `windows-1252`,
/// `latin1`, `utf-16`, ...). `latin1` means windows-1252, as browsers read it.
pub fn from_label(label: &str) -> Result<&'static Encoding> {
    match Encoding::for_label(label.trim().as_bytes()) {
        // `utf-16` names UTF-16LE (the BOM, when present, decides).
        Some(e) => Ok(e),
        None => input_error!(
            "--encoding {label}: unknown encoding (expected utf-8, windows-1252, latin1, utf-16, utf-16be, ...)"
        ),
    }
}

/// A row that holds a byte the encoding does not allow, or a NUL.
#[derive(Debug, Clone, PartialEq)]
pub struct ByteFault {
    /// Data row number (the header is row 0; NDJSON: line number from 1).
    pub row: u64,
    /// The file's name of the column holding it (CSV), or "".
    pub column: String,
    pub reason: String,
}

/// A text file rewritten as clean UTF-8, and its faulty rows.
pub struct Cleaned {
    pub file: tempfile::NamedTempFile,
    pub faults: Vec<ByteFault>,
}

/// How records are delimited: CSV (quotes, `delimiter`, header row) or one
/// record per line (NDJSON).
#[derive(Debug, Clone, Copy)]
pub enum Layout {
    Csv { delimiter: u8 },
    Lines,
}

/// The encoding to read `bytes` with: a BOM decides, else `declared`.
/// Returns it and the BOM's length.
fn sniff(bytes: &[u8], declared: &'static Encoding) -> (&'static Encoding, usize) {
    match Encoding::for_bom(bytes) {
        Some((enc, len)) => (enc, len),
        None => (declared, 0),
    }
}

/// Rewrites `file` as UTF-8 (see the module doc).
pub fn clean(file: &Path, declared: &'static Encoding, layout: Layout) -> Result<Cleaned> {
    let shown = file.display();
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => input_error!("{shown}: cannot read file ({})", e.kind()),
    };
    let (enc, bom) = sniff(&bytes, declared);
    let body = &bytes[bom..];
    let wide = enc == UTF_16LE || enc == UTF_16BE;
    // Records are found on code units: bytes, or UTF-16's two-byte units.
    let ends = if wide {
        let units: Vec<u16> = body
            .chunks(2)
            .map(|p| match p {
                [a, b] if enc == UTF_16LE => u16::from_le_bytes([*a, *b]),
                [a, b] => u16::from_be_bytes([*a, *b]),
                _ => 0xFFFF,
            })
            .collect();
        record_ends(&units, layout)
    } else {
        record_ends(body, layout)
    };
    let width = if wide { 2 } else { 1 };
    let mut out = String::with_capacity(bytes.len());
    let mut faults = Vec::new();
    let mut header: Vec<String> = Vec::new();
    let mut start = 0;
    let first_row = match layout {
        Layout::Csv { .. } => 0,
        Layout::Lines => 1,
    };
    for (k, &end) in ends.iter().enumerate() {
        let row = first_row + k as u64;
        let slice = &body[start * width..(end * width).min(body.len())];
        let (text, fault) = decode(enc, slice, bom + start * width);
        if let (Layout::Csv { delimiter }, 0) = (layout, row) {
            header = split_fields(&text, delimiter as char);
        }
        match fault {
            Some((offset, at_char, what)) if row > 0 || matches!(layout, Layout::Lines) => {
                let column = match layout {
                    Layout::Csv { delimiter } => {
                        let i = field_index(&text[..at_char], delimiter as char);
                        header.get(i).cloned().unwrap_or_default()
                    }
                    Layout::Lines => String::new(),
                };
                faults.push(ByteFault {
                    row,
                    column,
                    reason: format!("byte offset {offset}: {what} ({} text)", enc.name()),
                });
                match layout {
                    // The fault replaced, structure kept: the row is read and then rejected.
                    Layout::Csv { .. } => out.push_str(&text.replace('\0', "\u{FFFD}")),
                    Layout::Lines => out.push_str(if text.ends_with('\n') { "{}\n" } else { "{}" }),
                }
            }
            Some((offset, _, what)) => {
                input_error!(
                    "{shown}: the header line holds {what} at byte offset {offset}{}",
                    hint(enc)
                )
            }
            None => out.push_str(&text),
        }
        start = end;
    }
    let rows = match layout {
        Layout::Csv { .. } => ends.len().saturating_sub(1),
        Layout::Lines => ends.len(),
    };
    if faults.len() * 2 > rows.max(1) {
        input_error!(
            "{shown}: {} of {rows} rows hold NUL bytes or bytes that are not {} text (a binary file?{})",
            faults.len(),
            enc.name(),
            hint(enc)
        );
    }
    let mut tmp = match tempfile::Builder::new().prefix("claims-audit-").tempfile() {
        Ok(t) => t,
        Err(e) => input_error!(
            "{shown}: cannot write a temporary UTF-8 copy ({})",
            e.kind()
        ),
    };
    if let Err(e) = tmp.write_all(out.as_bytes()).and_then(|_| tmp.flush()) {
        input_error!(
            "{shown}: cannot write a temporary UTF-8 copy ({})",
            e.kind()
        );
    }
    Ok(Cleaned { file: tmp, faults })
}

fn hint(enc: &'static Encoding) -> &'static str {
    if enc == UTF_8 {
        " UTF-16 without a byte-order mark, or another encoding? see --encoding"
    } else {
        " or another encoding than --encoding says?"
    }
}

/// Decodes one record. On a fault: the text with replacements, and the
/// fault's byte offset in the file, its char offset in the text, and what it is.
fn decode(
    enc: &'static Encoding,
    slice: &[u8],
    offset: usize,
) -> (String, Option<(usize, usize, &'static str)>) {
    let mut decoder = enc.new_decoder_without_bom_handling();
    let mut text = String::with_capacity(slice.len() + 16);
    let mut fault = None;
    let mut read = 0;
    loop {
        let cap = decoder
            .max_utf8_buffer_length_without_replacement(slice.len() - read)
            .unwrap_or(slice.len() * 3 + 16);
        text.reserve(cap);
        let (result, n) =
            decoder.decode_to_string_without_replacement(&slice[read..], &mut text, true);
        read += n;
        match result {
            DecoderResult::InputEmpty => break,
            DecoderResult::OutputFull => continue,
            DecoderResult::Malformed(bad, after) => {
                let at = read - bad as usize - after as usize;
                if fault.is_none() {
                    fault = Some((offset + at, text.len(), "bytes that are not valid"));
                }
                text.push('\u{FFFD}');
            }
        }
    }
    if let Some(i) = text.find('\0') {
        // A NUL before the first invalid byte is the first fault.
        if fault.is_none_or(|(_, c, _)| i < c) {
            let width = if enc == UTF_16LE || enc == UTF_16BE {
                2
            } else {
                1
            };
            let units_before = if width == 2 {
                text[..i].encode_utf16().count()
            } else if enc == UTF_8 {
                i
            } else {
                text[..i].chars().count()
            };
            fault = Some((offset + units_before * width, i, "a NUL byte"));
        }
    }
    (text, fault)
}

/// End (exclusive, in units) of every record, line breaks included. CSV:
/// a line break inside quotes does not end a record.
fn record_ends<T: Copy + Into<u32>>(units: &[T], layout: Layout) -> Vec<usize> {
    let quote_aware = matches!(layout, Layout::Csv { .. });
    let mut ends = Vec::new();
    let mut in_quotes = false;
    for (i, &u) in units.iter().enumerate() {
        let u: u32 = u.into();
        if quote_aware && u == b'"' as u32 {
            in_quotes = !in_quotes;
        } else if u == b'\n' as u32 && !in_quotes {
            ends.push(i + 1);
        }
    }
    if ends.last().copied().unwrap_or(0) < units.len() {
        ends.push(units.len());
    }
    ends
}

/// The fields of a (header) record, unquoted, without its line break.
fn split_fields(record: &str, delimiter: char) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut in_quotes = false;
    for c in record
        .trim_start_matches('\u{feff}')
        .trim_end_matches(['\r', '\n'])
        .chars()
    {
        match c {
            '"' => in_quotes = !in_quotes,
            c if c == delimiter && !in_quotes => fields.push(String::new()),
            c => fields.last_mut().unwrap().push(c),
        }
    }
    fields
}

/// Which field (from 0) the end of `prefix` is in.
fn field_index(prefix: &str, delimiter: char) -> usize {
    let mut in_quotes = false;
    let mut i = 0;
    for c in prefix.chars() {
        match c {
            '"' => in_quotes = !in_quotes,
            c if c == delimiter && !in_quotes => i += 1,
            _ => {}
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cleaned(bytes: &[u8], enc: &str, layout: Layout) -> (String, Vec<ByteFault>) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.csv");
        std::fs::write(&p, bytes).unwrap();
        let c = clean(&p, from_label(enc).unwrap(), layout).unwrap();
        (std::fs::read_to_string(c.file.path()).unwrap(), c.faults)
    }
    const CSV: Layout = Layout::Csv { delimiter: b',' };

    #[test]
    fn a_nul_rejects_its_row_only_and_names_column_and_offset() {
        let text = b"a,b\n1,x\n2,\"y\0\nz\"\n3,w\n4,v\n";
        let (out, faults) = cleaned(text, "utf-8", CSV);
        assert_eq!(out, "a,b\n1,x\n2,\"y\u{FFFD}\nz\"\n3,w\n4,v\n");
        assert_eq!(
            faults,
            [ByteFault {
                row: 2,
                column: "b".into(),
                reason: "byte offset 12: a NUL byte (UTF-8 text)".into()
            }]
        );
    }

    #[test]
    fn windows_1252_is_decoded_and_invalid_utf8_is_a_row_fault() {
        let (out, faults) = cleaned(b"a,b\n1,caf\xe9\n2,x\n", "windows-1252", CSV);
        assert_eq!(out, "a,b\n1,caf\u{e9}\n2,x\n");
        assert!(faults.is_empty());
        let (_, faults) = cleaned(b"a,b\n1,caf\xe9\n2,x\n3,y\n", "utf-8", CSV);
        assert_eq!(faults.len(), 1);
        assert_eq!(faults[0].row, 1);
        assert_eq!(
            faults[0].reason,
            "byte offset 9: bytes that are not valid (UTF-8 text)"
        );
    }

    #[test]
    fn utf16_with_a_bom_reads_and_offsets_count_bytes() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "a,b\n1,x\u{0}\n2,y\n3,z\n".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let (out, faults) = cleaned(&bytes, "utf-8", CSV);
        assert_eq!(out, "a,b\n1,x\u{FFFD}\n2,y\n3,z\n");
        assert_eq!(faults[0].row, 1);
        assert_eq!(
            faults[0].reason,
            "byte offset 16: a NUL byte (UTF-16LE text)"
        );
    }

    #[test]
    fn a_mostly_faulty_file_is_a_file_error() {
        let mut bytes = Vec::new();
        for u in "a,b\n1,x\n2,y\n".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.csv");
        std::fs::write(&p, &bytes).unwrap();
        let err = clean(&p, UTF_8, CSV).err().unwrap().to_string();
        assert!(err.contains("header line holds a NUL byte"), "{err}");
        std::fs::write(&p, b"a,b\n1,\0\n2,\0\n3,y\n").unwrap();
        let err = clean(&p, UTF_8, CSV).err().unwrap().to_string();
        assert!(err.contains("2 of 3 rows hold NUL bytes"), "{err}");
    }

    #[test]
    fn ndjson_faulty_lines_become_empty_objects() {
        let (out, faults) = cleaned(
            b"{\"a\":1}\n{\"a\":\"\0\"}\n{\"a\":3}\n",
            "utf-8",
            Layout::Lines,
        );
        assert_eq!(out, "{\"a\":1}\n{}\n{\"a\":3}\n");
        assert_eq!(faults[0].row, 2);
        assert_eq!(faults[0].column, "");
    }
}
