//! Reads X12 837P 5010 claim files (`005010X222A1`) into the contract's
//! claims columns as text, so that they go through the same validation as a
//! CSV's rows (CONTRACT.md, "formats that claim systems write").
//!
//! Streaming: one segment is read at a time and one claim is held in memory.
//! Each service line (`LX`) becomes one row, numbered by its `LX` segment
//! (segments count from 1 within the file, across all ISA envelopes).
//!
//! A segment that cannot be read rejects its whole claim: one reject, whose
//! row is that segment's number; reading goes on at the next `CLM`. A segment
//! outside a claim that cannot be read (a damaged subscriber `NM1`, say)
//! rejects each claim under it, up to the next `HL` of its level; if no claim
//! comes under it, it is one reject of its own. A claim still open when the
//! file ends (no `SE`) is rejected: the file was cut and lines may be missing.
//! Values are passed on as written: checking them is the tool's job.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use super::text_table::{CLAIM_COLUMNS as COLUMNS, TextTable};

/// The ISA segment has fixed-width elements: 106 bytes with its terminator.
const ISA_LEN: usize = 106;
/// No 837 segment comes near this: a longer one means the terminator is wrong.
const MAX_SEGMENT: u64 = 1 << 20;
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// True when the bytes look like X12 (after optional whitespace/BOM, start with "ISA").
pub fn looks_like_x12(head: &[u8]) -> bool {
    let head = head.strip_prefix(BOM).unwrap_or(head);
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(head.len());
    head[start..].starts_with(b"ISA")
}

/// Reads one 837P file. Err(one-line message naming the file, without any
/// claim data) = file-level error (not X12 at all, ISA unreadable, a
/// transaction set other than 837P 5010).
pub fn read_837(path: &Path) -> Result<TextTable, String> {
    let file = File::open(path).map_err(|e| format!("{}: cannot open: {e}", path.display()))?;
    read_from(BufReader::with_capacity(1 << 16, file))
        .map_err(|e| format!("{}: {e}", path.display()))
}

fn read_from(input: impl BufRead) -> Result<TextTable, String> {
    let mut segments = Segments::new(input);
    let mut reader = ClaimReader::new();
    while let Some(segment) = segments.next()? {
        reader.segment(&segment)?;
    }
    Ok(reader.finish())
}

// ---------------------------------------------------------------- segments

#[derive(Debug, Clone, Copy)]
struct Separators {
    element: u8,
    component: u8,
    terminator: u8,
}

/// One segment, split into elements (borrowed from the reader's buffer).
#[derive(Debug)]
struct Segment<'a> {
    /// 1-based number within the file.
    number: u64,
    /// The segment id; empty when it cannot be read (never shown then: it may be data).
    id: &'a str,
    /// Element 01 first.
    elements: Vec<&'a str>,
    component: char,
    /// Why the segment cannot be read, when it cannot.
    damage: Option<String>,
    /// The file ended before the segment's terminator.
    cut: bool,
}

impl<'a> Segment<'a> {
    fn parse(number: u64, bytes: &'a [u8], separators: Separators, terminated: bool) -> Self {
        let mut segment = Segment {
            number,
            id: "",
            elements: Vec::new(),
            component: separators.component as char,
            damage: None,
            cut: !terminated,
        };
        // The reason names a byte offset, never the text.
        if let Some(at) = bytes.iter().position(|&b| b == 0) {
            segment.damage = Some(format!("NUL byte at byte {at} of the segment"));
            return segment;
        }
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let at = e.valid_up_to();
                segment.damage = Some(format!("not valid UTF-8 at byte {at} of the segment"));
                return segment;
            }
        };
        let mut parts = text.split(separators.element as char);
        let id = parts.next().unwrap_or("").trim();
        if !is_segment_id(id) {
            segment.damage = Some("segment id is not readable".into());
            return segment;
        }
        segment.id = id;
        segment.elements = parts.collect();
        if segment.cut {
            segment.damage = Some("cut off: the file ends before its segment terminator".into());
        }
        segment
    }

    /// Element `i` (1-based, as in `CLM01`), trimmed; "" when absent.
    fn get(&self, i: usize) -> &'a str {
        self.elements.get(i - 1).map_or("", |e| e.trim())
    }

    /// Element `i` as text, None when empty.
    fn value(&self, i: usize) -> Option<String> {
        non_empty(self.get(i))
    }

    /// The components of element `i`, trimmed; at least one (maybe empty).
    fn components(&self, i: usize) -> Vec<&'a str> {
        self.get(i).split(self.component).map(str::trim).collect()
    }
}

fn is_segment_id(id: &str) -> bool {
    let b = id.as_bytes();
    (2..=3).contains(&b.len())
        && b[0].is_ascii_uppercase()
        && b.iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// Splits the byte stream into segments with the separators of the latest ISA.
struct Segments<R> {
    input: R,
    separators: Option<Separators>,
    count: u64,
    at_start: bool,
    buf: Vec<u8>,
}

impl<R: BufRead> Segments<R> {
    fn new(input: R) -> Self {
        Segments {
            input,
            separators: None,
            count: 0,
            at_start: true,
            buf: Vec::new(),
        }
    }

    /// The next segment; None at the end of the file; Err: a file-level error.
    fn next(&mut self) -> Result<Option<Segment<'_>>, String> {
        loop {
            if !self.skip_whitespace()? {
                return Ok(None);
            }
            self.buf.clear();
            let terminator = self.separators.map(|s| s.terminator);
            // The first three bytes one at a time: an ISA brings its own
            // separators, so it must be known before a terminator is looked for.
            let mut terminated = false;
            while self.buf.len() < 3 {
                match self.byte()? {
                    None => break,
                    Some(b) if Some(b) == terminator => {
                        terminated = true;
                        break;
                    }
                    Some(b) => self.buf.push(b),
                }
            }
            if self.buf == b"ISA" {
                return self.read_isa().map(Some);
            }
            let Some(separators) = self.separators else {
                return Err("does not start with an ISA segment: not an X12 file".into());
            };
            if self.buf.len() == 3 && !terminated {
                (&mut self.input)
                    .take(MAX_SEGMENT - 3)
                    .read_until(separators.terminator, &mut self.buf)
                    .map_err(read_error)?;
                terminated = self.buf.last() == Some(&separators.terminator);
                if terminated {
                    self.buf.pop();
                } else if self.buf.len() as u64 >= MAX_SEGMENT {
                    return Err(format!(
                        "segment {} is longer than 1 MiB: the segment terminator given by the ISA is not used",
                        self.count + 1
                    ));
                }
            }
            // An empty segment (a doubled terminator) holds nothing: skipped, not counted.
            if self.buf.is_empty() && terminated {
                continue;
            }
            self.count += 1;
            let segment = Segment::parse(self.count, &self.buf, separators, terminated);
            return Ok(Some(segment));
        }
    }

    /// Reads the rest of a fixed-length ISA and takes its separators.
    fn read_isa(&mut self) -> Result<Segment<'_>, String> {
        let number = self.count + 1;
        (&mut self.input)
            .take((ISA_LEN - 3) as u64)
            .read_to_end(&mut self.buf)
            .map_err(read_error)?;
        let isa = &self.buf;
        if isa.len() < ISA_LEN {
            return Err(format!(
                "segment {number} (ISA) is shorter than its fixed {ISA_LEN} bytes"
            ));
        }
        let (e, c, t) = (isa[3], isa[104], isa[105]);
        // Three distinct punctuation bytes, and the 16 elements at their fixed places.
        let punctuation = |b: u8| b.is_ascii_punctuation() || (b.is_ascii_control() && b != 0);
        let distinct = e != c && e != t && c != t;
        let fixed_layout = isa[103] == e && isa[..105].iter().filter(|&&b| b == e).count() == 16;
        if !(punctuation(e) && punctuation(c) && (punctuation(t) || t.is_ascii_whitespace()))
            || !distinct
            || !fixed_layout
        {
            return Err(format!(
                "segment {number} (ISA) is not a fixed-length ISA: its separators cannot be read"
            ));
        }
        let separators = Separators {
            element: e,
            component: c,
            terminator: t,
        };
        self.separators = Some(separators);
        self.count = number;
        Ok(Segment::parse(number, &isa[..105], separators, true))
    }

    /// Skips line breaks and spaces between segments (and a BOM at the
    /// start); false at the end of the file.
    fn skip_whitespace(&mut self) -> Result<bool, String> {
        loop {
            let buf = self.input.fill_buf().map_err(read_error)?;
            if buf.is_empty() {
                return Ok(false);
            }
            let mut skip = 0;
            if std::mem::take(&mut self.at_start) && buf.starts_with(BOM) {
                skip = BOM.len();
            }
            skip += buf[skip..]
                .iter()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
            let more = skip < buf.len();
            self.input.consume(skip);
            if more {
                return Ok(true);
            }
        }
    }

    fn byte(&mut self) -> Result<Option<u8>, String> {
        let Some(&b) = self.input.fill_buf().map_err(read_error)?.first() else {
            return Ok(None);
        };
        self.input.consume(1);
        Ok(Some(b))
    }
}

fn read_error(e: io::Error) -> String {
    format!("read error: {e}")
}

// ---------------------------------------------------------------- claims

/// Where in the 837 hierarchy we are, outside claims.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Level {
    /// Outside any ST..SE.
    Outside,
    /// After ST, before the first HL.
    Header,
    /// HL 20: billing provider (2000A).
    Billing,
    /// HL 22: subscriber (2000B).
    Subscriber,
    /// HL 23: patient (2000C).
    Patient,
}

impl Level {
    /// Index into `ClaimReader::damage`; None outside a transaction.
    fn slot(self) -> Option<usize> {
        match self {
            Level::Outside => None,
            Level::Header => Some(0),
            Level::Billing => Some(1),
            Level::Subscriber => Some(2),
            Level::Patient => Some(3),
        }
    }
}

/// Why a claim (or a segment outside claims) could not be read.
#[derive(Debug, Clone)]
struct Problem {
    row: u64,
    column: &'static str,
    /// "segment N (ID): reason", without claim data.
    what: String,
}

impl Problem {
    fn new(segment: &Segment, column: &'static str, reason: &str) -> Problem {
        let what = if segment.id.is_empty() {
            format!("segment {}: {reason}", segment.number)
        } else {
            format!("segment {} ({}): {reason}", segment.number, segment.id)
        };
        Problem {
            row: segment.number,
            column,
            what,
        }
    }
}

/// A damaged segment outside claims: rejects the claims under it.
struct Damage {
    problem: Problem,
    used: bool,
}

/// Turns segments into rows: tracks the envelope, the HL hierarchy and the claim being read.
struct ClaimReader {
    table: TextTable,
    gs_version: String,
    level: Level,
    /// 2010AA NM1*85 NM109.
    billing_provider: Option<String>,
    /// 2010BA NM1*IL NM109.
    subscriber: Option<String>,
    /// 2010CA NM1*QC NM109.
    patient: Option<String>,
    /// 2010BB NM1*PR NM103.
    payer: Option<String>,
    /// Damage at each level (header, billing provider, subscriber, patient).
    damage: [Option<Damage>; 4],
    claim: Option<Claim>,
}

impl ClaimReader {
    fn new() -> Self {
        ClaimReader {
            table: TextTable::new(COLUMNS.to_vec()),
            gs_version: String::new(),
            level: Level::Outside,
            billing_provider: None,
            subscriber: None,
            patient: None,
            payer: None,
            damage: [None, None, None, None],
            claim: None,
        }
    }

    fn segment(&mut self, segment: &Segment) -> Result<(), String> {
        if let Some(reason) = &segment.damage {
            match segment.id {
                // Without them, nothing says the file is an 837P.
                "ISA" | "GS" | "ST" => {
                    return Err(Problem::new(segment, "", reason).what);
                }
                // A file without its last terminator after the trailers is common and harmless.
                "SE" | "GE" | "IEA" if segment.cut && self.claim.is_none() => {}
                _ => {
                    self.damaged(Problem::new(segment, "", reason));
                    return Ok(());
                }
            }
        }
        match segment.id {
            "ISA" | "GS" | "ST" | "SE" | "GE" | "IEA" => self.envelope(segment)?,
            "HL" => self.hierarchy(segment),
            "CLM" => self.start_claim(segment),
            _ => match &mut self.claim {
                Some(claim) => {
                    if let Err((column, reason)) = claim.read(segment) {
                        claim.reject(Problem::new(segment, column, &reason));
                    }
                }
                None => self.outside_claim(segment),
            },
        }
        Ok(())
    }

    fn envelope(&mut self, segment: &Segment) -> Result<(), String> {
        self.close_claim();
        self.flush_damage(0);
        self.billing_provider = None;
        self.subscriber = None;
        self.patient = None;
        self.payer = None;
        self.level = Level::Outside;
        match segment.id {
            "GS" => self.gs_version = segment.get(8).to_string(),
            "ST" => {
                let set = segment.get(1);
                if set != "837" {
                    return Err(format!(
                        "segment {} (ST): transaction set {} is not an 837 claim; only 837P 5010 (005010X222A1) is read",
                        segment.number,
                        shown_code(set)
                    ));
                }
                let version = match segment.get(3) {
                    "" => self.gs_version.as_str(),
                    st03 => st03,
                };
                if !version.is_empty() && !version.starts_with("005010X222") {
                    return Err(format!(
                        "segment {} (ST): implementation {} is not 837P 5010; only 005010X222A1 is read",
                        segment.number,
                        shown_code(version)
                    ));
                }
                self.level = Level::Header;
            }
            _ => {}
        }
        Ok(())
    }

    /// HL starts a billing provider (20), subscriber (22) or patient (23).
    fn hierarchy(&mut self, segment: &Segment) {
        self.close_claim();
        let level = match segment.get(3) {
            "20" => Level::Billing,
            "22" => Level::Subscriber,
            "23" => Level::Patient,
            _ => {
                self.flush_damage(3);
                self.level = Level::Patient;
                self.patient = None;
                let reason = "HL03 is not 20, 22 or 23 (billing provider, subscriber, patient)";
                self.damaged(Problem::new(segment, "", reason));
                return;
            }
        };
        self.level = level;
        self.flush_damage(level.slot().unwrap_or(0));
        self.patient = None;
        if level != Level::Patient {
            self.subscriber = None;
            self.payer = None;
        }
        if level == Level::Billing {
            self.billing_provider = None;
        }
    }

    fn start_claim(&mut self, segment: &Segment) {
        self.close_claim();
        let mut claim = Claim::new(segment.number, segment.value(1));
        // Damage above the claim (its subscriber, say) leaves it unreadable too.
        if let Some(damage) = self.damage.iter_mut().flatten().next() {
            damage.used = true;
            claim.reject(damage.problem.clone());
        }
        if claim.id.is_none() {
            claim.reject(Problem::new(
                segment,
                "claim_id",
                "CLM01 (claim id) is empty",
            ));
        }
        self.claim = Some(claim);
    }

    fn outside_claim(&mut self, segment: &Segment) {
        match segment.id {
            "NM1" => match segment.get(1) {
                "85" => self.billing_provider = segment.value(9),
                "IL" => self.subscriber = segment.value(9),
                "PR" => self.payer = segment.value(3),
                "QC" => self.patient = segment.value(9),
                "" => self.damaged(Problem::new(segment, "", "NM101 (entity code) is empty")),
                _ => {}
            },
            "LX" | "SV1" | "HI" => {
                let reason = "belongs to a claim, but no CLM comes before it";
                self.damaged(Problem::new(segment, "", reason));
            }
            _ => {}
        }
    }

    /// A segment that cannot be read: rejects the open claim, else every claim under it.
    fn damaged(&mut self, problem: Problem) {
        if let Some(claim) = &mut self.claim {
            claim.reject(problem);
            return;
        }
        match self.level.slot() {
            Some(slot) if self.damage[slot].is_none() => {
                self.damage[slot] = Some(Damage {
                    problem,
                    used: false,
                })
            }
            Some(_) => {} // the first damage of this level already rejects its claims
            None => self.reject_unused(problem),
        }
    }

    /// Forgets the damage of level slots `from..`, reporting any that rejected no claim.
    fn flush_damage(&mut self, from: usize) {
        for slot in from..self.damage.len() {
            if let Some(damage) = self.damage[slot].take()
                && !damage.used
            {
                self.reject_unused(damage.problem);
            }
        }
    }

    fn reject_unused(&mut self, problem: Problem) {
        let reason = format!("{}; no claim read from it", problem.what);
        self.table.reject(problem.row, problem.column, reason);
    }

    /// Ends the open claim: its rows, or one reject.
    fn close_claim(&mut self) {
        let Some(claim) = self.claim.take() else {
            return;
        };
        let claim_name = match &claim.id {
            Some(id) => format!("claim {id}"),
            None => "claim without CLM01".to_string(),
        };
        match claim.problem() {
            Some(problem) => {
                let reason = format!("{}; {claim_name} rejected", problem.what);
                self.table.reject(problem.row, problem.column, reason);
            }
            None => self.emit(claim),
        }
    }

    fn emit(&mut self, claim: Claim) {
        let patient = self.patient.clone().or_else(|| self.subscriber.clone());
        let dx: Vec<&str> = claim
            .principal
            .iter()
            .chain(&claim.other_dx)
            .map(String::as_str)
            .collect();
        let dx_codes = non_empty(&dx.join(";"));
        for line in claim.lines {
            let service = line.service.expect("checked: every line has its SV1");
            let provider = line
                .rendering
                .or_else(|| claim.rendering.clone())
                .or_else(|| self.billing_provider.clone());
            self.table.push(
                line.row,
                &[
                    ("claim_id", claim.id.clone()),
                    ("line_number", line.number),
                    ("patient_id", patient.clone()),
                    ("provider_id", provider),
                    ("service_date", line.date.or_else(|| claim.date.clone())),
                    ("cpt_code", Some(service.cpt)),
                    ("modifiers", service.modifiers),
                    ("units", service.units),
                    ("charge_amount", service.charge),
                    ("payer", self.payer.clone()),
                    ("dx_codes", dx_codes.clone()),
                    ("dx_pointers", service.pointers),
                ],
            );
        }
    }

    fn finish(mut self) -> TextTable {
        if let Some(claim) = &mut self.claim {
            let problem = Problem {
                row: claim.row,
                column: "",
                what: format!(
                    "segment {} (CLM): the file ends inside this claim (no SE): lines may be missing",
                    claim.row
                ),
            };
            claim.reject(problem);
        }
        self.close_claim();
        self.flush_damage(0);
        self.table
    }
}

/// One CLM and its service lines, until the next CLM, HL or SE.
struct Claim {
    /// Number of the CLM segment.
    row: u64,
    id: Option<String>,
    /// 2310B NM1*82 NM109.
    rendering: Option<String>,
    /// Claim-level DTP*472.
    date: Option<String>,
    /// HI ABK code.
    principal: Option<String>,
    /// HI ABF codes, in order.
    other_dx: Vec<String>,
    lines: Vec<Line>,
    /// Inside a 2320/2330 other-subscriber loop, whose NM1*82 is another
    /// payer's provider, not 2310B.
    other_subscriber: bool,
    /// The first problem; the claim gives no rows then.
    rejected: Option<Problem>,
}

/// One LX and what follows it.
struct Line {
    /// Number of the LX segment.
    row: u64,
    number: Option<String>,
    service: Option<Service>,
    /// DTP*472.
    date: Option<String>,
    /// 2420A NM1*82 NM109.
    rendering: Option<String>,
}

/// SV1, professional service.
struct Service {
    cpt: String,
    modifiers: Option<String>,
    charge: Option<String>,
    units: Option<String>,
    pointers: Option<String>,
}

/// A segment of a claim that cannot be read: (contract column or "", reason).
type Unreadable = (&'static str, String);

impl Claim {
    fn new(row: u64, id: Option<String>) -> Claim {
        Claim {
            row,
            id,
            rendering: None,
            date: None,
            principal: None,
            other_dx: Vec::new(),
            lines: Vec::new(),
            other_subscriber: false,
            rejected: None,
        }
    }

    /// Keeps the first problem: one reject per claim.
    fn reject(&mut self, problem: Problem) {
        self.rejected.get_or_insert(problem);
    }

    fn read(&mut self, segment: &Segment) -> Result<(), Unreadable> {
        if self.rejected.is_some() {
            return Ok(()); // skipping to the next CLM
        }
        match segment.id {
            "SBR" => self.other_subscriber = true,
            "NM1" => match segment.get(1) {
                "82" => {
                    let npi = segment.value(9);
                    if let Some(line) = self.lines.last_mut() {
                        line.rendering = line.rendering.take().or(npi);
                    } else if !self.other_subscriber {
                        self.rendering = self.rendering.take().or(npi);
                    }
                }
                "" => return Err(("", "NM101 (entity code) is empty".into())),
                _ => {}
            },
            "DTP" if segment.get(1) == "472" => {
                let date = service_date(segment.get(2), segment.get(3));
                let slot = match self.lines.last_mut() {
                    Some(line) => &mut line.date,
                    None => &mut self.date,
                };
                *slot = slot.take().or(date);
            }
            "HI" => self.diagnoses(segment)?,
            "LX" => {
                if let Some(problem) = self.line_without_service() {
                    self.reject(problem);
                    return Ok(());
                }
                self.lines.push(Line {
                    row: segment.number,
                    number: segment.value(1),
                    service: None,
                    date: None,
                    rendering: None,
                });
            }
            "SV1" => self.service(segment)?,
            _ => {}
        }
        Ok(())
    }

    /// The last line, when it has no SV1 (checked at the next LX and at the claim's end).
    fn line_without_service(&self) -> Option<Problem> {
        let line = self.lines.last().filter(|line| line.service.is_none())?;
        Some(Problem {
            row: line.row,
            column: "",
            what: format!("segment {} (LX): service line has no SV1", line.row),
        })
    }

    /// The claim's first problem, if any, once all its segments are read.
    fn problem(&self) -> Option<Problem> {
        if let Some(problem) = &self.rejected {
            return Some(problem.clone());
        }
        if self.lines.is_empty() {
            return Some(Problem {
                row: self.row,
                column: "",
                what: format!(
                    "segment {} (CLM): claim has no service line (LX, SV1)",
                    self.row
                ),
            });
        }
        self.line_without_service()
    }

    /// HI: ABK (principal) and ABF diagnosis codes; other HI segments of a
    /// claim (anesthesia, condition codes) are skipped.
    fn diagnoses(&mut self, segment: &Segment) -> Result<(), Unreadable> {
        let bad = |reason: String| Err(("dx_codes", reason));
        match segment.components(1)[0] {
            "ABK" | "ABF" => {}
            "BP" | "BO" | "BG" => return Ok(()),
            "BK" | "BF" => {
                return bad("ICD-9-CM codes (BK/BF): only ICD-10-CM (ABK/ABF) are read".into());
            }
            _ => return bad("HI01 is not a diagnosis (qualifier ABK or ABF)".into()),
        }
        for i in 1..=segment.elements.len() {
            let parts = segment.components(i);
            if parts.iter().all(|p| p.is_empty()) {
                continue;
            }
            let Some(code) = parts.get(1).and_then(|c| non_empty(c)) else {
                return bad(format!("HI{i:02} has no code"));
            };
            match parts[0] {
                "ABK" if self.principal.is_some() => {
                    return bad(format!("HI{i:02} is a second principal diagnosis (ABK)"));
                }
                "ABK" => self.principal = Some(code),
                "ABF" => self.other_dx.push(code),
                _ => return bad(format!("HI{i:02} qualifier is not ABK or ABF")),
            }
        }
        Ok(())
    }

    fn service(&mut self, segment: &Segment) -> Result<(), Unreadable> {
        let Some(line) = self.lines.last_mut() else {
            return Err(("", "SV1 before any LX of the claim".into()));
        };
        if line.service.is_some() {
            return Err(("", "second SV1 in one service line".into()));
        }
        // SV101: HC:code:modifier1..4[:description]
        let procedure = segment.components(1);
        if procedure[0] != "HC" {
            return Err((
                "cpt_code",
                "SV101 is not a CPT/HCPCS code (qualifier HC)".into(),
            ));
        }
        let Some(cpt) = procedure.get(1).and_then(|c| non_empty(c)) else {
            return Err(("cpt_code", "SV101 has no procedure code".into()));
        };
        let modifiers = procedure.get(2..procedure.len().min(6)).unwrap_or(&[]);
        line.service = Some(Service {
            cpt,
            modifiers: joined(modifiers),
            charge: segment.value(2),
            units: segment.value(4),
            pointers: joined(&segment.components(7)),
        });
        Ok(())
    }
}

/// DTP03 as YYYY-MM-DD: the date of a D8, the first day of an RD8; text
/// that is not 8 digits passes as written, for the tool to reject.
fn service_date(format: &str, value: &str) -> Option<String> {
    let first = match format {
        "RD8" => value.split('-').next().unwrap_or(""),
        _ => value,
    };
    if first.len() == 8 && first.bytes().all(|b| b.is_ascii_digit()) {
        Some(format!("{}-{}-{}", &first[..4], &first[4..6], &first[6..]))
    } else {
        non_empty(value)
    }
}

/// A code from the envelope for a message: quoted when it looks like a code, else not shown.
fn shown_code(code: &str) -> String {
    let plain = code.len() <= 16 && code.bytes().all(|b| b.is_ascii_alphanumeric());
    if plain {
        format!("{code:?}")
    } else {
        "(unreadable)".into()
    }
}

fn non_empty(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// The non-empty parts joined with ";", None when there are none.
fn joined(parts: &[&str]) -> Option<String> {
    let kept: Vec<&str> = parts.iter().copied().filter(|p| !p.is_empty()).collect();
    non_empty(&kept.join(";"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An ISA of the fixed 106 bytes with the given separators.
    fn isa(element: char, component: char, terminator: char, control: u32) -> String {
        let e = element;
        let r = if [element, component].contains(&'^') {
            '{'
        } else {
            '^'
        };
        let isa = format!(
            "ISA{e}00{e}          {e}00{e}          {e}ZZ{e}SUBMITTER      {e}ZZ{e}RECEIVER       {e}260415{e}1200{e}{r}{e}00501{e}{control:09}{e}0{e}P{e}{component}{terminator}"
        );
        assert_eq!(isa.len(), ISA_LEN);
        isa
    }

    /// One 837P file from the segments after ISA, written with `*`, `:` and `~`
    /// (rewritten to the given separators), joined by `join` (e.g. "\n").
    fn file(seps: (char, char, char), join: &str, body: &[&str]) -> String {
        let (e, c, t) = seps;
        let mut out = isa(e, c, t, 1);
        for segment in body {
            out.push_str(join);
            let segment: String = segment
                .chars()
                .map(|ch| match ch {
                    '*' => e,
                    ':' => c,
                    other => other,
                })
                .collect();
            out.push_str(&segment);
            out.push(t);
        }
        out
    }

    const DEFAULT: (char, char, char) = ('*', ':', '~');

    /// GS, ST and the 2000A/2000B loops; `claims` follow, then SE and GE.
    fn transaction(claims: &[&str]) -> Vec<String> {
        let mut body: Vec<String> = [
            "GS*HC*SENDER*RECEIVER*20260415*1200*1*X*005010X222A1",
            "ST*837*0001*005010X222A1",
            "BHT*0019*00*0001*20260415*1200*CH",
            "NM1*41*2*CLINIC*****46*S1",
            "NM1*40*2*PAYER*****46*R1",
            "HL*1**20*1",
            "NM1*85*2*CLINIC*****XX*1111111111",
            "HL*2*1*22*0",
            "SBR*P*18*******MB",
            "NM1*IL*1*DOE*JANE****MI*MRN1",
            "NM1*PR*2*MEDICARE*****PI*PAYER1",
        ]
        .map(String::from)
        .to_vec();
        body.extend(claims.iter().map(|s| s.to_string()));
        body.push("SE*0*0001".into());
        body.push("GE*1*1".into());
        body
    }

    fn with_iea(mut body: Vec<String>) -> Vec<String> {
        body.push("IEA*1*000000001".into());
        body
    }

    fn read(text: &str) -> Result<TextTable, String> {
        read_from(io::BufReader::with_capacity(7, text.as_bytes()))
    }

    fn parse(seps: (char, char, char), join: &str, body: &[String]) -> TextTable {
        let body: Vec<&str> = body.iter().map(String::as_str).collect();
        read(&file(seps, join, &body)).expect("readable file")
    }

    fn col(table: &TextTable, row: usize, name: &str) -> Option<String> {
        let i = COLUMNS.iter().position(|c| *c == name).unwrap();
        table.rows()[row].1[i].clone()
    }

    fn s(text: &str) -> Option<String> {
        Some(text.to_string())
    }

    const CLAIM: [&str; 8] = [
        "CLM*C1*150***11:B:1*Y*A*Y*Y",
        "HI*ABK:M6281*ABF:R262",
        "LX*1",
        "SV1*HC:97110:GP:59*100*UN*2***1:2",
        "DTP*472*D8*20260105",
        "LX*2",
        "SV1*HC:97140*50*UN*1***2",
        "DTP*472*D8*20260106",
    ];

    fn check_claim(table: &TextTable) {
        assert_eq!(table.rows().len(), 2, "{table:?}");
        assert!(table.rejects.is_empty(), "{:?}", table.rejects);
        // ISA=1, GS=2, ST=3, ... NM1*PR=12, CLM=13, HI=14, LX=15
        assert_eq!(table.rows()[0].0, 15);
        assert_eq!(table.rows()[1].0, 18);
        let expected = [
            s("C1"),
            s("1"),
            s("MRN1"),
            s("1111111111"),
            s("2026-01-05"),
            s("97110"),
            s("GP;59"),
            s("2"),
            s("100"),
            None,
            s("MEDICARE"),
            s("M6281;R262"),
            s("1;2"),
        ];
        assert_eq!(table.rows()[0].1, expected);
        assert_eq!(col(table, 1, "line_number"), s("2"));
        assert_eq!(col(table, 1, "modifiers"), None);
        assert_eq!(col(table, 1, "dx_pointers"), s("2"));
        assert_eq!(col(table, 1, "service_date"), s("2026-01-06"));
    }

    #[test]
    fn default_separators_without_line_breaks() {
        check_claim(&parse(DEFAULT, "", &with_iea(transaction(&CLAIM))));
    }

    #[test]
    fn default_separators_with_line_breaks() {
        check_claim(&parse(DEFAULT, "\r\n", &with_iea(transaction(&CLAIM))));
        check_claim(&parse(DEFAULT, "\n", &with_iea(transaction(&CLAIM))));
    }

    #[test]
    fn non_default_separators() {
        check_claim(&parse(('|', '^', '!'), "", &with_iea(transaction(&CLAIM))));
        check_claim(&parse(('^', '>', '\n'), "", &with_iea(transaction(&CLAIM))));
    }

    #[test]
    fn bom_and_whitespace_before_isa() {
        let body = with_iea(transaction(&CLAIM));
        let body: Vec<&str> = body.iter().map(String::as_str).collect();
        let text = format!("\u{feff}\n  {}", file(DEFAULT, "", &body));
        check_claim(&read(&text).unwrap());
    }

    #[test]
    fn missing_final_terminator_is_harmless() {
        let body = with_iea(transaction(&CLAIM));
        let body: Vec<&str> = body.iter().map(String::as_str).collect();
        let text = file(DEFAULT, "\n", &body);
        check_claim(&read(text.trim_end_matches('~')).unwrap());
    }

    #[test]
    fn two_transactions_and_two_interchanges() {
        let second = [
            "CLM*C2*60***11:B:1*Y*A*Y*Y",
            "HI*ABK:R531",
            "LX*1",
            "SV1*HC:99213*60*UN*1***1",
            "DTP*472*D8*20260201",
        ];
        // Two ST in one GS.
        let mut body = transaction(&CLAIM);
        body.pop(); // GE
        body.extend(transaction(&second).into_iter().skip(1)); // no second GS
        let table = parse(DEFAULT, "\n", &with_iea(body));
        assert_eq!(table.rows().len(), 3, "{:?}", table.rejects);
        assert_eq!(col(&table, 2, "claim_id"), s("C2"));
        // First ST: ISA..SE = 20 segments; second ST starts at 21, its LX is 21 + 13.
        assert_eq!(table.rows()[2].0, 34);

        // A second ISA with other separators.
        let b1 = with_iea(transaction(&CLAIM));
        let b1: Vec<&str> = b1.iter().map(String::as_str).collect();
        let mut text = file(DEFAULT, "\n", &b1);
        text.push('\n');
        let b2 = with_iea(transaction(&second));
        let b2: Vec<&str> = b2.iter().map(String::as_str).collect();
        text.push_str(&file(('|', '^', '!'), "", &b2));
        let table = read(&text).unwrap();
        assert_eq!(table.rows().len(), 3, "{:?}", table.rejects);
        assert_eq!(col(&table, 2, "claim_id"), s("C2"));
        assert_eq!(col(&table, 2, "dx_codes"), s("R531"));
        // First interchange: ISA, 21 segments, IEA; the second's LX is 23 + 15.
        assert_eq!(table.rows()[2].0, 38);
    }

    #[test]
    fn rendering_provider_line_then_claim_then_billing() {
        let claim = [
            "CLM*C1*150***11:B:1*Y*A*Y*Y",
            "HI*ABK:M6281",
            "NM1*82*1*KIM*SARAH****XX*2222222222",
            "SBR*S*18*******MC",
            "NM1*IL*1*DOE*JOHN****MI*OTHER",
            "NM1*82*1******G2*OTHERPAYERID",
            "LX*1",
            "SV1*HC:97110*100*UN*2***1",
            "DTP*472*D8*20260105",
            "LX*2",
            "SV1*HC:97140*50*UN*1***1",
            "DTP*472*D8*20260105",
            "NM1*82*1*BELL*MARCUS****XX*3333333333",
            "CLM*C2*60***11:B:1*Y*A*Y*Y",
            "HI*ABK:R531",
            "LX*1",
            "SV1*HC:99213*60*UN*1***1",
            "DTP*472*D8*20260201",
        ];
        let table = parse(DEFAULT, "\n", &with_iea(transaction(&claim)));
        assert_eq!(table.rows().len(), 3, "{:?}", table.rejects);
        assert_eq!(col(&table, 0, "provider_id"), s("2222222222")); // 2310B
        assert_eq!(col(&table, 1, "provider_id"), s("3333333333")); // 2420A
        assert_eq!(col(&table, 2, "provider_id"), s("1111111111")); // 2010AA
        // The other subscriber of 2330A is not the patient.
        assert_eq!(col(&table, 0, "patient_id"), s("MRN1"));
    }

    #[test]
    fn patient_loop_2010ca() {
        let mut body = transaction(&[]);
        let tail = body.split_off(body.len() - 2);
        body.extend(
            ["HL*3*2*23*0", "PAT*19", "NM1*QC*1*DOE*JUNIOR****MI*CHILD7"].map(String::from),
        );
        body.extend(CLAIM.map(String::from));
        body.extend(
            [
                "HL*4*1*22*0",
                "SBR*P*18",
                "NM1*IL*1*ROE*RAY****MI*MRN2",
                "NM1*PR*2*BCBS",
            ]
            .map(String::from),
        );
        body.extend(CLAIM.map(|x| x.replace("C1", "C2")));
        body.extend(tail);
        let table = parse(DEFAULT, "\n", &with_iea(body));
        assert_eq!(table.rows().len(), 4, "{:?}", table.rejects);
        assert_eq!(col(&table, 0, "patient_id"), s("CHILD7"));
        assert_eq!(col(&table, 2, "patient_id"), s("MRN2"));
        assert_eq!(col(&table, 2, "payer"), s("BCBS"));
        assert_eq!(col(&table, 2, "provider_id"), s("1111111111"));
    }

    #[test]
    fn rd8_dates_and_claim_level_date() {
        let claim = [
            "CLM*C1*150***11:B:1*Y*A*Y*Y",
            "DTP*472*RD8*20260301-20260331",
            "HI*ABK:M6281",
            "LX*1",
            "SV1*HC:97110*100*UN*2***1",
            "DTP*472*RD8*20260105-20260109",
            "LX*2",
            "SV1*HC:97140*50*UN*1***1",
            "LX*3",
            "SV1*HC:97140*50*UN****1",
            "DTP*472*D8*2026-01-07",
        ];
        let table = parse(DEFAULT, "\n", &with_iea(transaction(&claim)));
        assert_eq!(table.rows().len(), 3, "{:?}", table.rejects);
        assert_eq!(col(&table, 0, "service_date"), s("2026-01-05"));
        assert_eq!(col(&table, 1, "service_date"), s("2026-03-01"));
        // Not 8 digits: passed as written for the tool to reject.
        assert_eq!(col(&table, 2, "service_date"), s("2026-01-07"));
        assert_eq!(col(&table, 2, "units"), None);
    }

    #[test]
    fn diagnosis_order_principal_first_over_several_hi() {
        let claim = [
            "CLM*C1*150***11:B:1*Y*A*Y*Y",
            "HI*ABF:R262*ABK:M6281*ABF:Z9181",
            "HI*BG:01",
            "HI*ABF:I10",
            "LX*1",
            "SV1*HC:97110*100*UN*2***1:2:3:4",
            "DTP*472*D8*20260105",
        ];
        let table = parse(DEFAULT, "\n", &with_iea(transaction(&claim)));
        assert_eq!(col(&table, 0, "dx_codes"), s("M6281;R262;Z9181;I10"));
        assert_eq!(col(&table, 0, "dx_pointers"), s("1;2;3;4"));
    }

    #[test]
    fn damaged_segment_rejects_only_its_claim() {
        let claims = [
            "CLM*C1*150***11:B:1*Y*A*Y*Y", // 13
            "HI*ABK:M6281",                // 14
            "LX*1",                        // 15
            "SV1*XX:97110*100*UN*2***1",   // 16: not HC
            "DTP*472*D8*20260105",         // 17
            "LX*2",                        // 18
            "SV1*HC:97140*50*UN*1***1",    // 19
            "CLM*C2*60***11:B:1*Y*A*Y*Y",  // 20
            "HI*ABK:R531",                 // 21
            "LX*1",                        // 22
            "SV1*HC:99213*60*UN*1***1",    // 23
            "DTP*472*D8*20260201",         // 24
            "CLM*C3*60***11:B:1*Y*A*Y*Y",  // 25
            "HI*ABK:R531",                 // 26
            "LX*1",                        // 27
            "S@1*HC:99213*60*UN*1***1",    // 28: unreadable id
            "CLM*C4*60***11:B:1*Y*A*Y*Y",  // 29
            "HI*ABK:R531",                 // 30
            "LX*1",                        // 31: no SV1
            "DTP*472*D8*20260201",         // 32
            "CLM*C5*60***11:B:1*Y*A*Y*Y",  // 33: no lines
            "HI*ABK:R531",                 // 34
            "CLM*C6*60***11:B:1*Y*A*Y*Y",  // 35
            "HI*BK:7281",                  // 36: ICD-9
            "LX*1",                        // 37
            "SV1*HC:99213*60*UN*1***1",    // 38
        ];
        let table = parse(DEFAULT, "\n", &with_iea(transaction(&claims)));
        assert_eq!(table.rows().len(), 1);
        assert_eq!(col(&table, 0, "claim_id"), s("C2"));
        assert_eq!(table.rows()[0].0, 22);
        let rejects: Vec<(u64, &str)> = table
            .rejects
            .iter()
            .map(|r| (r.row, r.column.as_str()))
            .collect();
        assert_eq!(
            rejects,
            [
                (16, "cpt_code"),
                (28, ""),
                (31, ""),
                (33, ""),
                (36, "dx_codes")
            ]
        );
        assert_eq!(
            table.rejects[0].reason,
            "segment 16 (SV1): SV101 is not a CPT/HCPCS code (qualifier HC); claim C1 rejected"
        );
        assert_eq!(
            table.rejects[1].reason,
            "segment 28: segment id is not readable; claim C3 rejected"
        );
    }

    #[test]
    fn damage_above_claims_rejects_each_claim_under_it() {
        let mut body = transaction(&CLAIM);
        body[9] = "NM1*IL*1*DOE*JANE****MI*MRN1\u{0}".into(); // segment 11, subscriber
        let table = parse(DEFAULT, "\n", &with_iea(body));
        assert!(table.rows().is_empty());
        assert_eq!(table.rejects.len(), 1);
        assert_eq!(table.rejects[0].row, 11);
        assert!(
            table.rejects[0].reason.contains("NUL byte"),
            "{:?}",
            table.rejects
        );
    }

    #[test]
    fn file_cut_inside_a_claim() {
        let body = transaction(&CLAIM);
        let body: Vec<&str> = body.iter().map(String::as_str).collect();
        // Cut after the first line's DTP: the claim is open without SE.
        let text = file(DEFAULT, "\n", &body[..16]);
        let table = read(&text).unwrap();
        assert!(table.rows().is_empty());
        assert_eq!(table.rejects[0].row, 13);
        // Cut in the middle of a segment.
        let cut = &text[..text.len() - 5];
        let table = read(cut).unwrap();
        assert_eq!(table.rejects.len(), 1);
        assert_eq!(table.rejects[0].row, 17);
    }

    #[test]
    fn file_level_errors() {
        let err = read("claim_id,line_number\nC1,1\n").unwrap_err();
        assert!(err.contains("not an X12 file"), "{err}");
        let err = read("ISA*00*short~").unwrap_err();
        assert!(err.contains("shorter"), "{err}");
        let with_st = |st: &str| {
            let mut body = with_iea(transaction(&CLAIM));
            body[1] = st.to_string();
            let body: Vec<&str> = body.iter().map(String::as_str).collect();
            read(&file(DEFAULT, "\n", &body)).unwrap_err()
        };
        let err = with_st("ST*835*0001*005010X221A1");
        assert!(err.contains("transaction set \"835\""), "{err}");
        let err = with_st("ST*837*0001*005010X223A2"); // 837I
        assert!(err.contains("implementation \"005010X223A2\""), "{err}");
        let err = read_837(Path::new("/nonexistent/x.837")).unwrap_err();
        assert!(err.starts_with("/nonexistent/x.837: "), "{err}");
    }

    #[test]
    fn looks_like_x12_reads_the_start() {
        assert!(looks_like_x12(b"\xEF\xBB\xBF\r\nISA*00*"));
        assert!(looks_like_x12(b"ISA|00|"));
        assert!(!looks_like_x12(b"claim_id,ISA"));
        assert!(!looks_like_x12(b"{\"resourceType\""));
    }
}
