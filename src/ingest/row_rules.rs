//! The rules that compare rows with each other, applied after each row is
//! parsed on its own: a repeated (claim_id, line_number) rejects the later
//! line; lines of one claim that disagree on patient, date or diagnoses
//! reject the whole claim (no one can tell which line is right); a repeated
//! note_id rejects the later note. Rows already rejected take no part.
//!
//! One pass over the key columns, in row order, whatever the number of bad
//! rows: claims are grouped by their runs of claim_id (a hash lookup per
//! run, none while runs come in increasing id order, as exports write them),
//! so bad rows cost what they are instead of window passes over every row.

use polars::prelude::*;

/// What a rule writes into `__column` / `__reason` for a row it rejects.
type Mark = (&'static str, &'static str);

const DUPLICATE_LINE: Mark = (
    "line_number",
    "duplicate line: an earlier row has the same claim_id and line_number",
);
const DUPLICATE_NOTE: Mark = (
    "note_id",
    "duplicate note_id: an earlier row has the same note",
);
/// When a claim's lines disagree on several columns, the last one is named.
const DISAGREE: [Mark; 3] = [
    (
        "patient_id",
        "lines of this claim disagree on patient_id: the whole claim is rejected",
    ),
    (
        "service_date",
        "lines of this claim disagree on service_date: the whole claim is rejected",
    ),
    (
        "dx_codes",
        "lines of this claim disagree on dx_codes: the whole claim is rejected",
    ),
];

/// Applies the claims' row-to-row rules to `df` (parsed claims with
/// `__column` / `__reason`, null for rows not rejected yet).
pub fn claims(df: DataFrame) -> PolarsResult<DataFrame> {
    let marks = claim_marks(&df)?;
    apply(df, marks)
}

/// Applies the notes' row-to-row rule (a repeated note_id).
pub fn notes(df: DataFrame) -> PolarsResult<DataFrame> {
    let marks = note_marks(&df)?;
    apply(df, marks)
}

fn note_marks(df: &DataFrame) -> PolarsResult<Vec<(usize, Mark)>> {
    let ok = not_rejected(df)?;
    let ids = df.column("note_id")?.str()?.rechunk();
    let ids = ids.downcast_as_array();
    let mut marks = Vec::new();
    // Increasing ids are distinct: no set until the order breaks.
    let mut seen: Option<PlHashSet<Option<&str>>> = None;
    let mut last: Option<Option<&str>> = None;
    for row in (0..ok.len()).filter(|&r| ok[r]) {
        let id = ids.get(row);
        let fresh = match (&mut seen, last) {
            (None, None) => true,
            (None, Some(prev)) if id.is_some() && id > prev => true,
            // A note sent twice in a row repeats the id just seen: no set needed.
            (None, Some(prev)) if id.is_some() && id == prev => false,
            (None, Some(_)) => {
                let mut set: PlHashSet<Option<&str>> =
                    (0..row).filter(|&r| ok[r]).map(|r| ids.get(r)).collect();
                let fresh = set.insert(id);
                seen = Some(set);
                fresh
            }
            (Some(set), _) => set.insert(id),
        };
        if fresh {
            last = Some(id);
        } else {
            marks.push((row, DUPLICATE_NOTE));
        }
    }
    Ok(marks)
}

/// Rows not rejected yet.
fn not_rejected(df: &DataFrame) -> PolarsResult<Vec<bool>> {
    Ok(df
        .column("__reason")?
        .is_null()
        .iter()
        .map(|b| b == Some(true))
        .collect())
}

/// One claim as its usable lines so far describe it.
struct Claim<'a> {
    id: Option<&'a str>,
    lines: Vec<Option<i32>>,
    patient: Option<&'a str>,
    date: Option<i32>,
    dx: Option<&'a str>,
    /// Disagreement on patient, date, diagnoses ([`DISAGREE`] order).
    disagree: [bool; 3],
}

fn claim_marks(df: &DataFrame) -> PolarsResult<Vec<(usize, Mark)>> {
    let ok = not_rejected(df)?;
    let claim = df.column("claim_id")?.str()?.rechunk();
    let patient = df.column("patient_id")?.str()?.rechunk();
    let dx = df.column("dx_codes")?.str()?.rechunk();
    let date = df.column("service_date")?.date()?.physical().rechunk();
    let line = df.column("line_number")?.i32()?.rechunk();
    let (claim, patient, dx) = (
        claim.downcast_as_array(),
        patient.downcast_as_array(),
        dx.downcast_as_array(),
    );
    let (date, line) = (date.downcast_as_array(), line.downcast_as_array());

    let mut claims: Vec<Claim> = Vec::new();
    // Which claim each usable row belongs to (u32::MAX: rejected before or here).
    let mut of_row: Vec<u32> = vec![u32::MAX; ok.len()];
    // Claim index by id, built once runs stop coming in increasing id order.
    let mut index: Option<PlHashMap<Option<&str>, u32>> = None;
    let mut current: Option<u32> = None;
    let mut marks = Vec::new();
    for row in 0..ok.len() {
        if !ok[row] {
            continue;
        }
        let id = claim.get(row);
        let k = match current {
            Some(k) if claims[k as usize].id == id => k,
            _ => {
                let increasing =
                    index.is_none() && claims.last().is_none_or(|c| id.is_some() && id > c.id);
                let found = if increasing {
                    None
                } else {
                    let map = index.get_or_insert_with(|| {
                        claims
                            .iter()
                            .enumerate()
                            .map(|(k, c)| (c.id, k as u32))
                            .collect()
                    });
                    map.get(&id).copied()
                };
                match found {
                    Some(k) => k,
                    None => {
                        let k = claims.len() as u32;
                        claims.push(Claim {
                            id,
                            lines: Vec::new(),
                            patient: patient.get(row),
                            date: date.get(row),
                            dx: dx.get(row),
                            disagree: [false; 3],
                        });
                        if let Some(map) = index.as_mut() {
                            map.insert(id, k);
                        }
                        k
                    }
                }
            }
        };
        current = Some(k);
        let c = &mut claims[k as usize];
        let n = line.get(row);
        if c.lines.contains(&n) {
            marks.push((row, DUPLICATE_LINE));
            continue;
        }
        c.lines.push(n);
        c.disagree[0] |= patient.get(row) != c.patient;
        c.disagree[1] |= date.get(row) != c.date;
        c.disagree[2] |= dx.get(row) != c.dx;
        of_row[row] = k;
    }
    for (row, &k) in of_row.iter().enumerate() {
        if k == u32::MAX {
            continue;
        }
        if let Some(i) = claims[k as usize].disagree.iter().rposition(|&d| d) {
            marks.push((row, DISAGREE[i]));
        }
    }
    marks.sort_unstable_by_key(|(row, _)| *row);
    Ok(marks)
}

/// Writes `marks` (rows in increasing order) into `__column` / `__reason`.
fn apply(mut df: DataFrame, marks: Vec<(usize, Mark)>) -> PolarsResult<DataFrame> {
    if marks.is_empty() {
        return Ok(df);
    }
    for (name, pick) in [("__column", 0), ("__reason", 1)] {
        let old = df.column(name)?.str()?.clone();
        let mut next = marks.iter().peekable();
        let new: StringChunked = old
            .iter()
            .enumerate()
            .map(|(row, v)| match next.next_if(|(r, _)| *r == row) {
                Some((_, m)) => Some(if pick == 0 { m.0 } else { m.1 }),
                None => v,
            })
            .collect();
        df.with_column(new.with_name(name.into()).into_column())?;
    }
    Ok(df)
}
