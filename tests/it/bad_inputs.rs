//! The bad-input suite: one table of cases, each a set of input files, the
//! flags of a `run`, and the expected outcome: either exit 2 with one line on
//! stderr naming the file and the cause (and nothing written), or a complete
//! run whose rejects.csv holds exactly the listed rows.
//!
//! Every case also checks what holds for all of them: no panic, and the note
//! text planted in the inputs (a unique marker) appears in no output stream
//! and no file of the run folder.

use std::path::Path;
use std::process::{Command, Output};

use polars::prelude::*;

use crate::common::*;

/// Planted in every note's text and in bad rows: must never be printed or written.
pub const MARKER: &str = "ZQPHI7X4MARKER";

/// The good claims: two claims, one of two lines.
pub fn good_claims() -> String {
    format!(
        "{CLAIMS_HEADER}\
C1,1,P1,D1,2026-01-05,97110,GP,1,100.00,80.00,MEDICARE,M62.81,1\n\
C1,2,P1,D1,2026-01-05,95860,,1,200.00,,MEDICARE,M62.81,1\n\
C2,1,P2,D2,2026-01-06,97110,GP,1,50.00,40.00,MEDICARE,R53.1,1\n"
    )
}

/// The good notes: each text carries the marker.
pub fn good_notes() -> String {
    format!(
        "{NOTES_HEADER}\
N1,P1,2026-01-05,daily note,C1,D1,\"Quads 4/5 {MARKER}; plan continue PT\"\n\
N2,P2,2026-01-06,daily note,,D2,\"{MARKER} weakness s/p TKA, hip flexors 4-/5\"\n"
    )
}

/// How the binary is started.
#[derive(Clone, Copy, PartialEq)]
enum Runner {
    Normal,
    /// As the unprivileged user `nobody` (via setpriv), so that file
    /// permissions apply even when the tests run as root.
    Nobody,
}

/// What a case expects.
enum Expect {
    /// Exit 2, one line on stderr holding every needle; no run folder.
    Fails(Vec<&'static str>),
    /// Exit 0; rejects.csv holds exactly these (file, row, column, reason part).
    Rejects(Vec<(&'static str, i64, &'static str, &'static str)>),
}

struct Case {
    name: &'static str,
    /// Files written into the case folder: (relative path, bytes).
    files: Vec<(String, Vec<u8>)>,
    claims: &'static str,
    notes: &'static str,
    extra: Vec<&'static str>,
    runner: Runner,
    /// Run before the binary (e.g. permissions), with the case folder.
    prepare: Option<fn(&Path)>,
    expect: Expect,
    /// Extra check on the run folder of a completed run.
    after: Option<fn(&Path)>,
}

impl Case {
    fn new(name: &'static str, expect: Expect) -> Case {
        Case {
            name,
            files: vec![
                ("claims.csv".into(), good_claims().into_bytes()),
                ("notes.csv".into(), good_notes().into_bytes()),
            ],
            claims: "claims.csv",
            notes: "notes.csv",
            extra: vec![],
            runner: Runner::Normal,
            prepare: None,
            expect,
            after: None,
        }
    }
    fn file(mut self, path: &str, bytes: impl Into<Vec<u8>>) -> Case {
        self.files.retain(|(p, _)| p != path);
        self.files.push((path.into(), bytes.into()));
        self
    }
    fn claims(mut self, path: &'static str) -> Case {
        self.claims = path;
        self
    }
    fn notes(mut self, path: &'static str) -> Case {
        self.notes = path;
        self
    }
    fn args(mut self, extra: &[&'static str]) -> Case {
        self.extra.extend_from_slice(extra);
        self
    }
    fn runner(mut self, r: Runner) -> Case {
        self.runner = r;
        self
    }
    fn prepare(mut self, f: fn(&Path)) -> Case {
        self.prepare = Some(f);
        self
    }
    fn after(mut self, f: fn(&Path)) -> Case {
        self.after = Some(f);
        self
    }
}

fn fails(needles: &[&'static str]) -> Expect {
    Expect::Fails(needles.to_vec())
}

fn rejects(rows: &[(&'static str, i64, &'static str, &'static str)]) -> Expect {
    Expect::Rejects(rows.to_vec())
}

fn claims_with(rows: &str) -> String {
    format!("{CLAIMS_HEADER}{rows}")
}

fn notes_with(rows: &str) -> String {
    format!("{NOTES_HEADER}{rows}")
}

fn parquet_bytes(mut df: DataFrame) -> Vec<u8> {
    let mut buf = Vec::new();
    ParquetWriter::new(&mut buf).finish(&mut df).unwrap();
    buf
}

fn ipc_bytes(mut df: DataFrame) -> Vec<u8> {
    let mut buf = Vec::new();
    IpcWriter::new(&mut buf).finish(&mut df).unwrap();
    buf
}

/// The good claims as a typed frame (as a warehouse would export them).
fn claims_frame() -> DataFrame {
    df!(
        "claim_id" => ["C1", "C1", "C2"],
        "line_number" => [1i64, 2, 1],
        "patient_id" => ["P1", "P1", "P2"],
        "provider_id" => ["D1", "D1", "D2"],
        "service_date" => ["2026-01-05", "2026-01-05", "2026-01-06"],
        "cpt_code" => ["97110", "95860", "97110"],
        "charge_amount" => [100.0f64, 200.0, 50.0],
        "dx_codes" => ["M62.81", "M62.81", "R53.1"],
    )
    .unwrap()
}

fn notes_frame() -> DataFrame {
    df!(
        "note_id" => ["N1", "N2"],
        "patient_id" => ["P1", "P2"],
        "note_date" => ["2026-01-05", "2026-01-06"],
        "text" => [format!("Quads 4/5 {MARKER}"), format!("{MARKER} s/p TKA")],
    )
    .unwrap()
}

fn with_column(df: DataFrame, c: Column) -> DataFrame {
    let mut df = df;
    df.with_column(c).unwrap();
    df
}

fn is_root() -> bool {
    std::env::var("USER").is_ok_and(|u| u == "root")
        || std::fs::read_to_string("/proc/self/status").is_ok_and(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .is_some_and(|l| l.split_whitespace().nth(1) == Some("0"))
        })
}

fn have_setpriv() -> bool {
    Command::new("setpriv")
        .arg("--help")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Makes the case folder readable by `nobody`, except what the case locks.
fn open_to_all(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let perms = |p: &Path, mode| {
        let _ = std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode));
    };
    perms(dir, 0o777);
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        perms(&p, if p.is_dir() { 0o755 } else { 0o644 });
    }
}

fn run_case(case: &Case, root: &Path) -> Result<(), String> {
    let dir = root.join(case.name);
    std::fs::create_dir_all(&dir).unwrap();
    for (path, bytes) in &case.files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, bytes).unwrap();
    }
    let out = dir.join("out");
    let claims = dir.join(case.claims);
    let notes = dir.join(case.notes);
    let mut args: Vec<String> = [
        "run",
        "--claims",
        s(&claims),
        "--notes",
        s(&notes),
        "--out",
        s(&out),
        "--quiet",
    ]
    .iter()
    .map(|a| a.to_string())
    .collect();
    for a in &case.extra {
        args.push(a.replace("{dir}", s(&dir)));
    }
    if case.runner == Runner::Nobody {
        if is_root() && !have_setpriv() {
            eprintln!(
                "[{}] skipped: root without setpriv cannot test permissions",
                case.name
            );
            return Ok(());
        }
        open_to_all(&dir);
    }
    if let Some(prepare) = case.prepare {
        prepare(&dir);
    }
    let o: Output = match case.runner {
        Runner::Nobody if is_root() && have_setpriv() => Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", BIN])
            .args(&args)
            .output()
            .unwrap(),
        _ => Command::new(BIN).args(&args).output().unwrap(),
    };
    let err = stderr(&o);
    let stdout = String::from_utf8_lossy(&o.stdout).to_string();
    let fail = |why: String| Err(format!("[{}] {why}\nstderr: {err}", case.name));
    if err.contains("panicked") {
        return fail("panicked".into());
    }
    if err.contains(MARKER) || stdout.contains(MARKER) {
        return fail("note text (marker) printed".into());
    }
    match &case.expect {
        Expect::Fails(needles) => {
            if o.status.code() != Some(2) {
                return fail(format!("expected exit 2, got {:?}", o.status.code()));
            }
            if err.trim_end().lines().count() != 1 {
                return fail("expected exactly one line on stderr".into());
            }
            for n in needles {
                if !err.contains(n) {
                    return fail(format!("stderr should mention {n:?}"));
                }
            }
            if out.exists() {
                return fail("a run folder was written despite the error".into());
            }
        }
        Expect::Rejects(expected) => {
            if o.status.code() != Some(0) {
                return fail(format!("expected exit 0, got {:?}", o.status.code()));
            }
            let text = read(&out.join("rejects.csv"));
            let rows = reject_rows(&out.join("rejects.csv"));
            for (file, row, column, reason) in expected {
                if !rows.iter().any(|(f, r, c, why)| {
                    f.ends_with(&format!("/{file}"))
                        && r == row
                        && c == column
                        && why.contains(reason)
                }) {
                    return fail(format!(
                        "missing reject {file}, row {row}, {column}: ..{reason}.. in\n{text}"
                    ));
                }
            }
            if rows.len() != expected.len() {
                return fail(format!(
                    "expected {} rejects, got {}:\n{text}",
                    expected.len(),
                    rows.len()
                ));
            }
            let summary: serde_json::Value =
                serde_json::from_str(&read(&out.join("summary.json"))).unwrap();
            for input in summary["inputs"].as_array().unwrap() {
                let n = |k: &str| input[k].as_u64().unwrap();
                if n("rows_read") != n("rows_used") + n("rows_rejected") {
                    return fail(format!("rows do not reconcile: {input}"));
                }
            }
            for entry in std::fs::read_dir(&out).unwrap().flatten() {
                let p = entry.path();
                if p.is_file() {
                    let bytes = std::fs::read(&p).unwrap();
                    if String::from_utf8_lossy(&bytes).contains(MARKER) {
                        return fail(format!("note text (marker) written to {}", p.display()));
                    }
                }
            }
            if let Some(after) = case.after {
                let out = out.clone();
                if let Err(e) = std::panic::catch_unwind(move || after(&out)) {
                    let msg = e
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_default();
                    return fail(format!("check after the run failed: {msg}"));
                }
            }
        }
    }
    Ok(())
}

/// rejects.csv as (file, row, column, reason), read by a real CSV reader.
pub fn reject_rows(path: &Path) -> Vec<(String, i64, String, String)> {
    let df = LazyCsvReader::new(PlRefPath::new(path.to_str().unwrap()))
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .finish()
        .unwrap()
        .collect()
        .unwrap();
    let col = |n: &str| -> Vec<String> {
        df.column(n)
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|v| v.unwrap_or("").to_string())
            .collect()
    };
    let (f, r, c, why) = (col("file"), col("row"), col("column"), col("reason"));
    (0..df.height())
        .map(|i| {
            (
                f[i].clone(),
                r[i].parse().unwrap(),
                c[i].clone(),
                why[i].clone(),
            )
        })
        .collect()
}

fn run_all(cases: Vec<Case>) {
    let tmp = tempfile::tempdir().unwrap();
    let total = cases.len();
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| run_case(c, tmp.path()).err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {total} cases failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// Inputs that stop the run: exit 2, one line naming file and cause.
fn file_level_cases() -> Vec<Case> {
    let good_claims_pq = parquet_bytes(claims_frame());
    let mut truncated_pq = good_claims_pq.clone();
    truncated_pq.truncate(good_claims_pq.len() / 2);
    let good_notes_ipc = ipc_bytes(notes_frame());
    let mut truncated_ipc = good_notes_ipc.clone();
    truncated_ipc.truncate(good_notes_ipc.len() - 20);
    let bool_amount = with_column(
        claims_frame(),
        Column::new("charge_amount".into(), [true, false, true]),
    );
    let list_date = {
        let dates = Series::new("d".into(), [1i64, 2]);
        let list = Series::new("note_date".into(), [dates.clone(), dates]);
        with_column(notes_frame(), list.into_column())
    };
    let bool_date_ipc = with_column(
        claims_frame(),
        Column::new("service_date".into(), [true, true, false]),
    );
    let utf16: Vec<u8> = {
        let mut v = vec![0xFF, 0xFE];
        for u in good_claims().encode_utf16() {
            v.extend_from_slice(&u.to_le_bytes());
        }
        v
    };
    let utf16_bare: Vec<u8> = good_claims()
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    let mut latin1 = good_claims().into_bytes();
    let at = latin1.len() - 10;
    latin1.splice(at..at, [0xE9]); // é in Latin-1, on line 4
    let mut notes_latin1 = good_notes().into_bytes();
    let at = notes_latin1.len() - 10;
    notes_latin1.splice(at..at, [0xE9, 0x20]);
    let headerless = good_notes().lines().skip(1).collect::<Vec<_>>().join("\n") + "\n";

    vec![
        Case::new("empty claims file", fails(&["claims.csv", "file is empty"]))
            .file("claims.csv", ""),
        Case::new("empty notes file", fails(&["notes.csv", "file is empty"]))
            .file("notes.csv", ""),
        Case::new("claims of blank lines only", fails(&["claims.csv", "file is empty"]))
            .file("claims.csv", "\n\r\n\n"),
        Case::new("BOM only", fails(&["claims.csv", "file is empty"]))
            .file("claims.csv", "\u{feff}"),
        Case::new(
            "missing required column",
            fails(&["claims.csv", "missing required column \"cpt_code\"", "found: claim_id"]),
        )
        .file(
            "claims.csv",
            good_claims().replace(",cpt_code,", ",procedure,"),
        ),
        Case::new(
            "missing text column in notes",
            fails(&["notes.csv", "missing required column \"text\""]),
        )
        .file("notes.csv", good_notes().replace(",text\n", ",body\n")),
        Case::new(
            "notes without a header line",
            fails(&["notes.csv", "missing required column", "no header line?"]),
        )
        .file("notes.csv", headerless),
        Case::new(
            "duplicated column",
            fails(&["claims.csv", "column \"payer\" appears more than once"]),
        )
        .file(
            "claims.csv",
            good_claims().replacen(",dx_codes,", ",payer,", 1),
        ),
        Case::new("semicolon delimiter", fails(&["claims.csv", "delimited by ';'"]))
            .file("claims.csv", good_claims().replace(',', ";")),
        Case::new("tab delimiter", fails(&["claims.csv", "delimited by tabs"]))
            .file("claims.csv", good_claims().replace(',', "\t")),
        // CONTRACT.md "encodings": a bad byte rejects its row, naming the offset.
        Case::new(
            "non-UTF-8 bytes in claims",
            rejects(&[("claims.csv", 3, "payer", "byte offset 308: bytes that are not valid (UTF-8 text)")]),
        )
        .file("claims.csv", latin1.clone()),
        Case::new(
            "the same bytes read as windows-1252",
            rejects(&[]),
        )
        .file("claims.csv", latin1.clone())
        .args(&["--encoding", "windows-1252"]),
        Case::new(
            "non-UTF-8 bytes in a note",
            rejects(&[("notes.csv", 2, "text", "bytes that are not valid (UTF-8 text)")]),
        )
        .file("notes.csv", notes_latin1),
        Case::new(
            "NUL byte",
            rejects(&[("claims.csv", 2, "patient_id", "a NUL byte (UTF-8 text)")]),
        )
        .file(
            "claims.csv",
            good_claims().replacen("C1,2,P1", "C1,2,P\u{0}1", 1),
        ),
        Case::new("UTF-16 file with a byte-order mark", rejects(&[])).file("claims.csv", utf16),
        Case::new(
            "UTF-16 file without a byte-order mark",
            fails(&["claims.csv", "header line holds a NUL byte", "--encoding"]),
        )
        .file("claims.csv", utf16_bare),
        Case::new(
            "unknown encoding",
            fails(&["--encoding ebcdic-x", "unknown encoding"]),
        )
        .args(&["--encoding", "ebcdic-x"]),
        Case::new(
            "unterminated quote in claims",
            fails(&["claims.csv", "line 3", "never closed"]),
        )
        .file(
            "claims.csv",
            good_claims().replacen("C1,2,P1,D1", "C1,2,\"P1,D1", 1),
        ),
        Case::new(
            "unterminated quote in a note",
            fails(&["notes.csv", "line 3", "never closed"]),
        )
        .file(
            "notes.csv",
            good_notes().replacen("hip flexors 4-/5\"", "hip flexors 4-/5", 1),
        ),
        Case::new(
            "stray quote inside a field",
            fails(&["claims.csv", "line 2", "text follows the closing quote"]),
        )
        .file(
            "claims.csv",
            good_claims().replacen(",MEDICARE,", ",\"MEDI\"CARE,", 1),
        ),
        Case::new(
            "row with more fields than the header",
            fails(&["notes.csv", "line 2", "has 8 fields but the header has 7"]),
        )
        .file(
            "notes.csv",
            good_notes().replacen("\"Quads 4/5", "Quads,\"4/5", 1),
        ),
        Case::new("corrupt Parquet", fails(&["claims.parquet", "cannot read file"]))
            .file("claims.parquet", "PAR1 this is not parquet PAR1")
            .claims("claims.parquet"),
        Case::new("truncated Parquet", fails(&["claims.parquet", "cannot read file"]))
            .file("claims.parquet", truncated_pq)
            .claims("claims.parquet"),
        Case::new(
            "Parquet with a boolean amount",
            fails(&["claims.parquet", "\"charge_amount\" has type bool", "amount"]),
        )
        .file("claims.parquet", parquet_bytes(bool_amount))
        .claims("claims.parquet"),
        Case::new(
            "Parquet with a list of dates",
            fails(&["notes.parquet", "\"note_date\" has type list", "date"]),
        )
        .file("notes.parquet", parquet_bytes(list_date))
        .notes("notes.parquet"),
        Case::new("truncated IPC", fails(&["notes.arrow", "cannot read file"]))
            .file("notes.arrow", truncated_ipc)
            .notes("notes.arrow"),
        Case::new(
            "IPC with a boolean date",
            fails(&["claims.arrow", "\"service_date\" has type bool"]),
        )
        .file("claims.arrow", ipc_bytes(bool_date_ipc))
        .claims("claims.arrow"),
        Case::new(
            "broken NDJSON line",
            fails(&["notes.ndjson", "line 2 is not valid JSON"]),
        )
        .file(
            "notes.ndjson",
            format!(
                "{{\"note_id\":\"N1\",\"patient_id\":\"P1\",\"note_date\":\"2026-01-05\",\"text\":\"ok\"}}\n{{\"note_id\":\"N2\",\"patient_id\":\"P2\",\"note_date\":\"2026-01-06\",\"text\":\"{MARKER} cut off\n"
            ),
        )
        .notes("notes.ndjson"),
        Case::new(
            "NDJSON line that is not an object",
            fails(&["notes.ndjson", "line 1 is not a JSON object"]),
        )
        .file("notes.ndjson", format!("[\"{MARKER}\"]\n"))
        .notes("notes.ndjson"),
        Case::new("empty NDJSON", fails(&["notes.jsonl", "file is empty"]))
            .file("notes.jsonl", "")
            .notes("notes.jsonl"),
        Case::new("unknown extension", fails(&["claims.xlsx", "unknown file format"]))
            .file("claims.xlsx", "PK\u{3}\u{4}")
            .claims("claims.xlsx"),
        Case::new("no extension", fails(&["claims", "unknown file format"]))
            .file("claims", good_claims())
            .claims("claims"),
        Case::new("missing file", fails(&["nowhere.csv", "no such file"])).claims("nowhere.csv"),
        Case::new("glob that matches nothing", fails(&["part-*.csv", "no file matches"]))
            .claims("part-*.csv"),
        Case::new("empty folder", fails(&["parts", "holds no input file"]))
            .file("parts/readme.txt", "not an input")
            .claims("parts"),
        Case::new("folder of mixed formats", fails(&["parts", "share one format"]))
            .file("parts/a.csv", good_claims())
            .file("parts/b.parquet", parquet_bytes(claims_frame()))
            .claims("parts"),
        Case::new(
            "unreadable file",
            fails(&["claims.csv", "cannot open file", "permission denied"]),
        )
        .runner(Runner::Nobody)
        .prepare(|dir| lock(&dir.join("claims.csv"))),
        Case::new(
            "unreadable folder",
            fails(&["parts", "cannot read folder", "permission denied"]),
        )
        .file("parts/a.csv", good_claims())
        .claims("parts")
        .runner(Runner::Nobody)
        .prepare(|dir| lock(&dir.join("parts"))),
        Case::new(
            "mapping naming an absent column",
            fails(&["claims.csv", "mapping names column \"DOS\" for service_date"]),
        )
        .file("map.toml", "[claims]\nservice_date = \"DOS\"\n")
        .args(&["--mapping", "{dir}/map.toml"]),
        Case::new(
            "mapping with an unknown key",
            fails(&["map.toml", "[claims] date_of_service is not a column"]),
        )
        .file("map.toml", "[claims]\ndate_of_service = \"DOS\"\n")
        .args(&["--mapping", "{dir}/map.toml"]),
        Case::new("mapping that is not TOML", fails(&["map.toml"]))
            .file("map.toml", "service_date: DOS\n")
            .args(&["--mapping", "{dir}/map.toml"]),
        Case::new("missing mapping file", fails(&["nomap.toml", "cannot read mapping file"]))
            .args(&["--mapping", "{dir}/nomap.toml"]),
        Case::new("config with an unknown key", fails(&["c.toml", "max_visits"]))
            .file("c.toml", "[thresholds]\nmax_visits = 3\n")
            .args(&["--config", "{dir}/c.toml"]),
        Case::new(
            "config with a bad regex",
            fails(&["c.toml", "evidence.neuro_distinction[0] is not a valid regex"]),
        )
        .file("c.toml", "[evidence]\nneuro_distinction = ['(unclosed']\n")
        .args(&["--config", "{dir}/c.toml"]),
        Case::new(
            "config regex matching empty text",
            fails(&["c.toml", "evidence.strength_grade[0] can match empty text"]),
        )
        .file("c.toml", "[evidence]\nstrength_grade = ['x*']\n")
        .args(&["--config", "{dir}/c.toml"]),
        Case::new(
            "config regex matching empty text at word boundaries",
            fails(&["c.toml", "evidence.treatment_plan[0] can match empty text"]),
        )
        .file("c.toml", "[evidence]\ntreatment_plan = ['\\b']\n")
        .args(&["--config", "{dir}/c.toml"]),
        Case::new(
            "config with an empty code prefix",
            fails(&["c.toml", "codes.neurological holds \"\""]),
        )
        .file("c.toml", "[codes]\nneurological = ['G', '']\n")
        .args(&["--config", "{dir}/c.toml"]),
        Case::new(
            "config with a wrong value type",
            fails(&["c.toml", "strength_lookback_days"]),
        )
        .file("c.toml", "[thresholds]\nstrength_lookback_days = 'a year'\n")
        .args(&["--config", "{dir}/c.toml"]),
        Case::new("bad --period", fails(&["--period 2026-13", "YYYY-MM"]))
            .args(&["--period", "2026-13"]),
        Case::new("--period outside the calendar", fails(&["--period 0000-01", "1900 and 2100"]))
            .args(&["--period", "0000-01"]),
        Case::new("--from after --to", fails(&["--from 2026-02-01 is after --to"]))
            .args(&["--from", "2026-02-01", "--to", "2026-01-01"]),
        Case::new(
            "--pseudonymize without a key",
            fails(&["--pseudonymize", "CLAIMS_AUDIT_PSEUDONYM_KEY"]),
        )
        .args(&["--pseudonymize"]),
    ]
}

/// Makes a path unreadable for everyone but root.
fn lock(p: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o000)).unwrap();
}

/// Inputs whose bad rows are rejected while the run completes.
fn row_level_cases() -> Vec<Case> {
    let big_note = {
        let sentence = "Patient ambulated with walker, quads 4/5, s/p TKA; ";
        let mut text = String::with_capacity(10 << 20);
        while text.len() < 10 << 20 {
            text.push_str(sentence);
        }
        text.push_str(MARKER);
        notes_with(&format!("N1,P1,2026-01-05,daily note,C1,D1,\"{text}\"\n"))
    };
    let text_dates_pq = {
        let df = df!(
            "claim_id" => ["C1", "C2", "C3"],
            "line_number" => ["1", "1", "x"],
            "patient_id" => ["P1", "P2", "P3"],
            "provider_id" => ["D1", "D2", "D3"],
            "service_date" => ["2026-01-05", "2026-02-30", "2026-01-07"],
            "cpt_code" => ["97110", "97110", "97110"],
            "charge_amount" => ["$1,000.00", "10", "10"],
            "dx_codes" => ["M62.81", "M62.81", "M62.81"],
        )
        .unwrap();
        parquet_bytes(df)
    };
    let extreme_dates_pq = {
        let days = Series::new("service_date".into(), [20458i32, i32::MAX, i32::MIN])
            .cast(&DataType::Date)
            .unwrap();
        parquet_bytes(with_column(claims_frame(), days.into_column()))
    };
    let native_amounts_pq = {
        let amounts = Series::new("charge_amount".into(), [100.0f64, -5.0, f64::NAN]);
        parquet_bytes(with_column(claims_frame(), amounts.into_column()))
    };
    vec![
        Case::new("good inputs", rejects(&[])),
        Case::new("header only", rejects(&[])).file("claims.csv", CLAIMS_HEADER),
        Case::new("notes header only", rejects(&[])).file("notes.csv", NOTES_HEADER),
        Case::new("CRLF and BOM", rejects(&[]))
            .file(
                "claims.csv",
                format!("\u{feff}{}", good_claims().replace('\n', "\r\n")),
            )
            .file("notes.csv", format!("\u{feff}{}", good_notes().replace('\n', "\r\n"))),
        Case::new("quoted newlines and quotes in a note", rejects(&[])).file(
            "notes.csv",
            notes_with(&format!(
                "N1,P1,2026-01-05,daily note,C1,D1,\"Line one, {MARKER}\nQuads \"\"4/5\"\"\r\nend\"\n"
            )),
        ),
        Case::new("blank lines and empty rows are skipped", rejects(&[])).file(
            "claims.csv",
            good_claims().replacen("\nC1,2", "\n\n,,,,,,,,,,,,\nC1,2", 1) + "\n\n",
        ),
        Case::new("a 10 MB note", rejects(&[])).file("notes.csv", big_note),
        Case::new(
            "impossible dates",
            rejects(&[
                ("claims.csv", 1, "service_date", "): \"2026-02-30\""),
                ("claims.csv", 2, "service_date", "): \"13/01/2026\""),
                ("claims.csv", 3, "service_date", "): \"2026-1-5\""),
                ("claims.csv", 4, "service_date", "): \"yesterday\""),
            ]),
        )
        .file(
            "claims.csv",
            claims_with(
                "C1,1,P1,D1,2026-02-30,97110,,1,10,,,M62.81,\n\
C2,1,P1,D1,13/01/2026,97110,,1,10,,,M62.81,\n\
C3,1,P1,D1,2026-1-5,97110,,1,10,,,M62.81,\n\
C4,1,P1,D1,yesterday,97110,,1,10,,,M62.81,\n\
C5,1,P1,D1,1/5/2026,97110,,1,10,,,M62.81,\n",
            ),
        ),
        Case::new(
            "dates out of range",
            rejects(&[
                ("claims.csv", 1, "service_date", "out of range"),
                ("claims.csv", 2, "service_date", "out of range"),
                ("notes.csv", 1, "note_date", "out of range"),
            ]),
        )
        .file(
            "claims.csv",
            claims_with(
                "C3,1,P1,D1,1899-12-31,97110,,1,10,,,M62.81,\nC4,1,P1,D1,2101-01-01,97110,,1,10,,,M62.81,\nC5,1,P1,D1,2100-12-31,97110,,1,10,,,M62.81,\n",
            ),
        )
        .file(
            "notes.csv",
            notes_with(&format!("N1,P1,0001-01-01,,,,\"{MARKER}\"\n")),
        ),
        Case::new(
            "amounts with currency signs and commas",
            rejects(&[
                ("claims.csv", 4, "charge_amount", "not an amount: \"€12.00\""),
                ("claims.csv", 5, "charge_amount", "not an amount: \"1.234,50\""),
                ("claims.csv", 6, "charge_amount", "not an amount: \"12 USD\""),
                ("claims.csv", 7, "charge_amount", "not an amount: \"(5.00)\""),
                ("claims.csv", 8, "charge_amount", "not an amount: \"1,23\""),
                ("claims.csv", 9, "paid_amount", "not an amount: \"1e3\""),
            ]),
        )
        .file(
            "claims.csv",
            claims_with(
                "C1,1,P1,D1,2026-01-05,97110,,1,\"$1,234.50\",,,M62.81;G20,\n\
C2,1,P1,D1,2026-01-05,97110,,1,\"1,234.50\",\"$ 1,000\",,M62.81;G20,\n\
C3,1,P1,D1,2026-01-05,97110,,1,.50,0,,M62.81,\n\
C4,1,P1,D1,2026-01-05,97110,,1,€12.00,,,M62.81,\n\
C5,1,P1,D1,2026-01-05,97110,,1,\"1.234,50\",,,M62.81,\n\
C6,1,P1,D1,2026-01-05,97110,,1,12 USD,,,M62.81,\n\
C7,1,P1,D1,2026-01-05,97110,,1,(5.00),,,M62.81,\n\
C8,1,P1,D1,2026-01-05,97110,,1,\"1,23\",,,M62.81,\n\
C9,1,P1,D1,2026-01-05,97110,,1,10,1e3,,M62.81,\n",
            ),
        )
        .after(|out| {
            let f = read(&out.join("findings.csv"));
            // C1: $1,234.50 read as 1234.50 (no paid amount); C2 paid "$ 1,000".
            assert!(f.contains(",C1,P1,D1,2026-01-05,\"\",1234.50,"), "{f}");
            assert!(f.contains(",C2,P1,D1,2026-01-05,\"\",1000.00,"), "{f}");
        }),
        Case::new(
            "negative units and amounts, bad line numbers",
            rejects(&[
                ("claims.csv", 1, "units", "0 or more: \"-1\""),
                ("claims.csv", 2, "charge_amount", "negative amount: \"-5.00\""),
                ("claims.csv", 3, "line_number", "1 or more: \"0\""),
                ("claims.csv", 4, "line_number", "1 or more: \"1.5\""),
                ("claims.csv", 5, "units", "0 or more: \"2.5\""),
            ]),
        )
        .file(
            "claims.csv",
            claims_with(
                "C1,1,P1,D1,2026-01-05,97110,,-1,10,,,M62.81,\n\
C2,1,P1,D1,2026-01-05,97110,,1,-5.00,,,M62.81,\n\
C3,0,P1,D1,2026-01-05,97110,,1,10,,,M62.81,\n\
C4,1.5,P1,D1,2026-01-05,97110,,1,10,,,M62.81,\n\
C5,1,P1,D1,2026-01-05,97110,,2.5,10,,,M62.81,\n\
C6,1,P1,D1,2026-01-05,97110,,0,10,,,M62.81,\n",
            ),
        ),
        Case::new(
            "duplicate claim lines",
            rejects(&[("claims.csv", 4, "line_number", "duplicate line")]),
        )
        .file(
            "claims.csv",
            good_claims() + "C1,2,P1,D1,2026-01-05,97112,,1,30.00,,MEDICARE,M62.81,1\n",
        ),
        Case::new(
            "lines of one claim disagree on patient",
            rejects(&[
                ("claims.csv", 1, "patient_id", "disagree on patient_id"),
                ("claims.csv", 2, "patient_id", "disagree on patient_id"),
            ]),
        )
        .file("claims.csv", good_claims().replacen("C1,2,P1", "C1,2,P9", 1)),
        Case::new(
            "lines of one claim disagree on date",
            rejects(&[
                ("claims.csv", 1, "service_date", "disagree on service_date"),
                ("claims.csv", 2, "service_date", "disagree on service_date"),
            ]),
        )
        .file(
            "claims.csv",
            good_claims().replacen("C1,2,P1,D1,2026-01-05", "C1,2,P1,D1,2026-01-07", 1),
        ),
        Case::new(
            "lines of one claim disagree on diagnoses",
            rejects(&[
                ("claims.csv", 1, "dx_codes", "disagree on dx_codes"),
                ("claims.csv", 2, "dx_codes", "disagree on dx_codes"),
            ]),
        )
        .file(
            "claims.csv",
            good_claims().replacen("200.00,,MEDICARE,M62.81", "200.00,,MEDICARE,M62.81;G20", 1),
        ),
        Case::new("notes whose claim_id matches no claim", rejects(&[]))
            .file(
                "notes.csv",
                good_notes()
                    + &format!("N3,P1,2026-01-05,daily note,C404,D1,\"{MARKER} quads 3/5\"\n"),
            )
            .after(|out| {
                let summary: serde_json::Value =
                    serde_json::from_str(&read(&out.join("summary.json"))).unwrap();
                let notes = &summary["inputs"][1];
                assert_eq!(notes["name"], "notes");
                assert_eq!(notes["unmatched_claim_id"], 1, "{notes}");
                assert_eq!(notes["rows_used"], 3, "{notes}");
            }),
        Case::new(
            "codes of impossible shape",
            rejects(&[
                ("claims.csv", 1, "dx_codes", "impossible shape: \"123.45\""),
                ("claims.csv", 2, "dx_codes", "impossible shape: \"M62.8111111\""),
                ("claims.csv", 3, "dx_codes", "impossible shape: \"M6$2.81\""),
                ("claims.csv", 4, "dx_codes", "no diagnosis code"),
                ("claims.csv", 5, "cpt_code", "5 letters or digits: \"97-10\""),
            ]),
        )
        .file(
            "claims.csv",
            claims_with(
                "C1,1,P1,D1,2026-01-05,97110,,1,10,,,123.45,\n\
C2,1,P1,D1,2026-01-05,97110,,1,10,,,M62.8111111,\n\
C3,1,P1,D1,2026-01-05,97110,,1,10,,,M6$2.81,\n\
C4,1,P1,D1,2026-01-05,97110,,1,10,,,\";;\",\n\
C5,1,P1,D1,2026-01-05,97-10,,1,10,,,M62.81,\n\
C6,1,P1,D1,2026-01-05,97110,,1,10,,,m62.81 | r53.1,\n",
            ),
        ),
        Case::new(
            "missing required values and short rows",
            rejects(&[
                ("claims.csv", 1, "patient_id", "required value is empty"),
                ("claims.csv", 2, "provider_id", "required value is empty"),
                ("notes.csv", 1, "note_date", "required value is empty"),
                ("notes.csv", 2, "text", "required value is empty"),
            ]),
        )
        .file(
            "claims.csv",
            claims_with("C1,1,,D1,2026-01-05,97110,,1,10,,,M62.81,\nC2,1,P2\n"),
        )
        .file(
            "notes.csv",
            notes_with(&format!("N1,P1,,,,,\"{MARKER}\"\nN2,P1,2026-01-05,,,,\"   \"\n")),
        ),
        Case::new(
            "duplicate note ids",
            rejects(&[("notes.csv", 3, "note_id", "duplicate note_id")]),
        )
        .file(
            "notes.csv",
            good_notes() + &format!("N1,P1,2026-01-05,,,,\"{MARKER} again\"\n"),
        ),
        Case::new(
            "bad values in notes are not quoted",
            rejects(&[("notes.csv", 1, "note_date", "not a date (expected")]),
        )
        .file(
            "notes.csv",
            notes_with(&format!("N1,P1,{MARKER} text in a date,,,,\"x\"\n")),
        )
        .after(|out| {
            let r = read(&out.join("rejects.csv"));
            assert!(!r.contains("text in a date"), "{r}");
        }),
        Case::new(
            "Parquet with text values parsed as CSV text",
            rejects(&[
                ("claims.parquet", 2, "service_date", "not a date"),
                ("claims.parquet", 3, "line_number", "1 or more: \"x\""),
            ]),
        )
        .file("claims.parquet", text_dates_pq)
        .claims("claims.parquet"),
        Case::new(
            "Parquet with dates beyond any calendar",
            rejects(&[
                ("claims.parquet", 2, "service_date", ""),
                ("claims.parquet", 3, "service_date", ""),
            ]),
        )
        .file("claims.parquet", extreme_dates_pq)
        .claims("claims.parquet"),
        Case::new(
            "Parquet with negative and NaN amounts",
            rejects(&[
                ("claims.parquet", 2, "charge_amount", "negative amount"),
                ("claims.parquet", 3, "charge_amount", "not an amount"),
            ]),
        )
        .file("claims.parquet", native_amounts_pq)
        .claims("claims.parquet"),
        Case::new(
            "NDJSON with mixed value types",
            rejects(&[("notes.ndjson", 2, "note_date", "not a date")]),
        )
        .file(
            "notes.ndjson",
            format!(
                "{{\"note_id\":\"N1\",\"patient_id\":\"P1\",\"note_date\":\"2026-01-05\",\"text\":\"{MARKER}\"}}\n\n{{\"note_id\":2,\"patient_id\":\"P2\",\"note_date\":\"soon\",\"text\":\"{MARKER}\"}}\n"
            ),
        )
        .notes("notes.ndjson"),
    ]
}

#[test]
fn bad_inputs_that_stop_the_run() {
    run_all(file_level_cases());
}

#[test]
fn bad_rows_are_rejected_and_the_run_completes() {
    run_all(row_level_cases());
}

#[test]
fn the_suite_has_at_least_40_cases() {
    let n = file_level_cases().len() + row_level_cases().len();
    assert!(n >= 40, "{n} cases");
}
