//! Bulk FHIR R4 NDJSON (CONTRACT.md "formats that claim systems write"): one
//! resource a line, as a `$export` writes. `ExplanationOfBenefit` resources
//! are read as claims (one row per `item`), `DocumentReference` resources as
//! notes. Resources of other types are counted by `resourceType` and skipped.
//!
//! The file is streamed line by line. A line that is not JSON, or a resource
//! of the wanted type that cannot be read, becomes a `ParseReject` (row =
//! 1-based line number) and reading goes on. A value that is merely absent is
//! left `None`: the common validation rejects required-but-empty values.
//! Rejects and errors never carry patient ids or note text.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde_json::{Map, Number, Value};

use super::text_table::{CLAIM_COLUMNS, NOTE_COLUMNS, TextTable};

/// The code system of ICD-10-CM diagnosis codes.
const ICD10CM: &str = "http://hl7.org/fhir/sid/icd-10-cm";

/// Which resources a table is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FhirTable {
    /// `ExplanationOfBenefit`: one row per `item`.
    Claims,
    /// `DocumentReference`: one row per resource.
    Notes,
}

impl FhirTable {
    /// The `resourceType` this table is read from.
    pub fn resource_type(self) -> &'static str {
        match self {
            FhirTable::Claims => "ExplanationOfBenefit",
            FhirTable::Notes => "DocumentReference",
        }
    }

    fn columns(self) -> Vec<&'static str> {
        match self {
            FhirTable::Claims => CLAIM_COLUMNS.to_vec(),
            FhirTable::Notes => NOTE_COLUMNS.to_vec(),
        }
    }
}

/// True when the first non-empty line of an NDJSON/JSON file is a JSON object
/// with a "resourceType" key. `head` may be the file's first bytes only: a
/// line cut short still counts when the key is among its top-level keys.
pub fn looks_like_fhir(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    match head.split(|&b| b == b'\n').find(|l| !is_blank(l)) {
        Some(line) => has_top_level_key(line, b"resourceType"),
        None => false,
    }
}

/// Reads one NDJSON file. Err(one-line message naming the file, with no
/// patient data or note text) = file-level error.
pub fn read_bulk_fhir(path: &Path, table: FhirTable) -> Result<TextTable, String> {
    let shown = path.display();
    let file = File::open(path).map_err(|e| format!("{shown}: cannot open: {e}"))?;
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let mut out = TextTable::new(table.columns());
    let wanted = table.resource_type();

    let mut buf = Vec::new();
    let mut line_no = 0u64;
    let mut non_empty = 0u64;
    let mut not_text = 0u64; // lines that are not UTF-8 or hold a NUL byte
    loop {
        buf.clear();
        let n = reader
            .read_until(b'\n', &mut buf)
            .map_err(|e| format!("{shown}: cannot read line {}: {e}", line_no + 1))?;
        if n == 0 {
            break;
        }
        line_no += 1;
        let mut line: &[u8] = &buf;
        line = line.strip_suffix(b"\n").unwrap_or(line);
        line = line.strip_suffix(b"\r").unwrap_or(line);
        if line_no == 1 {
            line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
        }
        if is_blank(line) {
            continue;
        }
        non_empty += 1;
        if non_empty == 1 {
            let t = trim_ascii(line);
            if t == b"{" || t.starts_with(b"[") {
                return Err(format!(
                    "{shown}: line {line_no}: not NDJSON: Bulk FHIR needs one {wanted} resource \
                     per line (a pretty-printed JSON file, an array or a Bundle is not read)"
                ));
            }
        }

        let text = match std::str::from_utf8(line) {
            Ok(t) => t,
            Err(e) => {
                not_text += 1;
                out.reject(
                    line_no,
                    "",
                    format!("line is not valid UTF-8 (byte offset {})", e.valid_up_to()),
                );
                continue;
            }
        };
        if let Some(at) = line.iter().position(|&b| b == 0) {
            not_text += 1;
            out.reject(
                line_no,
                "",
                format!("line holds a NUL byte (byte offset {at})"),
            );
            continue;
        }
        let value: Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => {
                out.reject(line_no, "", json_error(&e));
                continue;
            }
        };
        let Value::Object(resource) = &value else {
            out.reject(
                line_no,
                "",
                "line is not a JSON object (one FHIR resource expected)",
            );
            continue;
        };
        let kind = match resource.get("resourceType") {
            Some(Value::String(s)) if !s.is_empty() => s,
            _ => {
                out.reject(line_no, "", "resource has no resourceType");
                continue;
            }
        };
        if kind != wanted {
            *out.skipped.entry(kind.clone()).or_insert(0) += 1;
            continue;
        }
        let read = match table {
            FhirTable::Claims => read_eob(resource, line_no, &mut out),
            FhirTable::Notes => read_document(resource, line_no, &mut out),
        };
        if let Err(Reject { column, reason }) = read {
            out.reject(line_no, column, reason);
        }
    }
    if not_text > 0 && not_text * 2 > non_empty {
        return Err(format!(
            "{shown}: {not_text} of {non_empty} lines are not UTF-8 text: \
             not a Bulk FHIR NDJSON file (binary or another encoding?)"
        ));
    }
    Ok(out)
}

/// Why a resource cannot be read: the contract column concerned ("" for the
/// whole resource) and a short reason without patient data or note text.
#[derive(Debug)]
struct Reject {
    column: &'static str,
    reason: String,
}

fn reject<T>(column: &'static str, reason: impl Into<String>) -> Result<T, Reject> {
    Err(Reject {
        column,
        reason: reason.into(),
    })
}

// ------------------------------------------------------------ ExplanationOfBenefit

/// One `ExplanationOfBenefit`: one row per `item`, all or nothing.
fn read_eob(eob: &Map<String, Value>, row: u64, out: &mut TextTable) -> Result<(), Reject> {
    let claim_id = match claim_identifier(eob)? {
        Some(v) => Some(v),
        None => text(eob.get("id"), "id", "claim_id")?,
    };
    let patient_id = patient_reference(eob.get("patient"), "patient", "patient_id")?;
    let eob_provider = reference_id(eob.get("provider"), "provider", "provider_id")?;
    let payer = payer(eob.get("insurer"))?;
    let billable_start = date_part(text(
        at(eob, &["billablePeriod", "start"]),
        "billablePeriod.start",
        "service_date",
    )?);
    let diagnoses = Diagnoses::read(eob)?;
    let dx_codes = diagnoses.codes();
    let care_team = array(eob.get("careTeam"), "careTeam", "provider_id")?;

    let items = array(eob.get("item"), "item", "")?;
    if items.is_empty() {
        return reject("", "ExplanationOfBenefit has no item");
    }
    let mut rows = Vec::with_capacity(items.len());
    for item in items {
        let Value::Object(item) = item else {
            return reject("", "item is not an object");
        };
        let line_number = text(item.get("sequence"), "item.sequence", "line_number")?;
        let provider_id = match care_team_provider(item, care_team)? {
            Some(p) => Some(p),
            None => eob_provider.clone(),
        };
        let service_date = match text(
            item.get("servicedDate"),
            "item.servicedDate",
            "service_date",
        )? {
            Some(d) => Some(d),
            None => text(
                at(item, &["servicedPeriod", "start"]),
                "item.servicedPeriod.start",
                "service_date",
            )?,
        };
        let service_date = date_part(service_date).or_else(|| billable_start.clone());
        let cpt_code = text(
            first(at(item, &["productOrService", "coding"])).and_then(|c| c.get("code")),
            "item.productOrService.coding[0].code",
            "cpt_code",
        )?;
        let mut modifiers = Vec::new();
        for m in array(item.get("modifier"), "item.modifier", "modifiers")? {
            let code = first(m.get("coding")).and_then(|c| c.get("code"));
            if let Some(code) = text(code, "item.modifier.coding[0].code", "modifiers")? {
                modifiers.push(code);
            }
        }
        let units = text(
            at(item, &["quantity", "value"]),
            "item.quantity.value",
            "units",
        )?;
        let charge_amount = match adjudication(item, "submitted", "charge_amount")? {
            Some(a) => Some(a),
            None => text(
                at(item, &["net", "value"]),
                "item.net.value",
                "charge_amount",
            )?,
        };
        let paid_amount = match adjudication(item, "paidtoprovider", "paid_amount")? {
            Some(a) => Some(a),
            None => adjudication(item, "benefit", "paid_amount")?,
        };
        let mut pointers = Vec::new();
        for s in array(
            item.get("diagnosisSequence"),
            "item.diagnosisSequence",
            "dx_pointers",
        )? {
            let s = sequence(Some(s), "item.diagnosisSequence", "dx_pointers")?;
            // A pointer to a diagnosis without an ICD-10-CM code has no position.
            if let Some(position) = s.and_then(|s| diagnoses.position(s)) {
                pointers.push(position.to_string());
            }
        }
        rows.push(vec![
            ("claim_id", claim_id.clone()),
            ("line_number", line_number),
            ("patient_id", Some(patient_id.clone())),
            ("provider_id", provider_id),
            ("service_date", service_date),
            ("cpt_code", cpt_code),
            ("modifiers", joined(modifiers)),
            ("units", units),
            ("charge_amount", charge_amount),
            ("paid_amount", paid_amount),
            ("payer", payer.clone()),
            ("dx_codes", dx_codes.clone()),
            ("dx_pointers", joined(pointers)),
        ]);
    }
    for values in rows {
        out.push(row, &values);
    }
    Ok(())
}

/// The `value` of the first identifier whose `type.coding` has code `uc`
/// (CARIN BB's unique claim id).
fn claim_identifier(eob: &Map<String, Value>) -> Result<Option<String>, Reject> {
    for id in array(eob.get("identifier"), "identifier", "claim_id")? {
        let codings = array(
            at_value(id, &["type", "coding"]),
            "identifier.type.coding",
            "claim_id",
        )?;
        let is_uc = codings
            .iter()
            .any(|c| c.get("code").and_then(Value::as_str) == Some("uc"));
        if is_uc && let Some(v) = text(id.get("value"), "identifier.value", "claim_id")? {
            return Ok(Some(v));
        }
    }
    Ok(None)
}

/// `insurer.display`, else `insurer.identifier.value`, else the reference id.
fn payer(insurer: Option<&Value>) -> Result<Option<String>, Reject> {
    if let Some(d) = text(
        insurer.and_then(|i| i.get("display")),
        "insurer.display",
        "payer",
    )? {
        return Ok(Some(d));
    }
    reference_id(insurer, "insurer", "payer")
}

/// The item's first `careTeamSequence` -> the care-team member with that
/// `sequence` -> its `provider` (identifier value, else reference id).
fn care_team_provider(
    item: &Map<String, Value>,
    care_team: &[Value],
) -> Result<Option<String>, Reject> {
    let wanted = array(
        item.get("careTeamSequence"),
        "item.careTeamSequence",
        "provider_id",
    )?;
    let Some(wanted) = sequence(wanted.first(), "item.careTeamSequence", "provider_id")? else {
        return Ok(None);
    };
    for member in care_team {
        if sequence(member.get("sequence"), "careTeam.sequence", "provider_id")? == Some(wanted) {
            return reference_id(member.get("provider"), "careTeam.provider", "provider_id");
        }
    }
    Ok(None)
}

/// The item's adjudication amount of a category (`submitted`, `benefit`, ...):
/// the first adjudication with a `category.coding` of that code and an amount.
fn adjudication(
    item: &Map<String, Value>,
    category: &str,
    column: &'static str,
) -> Result<Option<String>, Reject> {
    for adj in array(item.get("adjudication"), "item.adjudication", column)? {
        let codings = array(
            at_value(adj, &["category", "coding"]),
            "item.adjudication.category.coding",
            column,
        )?;
        if codings
            .iter()
            .any(|c| c.get("code").and_then(Value::as_str) == Some(category))
        {
            let amount = text(
                at_value(adj, &["amount", "value"]),
                "item.adjudication.amount.value",
                column,
            )?;
            if amount.is_some() {
                return Ok(amount);
            }
        }
    }
    Ok(None)
}

/// The claim's ICD-10-CM diagnoses in `sequence` order.
struct Diagnoses {
    /// (sequence, code) of the diagnoses with an ICD-10-CM code, sorted.
    coded: Vec<(Option<u64>, String)>,
}

impl Diagnoses {
    fn read(eob: &Map<String, Value>) -> Result<Diagnoses, Reject> {
        let mut all = Vec::new();
        for (i, d) in array(eob.get("diagnosis"), "diagnosis", "dx_codes")?
            .iter()
            .enumerate()
        {
            let seq = sequence(d.get("sequence"), "diagnosis.sequence", "dx_codes")?;
            let codings = array(
                at_value(d, &["diagnosisCodeableConcept", "coding"]),
                "diagnosis.diagnosisCodeableConcept.coding",
                "dx_codes",
            )?;
            let mut code = None;
            for c in codings {
                if c.get("system").and_then(Value::as_str) == Some(ICD10CM) {
                    code = text(c.get("code"), "diagnosis code", "dx_codes")?;
                    if code.is_some() {
                        break;
                    }
                }
            }
            all.push((seq.unwrap_or(u64::MAX), i, seq, code));
        }
        // By sequence; diagnoses without one last, in the order written.
        all.sort_by_key(|&(key, i, _, _)| (key, i));
        let coded = all
            .into_iter()
            .filter_map(|(_, _, seq, code)| code.map(|c| (seq, c)))
            .collect();
        Ok(Diagnoses { coded })
    }

    fn codes(&self) -> Option<String> {
        joined(self.coded.iter().map(|(_, c)| c.clone()).collect())
    }

    /// 1-based position in `codes()` of the diagnosis with this `sequence`.
    fn position(&self, seq: u64) -> Option<usize> {
        self.coded
            .iter()
            .position(|(s, _)| *s == Some(seq))
            .map(|p| p + 1)
    }
}

// ------------------------------------------------------------ DocumentReference

/// One `DocumentReference`: one note row.
fn read_document(doc: &Map<String, Value>, row: u64, out: &mut TextTable) -> Result<(), Reject> {
    let first_identifier = first(doc.get("identifier")).and_then(|i| i.get("value"));
    let note_id = match text(first_identifier, "identifier[0].value", "note_id")? {
        Some(v) => Some(v),
        None => text(doc.get("id"), "id", "note_id")?,
    };
    let patient_id = patient_reference(doc.get("subject"), "subject", "patient_id")?;
    let period_start = text(
        at(doc, &["context", "period", "start"]),
        "context.period.start",
        "note_date",
    )?;
    let note_date = match date_part(period_start) {
        Some(d) => Some(d),
        None => date_part(text(doc.get("date"), "date", "note_date")?),
    };
    let note_type = match text(at(doc, &["type", "text"]), "type.text", "note_type")? {
        Some(t) => Some(t),
        None => text(
            first(at(doc, &["type", "coding"])).and_then(|c| c.get("display")),
            "type.coding[0].display",
            "note_type",
        )?,
    };
    let provider_id = reference_id(first(doc.get("author")), "author[0]", "provider_id")?;
    let claim_id = reference_id(
        first(at(doc, &["context", "related"])),
        "context.related[0]",
        "claim_id",
    )?;
    let text = note_text(doc)?;
    out.push(
        row,
        &[
            ("note_id", note_id),
            ("patient_id", Some(patient_id)),
            ("note_date", note_date),
            ("note_type", note_type),
            ("claim_id", claim_id),
            ("provider_id", provider_id),
            ("text", text),
        ],
    );
    Ok(())
}

/// The `data` of the first `text/plain` attachment that has data, decoded
/// from base64 as UTF-8.
fn note_text(doc: &Map<String, Value>) -> Result<Option<String>, Reject> {
    let mut plain_without_data = false;
    for content in array(doc.get("content"), "content", "text")? {
        let Some(attachment) = content.get("attachment") else {
            continue;
        };
        let media_type = text(
            attachment.get("contentType"),
            "attachment.contentType",
            "text",
        )?;
        let is_plain = media_type.is_some_and(|m| {
            let essence = m.split(';').next().unwrap_or("").trim();
            essence.eq_ignore_ascii_case("text/plain")
        });
        if !is_plain {
            continue;
        }
        let data = match attachment.get("data") {
            None | Some(Value::Null) => {
                plain_without_data = true;
                continue;
            }
            Some(Value::String(s)) => s,
            Some(_) => return reject("text", "text/plain attachment data is not a string"),
        };
        return decode_text(data).map(|t| (!t.is_empty()).then_some(t));
    }
    if plain_without_data {
        reject(
            "text",
            "text/plain attachment has no inline data (url only?)",
        )
    } else {
        reject("text", "no text/plain attachment")
    }
}

/// base64 (whitespace allowed, padding optional) -> UTF-8 text without BOM.
fn decode_text(data: &str) -> Result<String, Reject> {
    const ENGINE: GeneralPurpose = GeneralPurpose::new(
        &alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    let compact: Vec<u8> = data.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    let bytes = match ENGINE.decode(&compact) {
        Ok(b) => b,
        Err(_) => return reject("text", "attachment data is not valid base64"),
    };
    let mut text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            return reject(
                "text",
                format!(
                    "attachment text is not valid UTF-8 (byte offset {})",
                    e.utf8_error().valid_up_to()
                ),
            );
        }
    };
    if let Some(at) = text.bytes().position(|b| b == 0) {
        return reject(
            "text",
            format!("attachment text holds a NUL byte (byte offset {at})"),
        );
    }
    if text.starts_with('\u{FEFF}') {
        text.drain(..'\u{FEFF}'.len_utf8());
    }
    Ok(text)
}

// ------------------------------------------------------------ shared helpers

/// `reference` of a patient Reference without `Patient/`; absent = reject.
fn patient_reference(
    r: Option<&Value>,
    what: &str,
    column: &'static str,
) -> Result<String, Reject> {
    let reference = text(r.and_then(|r| r.get("reference")), what, column)?;
    let Some(reference) = reference else {
        return reject(column, format!("no {what}.reference"));
    };
    let reference = without_history(&reference);
    let id = match reference.rfind("Patient/") {
        Some(at) => &reference[at + "Patient/".len()..],
        None => reference,
    };
    if id.is_empty() {
        return reject(column, format!("{what}.reference has no id"));
    }
    Ok(id.to_string())
}

/// A Reference's `identifier.value`, else the id of its `reference` (the part
/// after the last `/`).
fn reference_id(
    r: Option<&Value>,
    what: &str,
    column: &'static str,
) -> Result<Option<String>, Reject> {
    let Some(r) = r else { return Ok(None) };
    if let Some(v) = text(at_value(r, &["identifier", "value"]), what, column)? {
        return Ok(Some(v));
    }
    let Some(reference) = text(r.get("reference"), what, column)? else {
        return Ok(None);
    };
    let reference = without_history(&reference);
    let id = reference.rsplit('/').next().unwrap_or(reference);
    Ok((!id.is_empty()).then(|| id.to_string()))
}

/// `Type/id/_history/3` -> `Type/id`.
fn without_history(reference: &str) -> &str {
    match reference.find("/_history/") {
        Some(at) => &reference[..at],
        None => reference,
    }
}

/// A string as written, a number as its shortest round-trip text; absent,
/// null or "" = None; any other JSON type rejects the resource.
fn text(v: Option<&Value>, what: &str, column: &'static str) -> Result<Option<String>, Reject> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Number(n)) => Ok(Some(number_text(n))),
        Some(_) => reject(column, format!("{what} is not a string or number")),
    }
}

/// An integer as written; a float as the shortest text that reads back to
/// the same value, without exponent (96.0 -> "96", 96.5 -> "96.5").
fn number_text(n: &Number) -> String {
    if let Some(u) = n.as_u64() {
        u.to_string()
    } else if let Some(i) = n.as_i64() {
        i.to_string()
    } else {
        // Rust's `Display` for f64 is the shortest round-trip text, never in
        // exponent form (unlike serde_json's own `Number` display).
        format!("{}", n.as_f64().unwrap_or(f64::NAN))
    }
}

/// A positiveInt (a number, or digits in a string); absent = None.
fn sequence(v: Option<&Value>, what: &str, column: &'static str) -> Result<Option<u64>, Reject> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) if n.as_u64().is_some() => Ok(n.as_u64()),
        Some(Value::String(s)) if s.trim().parse::<u64>().is_ok() => Ok(s.trim().parse().ok()),
        Some(_) => reject(column, format!("{what} is not a positive integer")),
    }
}

/// The date part of a FHIR date or dateTime, as written (no time-zone shift):
/// `2026-03-02T23:30:00-05:00` -> `2026-03-02`.
fn date_part(v: Option<String>) -> Option<String> {
    v.map(|s| {
        if s.len() > 10 && s.as_bytes()[10] == b'T' {
            s[..10].to_string()
        } else {
            s
        }
    })
}

/// An array member (absent or null = empty); any other type rejects.
fn array<'a>(
    v: Option<&'a Value>,
    what: &str,
    column: &'static str,
) -> Result<&'a [Value], Reject> {
    match v {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(a)) => Ok(a),
        Some(_) => reject(column, format!("{what} is not an array")),
    }
}

/// The first element of an array member.
fn first(v: Option<&Value>) -> Option<&Value> {
    v.and_then(Value::as_array).and_then(|a| a.first())
}

/// `obj.k1.k2...` through objects.
fn at<'a>(obj: &'a Map<String, Value>, path: &[&str]) -> Option<&'a Value> {
    let (head, rest) = path.split_first()?;
    at_value(obj.get(*head)?, rest)
}

fn at_value<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, k| v.get(*k))
}

fn joined(parts: Vec<String>) -> Option<String> {
    (!parts.is_empty()).then(|| parts.join(";"))
}

/// A serde_json syntax error in words, without the line's text.
fn json_error(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match e.classify() {
        Category::Eof => "cut short",
        Category::Syntax => "syntax error",
        Category::Data => "unexpected value",
        Category::Io => "read error",
    };
    format!("line is not valid JSON ({what} at column {})", e.column())
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(u8::is_ascii_whitespace)
}

fn trim_ascii(line: &[u8]) -> &[u8] {
    let start = line
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(line.len());
    let end = line
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &line[start..end]
}

/// Whether `line` starts a JSON object with `key` among its top-level keys.
/// A complete line is parsed; a line cut short (a file's head) is scanned.
fn has_top_level_key(line: &[u8], key: &[u8]) -> bool {
    let line = trim_ascii(line);
    if !line.starts_with(b"{") {
        return false;
    }
    if let Ok(Value::Object(m)) = serde_json::from_slice::<Value>(line) {
        return std::str::from_utf8(key).is_ok_and(|k| m.contains_key(k));
    }
    let mut depth = 0usize;
    let mut i = 0;
    while i < line.len() {
        match line[i] {
            b'"' => {
                let start = i + 1;
                let mut j = start;
                while j < line.len() && line[j] != b'"' {
                    j += if line[j] == b'\\' { 2 } else { 1 };
                }
                if j >= line.len() {
                    return false;
                }
                if depth == 1 && &line[start..j] == key {
                    let after = line[j + 1..].iter().find(|b| !b.is_ascii_whitespace());
                    if after == Some(&b':') {
                        return true;
                    }
                }
                i = j + 1;
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return false;
                }
            }
            _ => {}
        }
        i += 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::super::text_table::ParseReject;
    use super::*;
    use serde_json::json;
    use std::sync::atomic::{AtomicUsize, Ordering};

    static COUNTER: AtomicUsize = AtomicUsize::new(0);

    /// A temporary NDJSON file, removed on drop.
    struct TempFile(std::path::PathBuf);
    impl Drop for TempFile {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    fn file_of(bytes: &[u8]) -> TempFile {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let path =
            std::env::temp_dir().join(format!("fhir-test-{}-{n}.ndjson", std::process::id()));
        std::fs::write(&path, bytes).unwrap();
        TempFile(path)
    }

    fn read_lines(lines: &[Value], table: FhirTable) -> TextTable {
        let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
        read_raw(text.as_bytes(), table)
    }

    fn read_raw(bytes: &[u8], table: FhirTable) -> TextTable {
        let f = file_of(bytes);
        read_bulk_fhir(&f.0, table).unwrap()
    }

    /// Row `i` as (column, value) for the columns that have a value.
    fn row(t: &TextTable, i: usize) -> Vec<(&'static str, String)> {
        t.columns
            .iter()
            .zip(&t.rows()[i].1)
            .filter_map(|(c, v)| v.clone().map(|v| (*c, v)))
            .collect()
    }

    fn get(t: &TextTable, i: usize, column: &str) -> Option<String> {
        let at = t.columns.iter().position(|c| *c == column).unwrap();
        t.rows()[i].1[at].clone()
    }

    fn b64(s: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(s)
    }

    /// A CARIN-BB-shaped EOB with two items.
    fn full_eob() -> Value {
        json!({
            "resourceType": "ExplanationOfBenefit",
            "id": "eob-1",
            "identifier": [
                {"type": {"coding": [{"code": "other"}]}, "value": "OTHER-1"},
                {"type": {"coding": [{"system": "http://hl7.org/fhir/us/carin-bb/CodeSystem/C4BBIdentifierType", "code": "uc"}]},
                 "value": "CLM1"}
            ],
            "status": "active",
            "patient": {"reference": "Patient/MRN1"},
            "billablePeriod": {"start": "2026-03-01", "end": "2026-03-31"},
            "insurer": {"reference": "Organization/org-9", "display": "MEDICARE",
                        "identifier": {"value": "PAYER-ID"}},
            "provider": {"reference": "Organization/clinic-1"},
            "careTeam": [
                {"sequence": 1, "provider": {"reference": "Practitioner/pr-1",
                                              "identifier": {"system": "http://hl7.org/fhir/sid/us-npi", "value": "1111111111"}}},
                {"sequence": 2, "provider": {"reference": "Practitioner/2222222222"}}
            ],
            "diagnosis": [
                {"sequence": 3, "diagnosisCodeableConcept": {"coding": [{"system": ICD10CM, "code": "R26.2"}]}},
                {"sequence": 1, "diagnosisCodeableConcept": {"coding": [{"system": ICD10CM, "code": "M62.81"}]}},
                {"sequence": 2, "diagnosisCodeableConcept": {"coding": [
                    {"system": "http://snomed.info/sct", "code": "26544005"},
                    {"system": ICD10CM, "code": "Z74.09"}]}}
            ],
            "item": [
                {"sequence": 1, "careTeamSequence": [1], "diagnosisSequence": [1, 3],
                 "productOrService": {"coding": [{"system": "http://www.ama-assn.org/go/cpt", "code": "97110"}]},
                 "modifier": [{"coding": [{"code": "GP"}]}, {"coding": [{"code": "59"}]}],
                 "servicedDate": "2026-03-02",
                 "quantity": {"value": 2},
                 "net": {"value": 999.0, "currency": "USD"},
                 "adjudication": [
                    {"category": {"coding": [{"code": "submitted"}]}, "amount": {"value": 96.0}},
                    {"category": {"coding": [{"code": "benefit"}]}, "amount": {"value": 1.0}},
                    {"category": {"coding": [{"system": "x", "code": "paidtoprovider"}]}, "amount": {"value": 73.87}}
                 ]},
                {"sequence": 2, "careTeamSequence": [2], "diagnosisSequence": [2],
                 "productOrService": {"coding": [{"code": "97112"}]},
                 "servicedDate": "2026-03-02",
                 "quantity": {"value": 1},
                 "adjudication": [
                    {"category": {"coding": [{"code": "submitted"}]}, "amount": {"value": 52.5}}
                 ]}
            ]
        })
    }

    #[test]
    fn eob_full_shape_gives_one_row_per_item() {
        let t = read_lines(&[full_eob()], FhirTable::Claims);
        assert_eq!(t.columns, CLAIM_COLUMNS.to_vec());
        assert!(t.rejects.is_empty(), "{:?}", t.rejects);
        assert_eq!(t.rows().len(), 2);
        assert_eq!(t.rows()[0].0, 1);
        assert_eq!(t.rows()[1].0, 1);
        let s = |v: &str| v.to_string();
        assert_eq!(
            row(&t, 0),
            vec![
                ("claim_id", s("CLM1")),
                ("line_number", s("1")),
                ("patient_id", s("MRN1")),
                ("provider_id", s("1111111111")),
                ("service_date", s("2026-03-02")),
                ("cpt_code", s("97110")),
                ("modifiers", s("GP;59")),
                ("units", s("2")),
                ("charge_amount", s("96")),
                ("paid_amount", s("73.87")),
                ("payer", s("MEDICARE")),
                ("dx_codes", s("M62.81;Z74.09;R26.2")),
                // sequence 1 -> position 1, sequence 3 -> position 3
                ("dx_pointers", s("1;3")),
            ]
        );
        // careTeam member 2 has a reference only: its id.
        assert_eq!(get(&t, 1, "provider_id").as_deref(), Some("2222222222"));
        assert_eq!(get(&t, 1, "charge_amount").as_deref(), Some("52.5"));
        assert_eq!(get(&t, 1, "paid_amount"), None);
        assert_eq!(get(&t, 1, "modifiers"), None);
        assert_eq!(get(&t, 1, "dx_pointers").as_deref(), Some("2"));
    }

    #[test]
    fn claim_id_falls_back_to_resource_id() {
        let mut eob = full_eob();
        eob["identifier"] = json!([{"type": {"coding": [{"code": "other"}]}, "value": "X"}]);
        let t = read_lines(&[eob.clone()], FhirTable::Claims);
        assert_eq!(get(&t, 0, "claim_id").as_deref(), Some("eob-1"));
        eob.as_object_mut().unwrap().remove("identifier");
        let t = read_lines(&[eob], FhirTable::Claims);
        assert_eq!(get(&t, 0, "claim_id").as_deref(), Some("eob-1"));
    }

    #[test]
    fn provider_falls_back_to_the_eob_provider() {
        let mut eob = full_eob();
        // item 1 names no care-team member; item 2 names one that is not there
        eob["item"][0]
            .as_object_mut()
            .unwrap()
            .remove("careTeamSequence");
        eob["item"][1]["careTeamSequence"] = json!([7]);
        let t = read_lines(&[eob.clone()], FhirTable::Claims);
        assert_eq!(get(&t, 0, "provider_id").as_deref(), Some("clinic-1"));
        assert_eq!(get(&t, 1, "provider_id").as_deref(), Some("clinic-1"));
        // the EOB provider by identifier
        eob["provider"] =
            json!({"identifier": {"value": "1999999999"}, "reference": "Organization/o"});
        let t = read_lines(&[eob.clone()], FhirTable::Claims);
        assert_eq!(get(&t, 0, "provider_id").as_deref(), Some("1999999999"));
        // no provider at all
        eob.as_object_mut().unwrap().remove("provider");
        let t = read_lines(&[eob], FhirTable::Claims);
        assert_eq!(get(&t, 0, "provider_id"), None);
        assert!(t.rejects.is_empty());
    }

    #[test]
    fn payer_falls_back_to_identifier_then_reference() {
        let mut eob = full_eob();
        eob["insurer"] =
            json!({"identifier": {"value": "PAYER-ID"}, "reference": "Organization/org-9"});
        let t = read_lines(&[eob.clone()], FhirTable::Claims);
        assert_eq!(get(&t, 0, "payer").as_deref(), Some("PAYER-ID"));
        eob["insurer"] = json!({"reference": "Organization/org-9"});
        let t = read_lines(&[eob.clone()], FhirTable::Claims);
        assert_eq!(get(&t, 0, "payer").as_deref(), Some("org-9"));
        eob.as_object_mut().unwrap().remove("insurer");
        let t = read_lines(&[eob], FhirTable::Claims);
        assert_eq!(get(&t, 0, "payer"), None);
    }

    #[test]
    fn service_date_falls_back_to_period_then_billable_period() {
        let mut eob = full_eob();
        let items = eob["item"].as_array_mut().unwrap();
        items[0].as_object_mut().unwrap().remove("servicedDate");
        items[0]["servicedPeriod"] =
            json!({"start": "2026-03-05T10:00:00-05:00", "end": "2026-03-06"});
        items[1].as_object_mut().unwrap().remove("servicedDate");
        let t = read_lines(&[eob.clone()], FhirTable::Claims);
        assert_eq!(get(&t, 0, "service_date").as_deref(), Some("2026-03-05"));
        assert_eq!(get(&t, 1, "service_date").as_deref(), Some("2026-03-01"));
        // nowhere: None (the common validation rejects it)
        eob.as_object_mut().unwrap().remove("billablePeriod");
        let t = read_lines(&[eob], FhirTable::Claims);
        assert_eq!(get(&t, 1, "service_date"), None);
        assert!(t.rejects.is_empty());
    }

    #[test]
    fn charge_falls_back_to_net_and_paid_to_benefit() {
        let mut eob = full_eob();
        eob["item"][0]["adjudication"] = json!([
            {"category": {"coding": [{"code": "benefit"}]}, "amount": {"value": 70.1}},
            {"category": {"coding": [{"code": "submitted"}]}}
        ]);
        eob["item"][0]["net"] = json!({"value": 96.0});
        let t = read_lines(&[eob.clone()], FhirTable::Claims);
        assert_eq!(get(&t, 0, "charge_amount").as_deref(), Some("96"));
        assert_eq!(get(&t, 0, "paid_amount").as_deref(), Some("70.1"));
        // strings are kept as written
        eob["item"][0]["net"] = json!({"value": "96.00"});
        eob["item"][0]["quantity"] = json!({"value": "2"});
        let t = read_lines(&[eob.clone()], FhirTable::Claims);
        assert_eq!(get(&t, 0, "charge_amount").as_deref(), Some("96.00"));
        assert_eq!(get(&t, 0, "units").as_deref(), Some("2"));
        // neither: None
        eob["item"][0].as_object_mut().unwrap().remove("net");
        eob["item"][0]
            .as_object_mut()
            .unwrap()
            .remove("adjudication");
        let t = read_lines(&[eob], FhirTable::Claims);
        assert_eq!(get(&t, 0, "charge_amount"), None);
        assert_eq!(get(&t, 0, "paid_amount"), None);
    }

    #[test]
    fn numbers_are_written_as_short_text() {
        for (n, want) in [
            (json!(96), "96"),
            (json!(96.0), "96"),
            (json!(96.5), "96.5"),
            (json!(73.87), "73.87"),
            (json!(0.1), "0.1"),
            (json!(-5), "-5"),
            (json!(1e21), "1000000000000000000000"),
        ] {
            let Value::Number(n) = n else { unreachable!() };
            assert_eq!(number_text(&n), want);
        }
        // from the file's own text
        let t = read_raw(
            br#"{"resourceType":"ExplanationOfBenefit","id":"e","patient":{"reference":"Patient/p"},"item":[{"sequence":1,"net":{"value":135.00},"quantity":{"value":1.0}}]}"#,
            FhirTable::Claims,
        );
        assert_eq!(get(&t, 0, "charge_amount").as_deref(), Some("135"));
        assert_eq!(get(&t, 0, "units").as_deref(), Some("1"));
    }

    #[test]
    fn diagnosis_sequence_maps_to_positions_in_the_sorted_list() {
        let mut eob = full_eob();
        // sequences 10, 20, 30 written out of order; one non-ICD-10-CM diagnosis (seq 15)
        eob["diagnosis"] = json!([
            {"sequence": 30, "diagnosisCodeableConcept": {"coding": [{"system": ICD10CM, "code": "C61"}]}},
            {"sequence": 15, "diagnosisCodeableConcept": {"coding": [{"system": "http://snomed.info/sct", "code": "1"}]}},
            {"sequence": 10, "diagnosisCodeableConcept": {"coding": [{"system": ICD10CM, "code": "M62.81"}]}},
            {"sequence": 20, "diagnosisCodeableConcept": {"coding": [{"system": ICD10CM, "code": "I50.9"}]}}
        ]);
        eob["item"][0]["diagnosisSequence"] = json!([30, 10, 15]);
        eob["item"][1]["diagnosisSequence"] = json!([20]);
        let t = read_lines(&[eob.clone()], FhirTable::Claims);
        assert_eq!(get(&t, 0, "dx_codes").as_deref(), Some("M62.81;I50.9;C61"));
        assert_eq!(get(&t, 0, "dx_pointers").as_deref(), Some("3;1"));
        assert_eq!(get(&t, 1, "dx_pointers").as_deref(), Some("2"));
        // no diagnosis at all: dx_codes None, not a reject
        eob.as_object_mut().unwrap().remove("diagnosis");
        let t = read_lines(&[eob], FhirTable::Claims);
        assert_eq!(get(&t, 0, "dx_codes"), None);
        assert_eq!(get(&t, 0, "dx_pointers"), None);
        assert!(t.rejects.is_empty());
    }

    #[test]
    fn care_team_member_is_found_by_sequence_not_position() {
        let mut eob = full_eob();
        eob["careTeam"] = json!([
            {"sequence": 2, "provider": {"reference": "Practitioner/second"}},
            {"sequence": 1, "provider": {"reference": "Practitioner/first"}}
        ]);
        // only the first careTeamSequence counts
        eob["item"][0]["careTeamSequence"] = json!([2, 1]);
        eob["item"][1]["careTeamSequence"] = json!([1]);
        let t = read_lines(&[eob], FhirTable::Claims);
        assert_eq!(get(&t, 0, "provider_id").as_deref(), Some("second"));
        assert_eq!(get(&t, 1, "provider_id").as_deref(), Some("first"));
    }

    #[test]
    fn unreadable_eobs_are_rejected_and_reading_goes_on() {
        let mut no_items = full_eob();
        no_items.as_object_mut().unwrap().remove("item");
        let mut empty_items = full_eob();
        empty_items["item"] = json!([]);
        let mut no_patient = full_eob();
        no_patient["patient"] = json!({"display": "Jane Doe"});
        let mut bad_type = full_eob();
        bad_type["item"][1]["quantity"] = json!({"value": true});
        let t = read_lines(
            &[no_items, empty_items, no_patient, bad_type, full_eob()],
            FhirTable::Claims,
        );
        assert_eq!(
            t.rejects,
            vec![
                ParseReject {
                    row: 1,
                    column: "".into(),
                    reason: "ExplanationOfBenefit has no item".into()
                },
                ParseReject {
                    row: 2,
                    column: "".into(),
                    reason: "ExplanationOfBenefit has no item".into()
                },
                ParseReject {
                    row: 3,
                    column: "patient_id".into(),
                    reason: "no patient.reference".into()
                },
                ParseReject {
                    row: 4,
                    column: "units".into(),
                    reason: "item.quantity.value is not a string or number".into()
                },
            ]
        );
        // all or nothing per resource: the good EOB on line 5 gives its 2 rows
        assert_eq!(t.rows().iter().map(|r| r.0).collect::<Vec<_>>(), vec![5, 5]);
        assert!(!format!("{:?}", t.rejects).contains("Jane"));
    }

    #[test]
    fn other_resource_types_are_counted_and_skipped() {
        let lines = [
            json!({"resourceType": "Patient", "id": "p1"}),
            full_eob(),
            json!({"resourceType": "Coverage", "id": "c1"}),
            json!({"resourceType": "Patient", "id": "p2"}),
            json!({"resourceType": "DocumentReference", "id": "d1"}),
        ];
        let t = read_lines(&lines, FhirTable::Claims);
        assert_eq!(t.rows().len(), 2);
        assert!(t.rows().iter().all(|r| r.0 == 2));
        assert!(t.rejects.is_empty());
        let skipped: Vec<(&str, u64)> = t.skipped.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        assert_eq!(
            skipped,
            vec![("Coverage", 1), ("DocumentReference", 1), ("Patient", 2)]
        );
        // and the other way round
        let t = read_lines(&lines, FhirTable::Notes);
        assert_eq!(t.skipped["ExplanationOfBenefit"], 1);
        assert_eq!(t.skipped["Patient"], 2);
        assert_eq!(
            t.rejects.len(),
            1,
            "the DocumentReference without subject: {:?}",
            t.rejects
        );
    }

    #[test]
    fn invalid_json_lines_are_rejected_with_their_line_number() {
        let mut bytes = Vec::new();
        bytes.extend_from_slice(format!("{}\n", full_eob()).as_bytes());
        bytes.extend_from_slice(
            b"{\"resourceType\": \"ExplanationOfBenefit\", \"patient\": MRN-SECRET\n",
        );
        bytes.extend_from_slice(b"\n   \n"); // blank lines: not rows, but counted as lines
        bytes.extend_from_slice(b"[1, 2]\n");
        bytes.extend_from_slice(b"{\"id\": \"x\"}\n");
        bytes.extend_from_slice(b"{\"resourceType\": \"Patient\", \"name\": \"\xff\xfe\"}\n");
        bytes.extend_from_slice(format!("{}\r\n", full_eob()).as_bytes());
        let t = read_raw(&bytes, FhirTable::Claims);
        let rows: Vec<u64> = t.rejects.iter().map(|r| r.row).collect();
        assert_eq!(rows, vec![2, 5, 6, 7]);
        assert!(
            t.rejects[0].reason.starts_with("line is not valid JSON"),
            "{:?}",
            t.rejects[0]
        );
        assert!(!t.rejects[0].reason.contains("SECRET"));
        assert_eq!(
            t.rejects[1].reason,
            "line is not a JSON object (one FHIR resource expected)"
        );
        assert_eq!(t.rejects[2].reason, "resource has no resourceType");
        assert_eq!(
            t.rejects[3].reason,
            "line is not valid UTF-8 (byte offset 37)"
        );
        assert!(t.rejects.iter().all(|r| r.column.is_empty()));
        assert_eq!(
            t.rows().iter().map(|r| r.0).collect::<Vec<_>>(),
            vec![1, 1, 8, 8]
        );
    }

    #[test]
    fn file_level_errors_name_the_file() {
        let missing = std::env::temp_dir().join("fhir-test-no-such-file.ndjson");
        let e = read_bulk_fhir(&missing, FhirTable::Claims).unwrap_err();
        assert!(e.starts_with(&missing.display().to_string()), "{e}");
        assert!(!e.contains('\n'));
        // a pretty-printed resource or a JSON array is not NDJSON
        for bytes in [
            &b"{\n  \"resourceType\": \"Bundle\"\n}\n"[..],
            b"[{\"resourceType\":\"Patient\"}]\n",
        ] {
            let f = file_of(bytes);
            let e = read_bulk_fhir(&f.0, FhirTable::Claims).unwrap_err();
            assert!(
                e.contains("not NDJSON") && e.contains(&f.0.display().to_string()),
                "{e}"
            );
        }
        // mostly not text
        let f = file_of(b"\xff\xfe\x00\x01\n\x00\x00\x00\n{\"resourceType\":\"Patient\"}\n");
        let e = read_bulk_fhir(&f.0, FhirTable::Claims).unwrap_err();
        assert!(e.contains("2 of 3 lines are not UTF-8 text"), "{e}");
        // empty file: an empty table
        let t = read_raw(b"", FhirTable::Notes);
        assert_eq!(t.columns, NOTE_COLUMNS.to_vec());
        assert!(t.rows().is_empty() && t.rejects.is_empty() && t.skipped.is_empty());
    }

    fn full_document(text: &str) -> Value {
        json!({
            "resourceType": "DocumentReference",
            "id": "doc-1",
            "identifier": [{"system": "urn:x", "value": "N1"}, {"value": "N1-other"}],
            "status": "current",
            "type": {"text": "initial evaluation",
                     "coding": [{"system": "http://loinc.org", "code": "11506-3", "display": "Progress note"}]},
            "subject": {"reference": "Patient/MRN1"},
            "date": "2026-03-03T09:00:00Z",
            "author": [{"reference": "Practitioner/pr-1", "identifier": {"value": "1111111111"}},
                       {"reference": "Practitioner/other"}],
            "content": [
                {"attachment": {"contentType": "application/pdf", "data": "JVBERi0="}},
                {"attachment": {"contentType": "text/plain; charset=utf-8", "data": b64(text.as_bytes())}},
                {"attachment": {"contentType": "text/plain", "data": b64(b"second")}}
            ],
            "context": {"period": {"start": "2026-03-02"},
                        "related": [{"reference": "ExplanationOfBenefit/eob-1", "identifier": {"value": "CLM1"}}]}
        })
    }

    #[test]
    fn document_full_shape() {
        let note = "Pt reports \"weakness\", MMT 4/5.\nPlan: PT 2x/week — café";
        let t = read_lines(&[full_document(note)], FhirTable::Notes);
        assert!(t.rejects.is_empty(), "{:?}", t.rejects);
        let s = |v: &str| v.to_string();
        assert_eq!(
            row(&t, 0),
            vec![
                ("note_id", s("N1")),
                ("patient_id", s("MRN1")),
                ("note_date", s("2026-03-02")),
                ("note_type", s("initial evaluation")),
                ("claim_id", s("CLM1")),
                ("provider_id", s("1111111111")),
                ("text", s(note)),
            ]
        );
    }

    #[test]
    fn document_fallbacks() {
        let mut doc = full_document("x");
        let o = doc.as_object_mut().unwrap();
        o.remove("identifier");
        o["type"] = json!({"coding": [{"code": "11506-3", "display": "Progress note"}]});
        o["context"] = json!({"related": [{"reference": "ExplanationOfBenefit/eob-7"}]});
        o["author"] = json!([{"reference": "Practitioner/1234567890"}]);
        o["date"] = json!("2026-03-03T23:30:00-05:00"); // would be 03-04 in UTC: no shift
        let t = read_lines(&[doc.clone()], FhirTable::Notes);
        assert!(t.rejects.is_empty(), "{:?}", t.rejects);
        assert_eq!(get(&t, 0, "note_id").as_deref(), Some("doc-1"));
        assert_eq!(get(&t, 0, "note_type").as_deref(), Some("Progress note"));
        assert_eq!(get(&t, 0, "claim_id").as_deref(), Some("eob-7"));
        assert_eq!(get(&t, 0, "provider_id").as_deref(), Some("1234567890"));
        assert_eq!(get(&t, 0, "note_date").as_deref(), Some("2026-03-03"));
        // a date without time is kept as written; no context, no author, no type: None
        let o = doc.as_object_mut().unwrap();
        o.remove("context");
        o.remove("author");
        o.remove("type");
        o["date"] = json!("2026-03-09");
        let t = read_lines(&[doc.clone()], FhirTable::Notes);
        assert_eq!(get(&t, 0, "note_date").as_deref(), Some("2026-03-09"));
        assert_eq!(get(&t, 0, "claim_id"), None);
        assert_eq!(get(&t, 0, "provider_id"), None);
        assert_eq!(get(&t, 0, "note_type"), None);
        // no date at all
        doc.as_object_mut().unwrap().remove("date");
        let t = read_lines(&[doc], FhirTable::Notes);
        assert_eq!(get(&t, 0, "note_date"), None);
        assert!(t.rejects.is_empty());
    }

    #[test]
    fn document_text_attachment_choice_and_decoding() {
        // the first text/plain attachment (media type case-insensitive), base64 with line breaks
        let mut doc = full_document("x");
        let data = b64("a longer note, wrapped like a MIME body".as_bytes());
        let wrapped = format!("{}\n{}", &data[..20], &data[20..]);
        doc["content"] = json!([
            {"attachment": {"contentType": "text/html", "data": b64(b"<p>html</p>")}},
            {"attachment": {"contentType": "TEXT/PLAIN;charset=UTF-8", "data": wrapped}},
        ]);
        let t = read_lines(&[doc.clone()], FhirTable::Notes);
        assert_eq!(
            get(&t, 0, "text").as_deref(),
            Some("a longer note, wrapped like a MIME body")
        );
        // a UTF-8 BOM inside the text is dropped
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(b"hello");
        doc["content"] = json!([{"attachment": {"contentType": "text/plain", "data": b64(&bom)}}]);
        let t = read_lines(&[doc], FhirTable::Notes);
        assert_eq!(get(&t, 0, "text").as_deref(), Some("hello"));
    }

    #[test]
    fn unreadable_documents_are_rejected() {
        let secret = "SECRET clinical text";
        let with_content = |content: Value| {
            let mut d = full_document(secret);
            d["content"] = content;
            d
        };
        let mut no_subject = full_document(secret);
        no_subject.as_object_mut().unwrap().remove("subject");
        let lines = [
            with_content(
                json!([{"attachment": {"contentType": "text/plain", "data": "not base64!!"}}]),
            ),
            with_content(
                json!([{"attachment": {"contentType": "text/plain", "data": b64(b"caf\xe9 latin1")}}]),
            ),
            with_content(
                json!([{"attachment": {"contentType": "application/pdf", "data": "JVBERi0="}}]),
            ),
            with_content(json!([{"attachment": {"contentType": "text/plain", "url": "Binary/1"}}])),
            no_subject,
            with_content(
                json!([{"attachment": {"contentType": "text/plain", "data": b64(b"a\x00b")}}]),
            ),
            full_document(secret),
        ];
        let t = read_lines(&lines, FhirTable::Notes);
        let got: Vec<(u64, &str, &str)> = t
            .rejects
            .iter()
            .map(|r| (r.row, r.column.as_str(), r.reason.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (1, "text", "attachment data is not valid base64"),
                (
                    2,
                    "text",
                    "attachment text is not valid UTF-8 (byte offset 3)"
                ),
                (3, "text", "no text/plain attachment"),
                (
                    4,
                    "text",
                    "text/plain attachment has no inline data (url only?)"
                ),
                (5, "patient_id", "no subject.reference"),
                (
                    6,
                    "text",
                    "attachment text holds a NUL byte (byte offset 1)"
                ),
            ]
        );
        assert_eq!(t.rows().len(), 1);
        assert_eq!(t.rows()[0].0, 7);
        let shown = format!("{:?}", t.rejects);
        assert!(!shown.contains("SECRET") && !shown.contains("MRN1"));
    }

    #[test]
    fn patient_references_lose_their_type() {
        for (reference, want) in [
            ("Patient/MRN1", "MRN1"),
            ("https://fhir.example.org/r4/Patient/MRN1", "MRN1"),
            ("Patient/MRN1/_history/3", "MRN1"),
            ("urn:uuid:2f1c", "urn:uuid:2f1c"),
        ] {
            let mut doc = full_document("x");
            doc["subject"] = json!({"reference": reference});
            let t = read_lines(&[doc], FhirTable::Notes);
            assert_eq!(
                get(&t, 0, "patient_id").as_deref(),
                Some(want),
                "{reference}"
            );
        }
    }

    #[test]
    fn first_line_is_sniffed_for_resource_type() {
        assert!(looks_like_fhir(
            b"{\"resourceType\":\"ExplanationOfBenefit\",\"id\":\"1\"}\n{\"resourceType\""
        ));
        assert!(looks_like_fhir(
            b"\xEF\xBB\xBF\n  \n{\"id\": \"1\", \"resourceType\": \"Patient\"}\n"
        ));
        // cut short inside the first line, the key already seen at the top level
        assert!(looks_like_fhir(
            b"{\"meta\": {\"a\": [1, {\"b\": \"}\"}]}, \"resourceType\" : \"Pat"
        ));
        // nested only, a value, or not an object
        assert!(!looks_like_fhir(
            b"{\"meta\": {\"resourceType\": \"x\"}, \"id\": \"1\"}\n"
        ));
        assert!(!looks_like_fhir(b"{\"kind\": \"resourceType\"}\n"));
        assert!(!looks_like_fhir(b"{\"meta\": {\"resourceType\": \"x\""));
        assert!(!looks_like_fhir(
            b"{\"claim_id\": \"C1\", \"line_number\": 1}\n"
        ));
        assert!(!looks_like_fhir(b"[{\"resourceType\": \"Patient\"}]\n"));
        assert!(!looks_like_fhir(b"ISA*00*          *00*"));
        assert!(!looks_like_fhir(b"{\n  \"resourceType\": \"Bundle\"\n}\n"));
        assert!(!looks_like_fhir(b""));
        assert!(!looks_like_fhir(b"\n\n"));
    }
}
