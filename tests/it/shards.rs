//! `run --shards N`: the same outputs as one pass, or a clear refusal.

use std::path::Path;

use crate::common::*;

/// The files of a run folder that must not depend on the shard count
/// (report.html differs only by the time it ran).
fn same_outputs(a: &Path, b: &Path) {
    for f in ["findings.csv", "summary.json", "rejects.csv"] {
        assert_eq!(read(&a.join(f)), read(&b.join(f)), "{f} differs");
    }
    for entry in std::fs::read_dir(a.join("charts")).unwrap() {
        let name = entry.unwrap().file_name();
        if name.to_string_lossy().ends_with(".svg") {
            let (x, y) = (a.join("charts").join(&name), b.join("charts").join(&name));
            assert_eq!(read(&x), read(&y), "chart {name:?} differs");
        }
    }
}

/// claims.csv with one M62.81 line per (claim_id, patient_id), lines of a
/// claim numbered in order.
fn claims_csv(dir: &Path, lines: &[(&str, &str)]) -> std::path::PathBuf {
    let mut text = String::from(
        "claim_id,line_number,patient_id,provider_id,service_date,cpt_code,units,charge_amount,payer,dx_codes\n",
    );
    for (i, (claim, patient)) in lines.iter().enumerate() {
        let line = lines[..i].iter().filter(|(c, _)| c == claim).count() + 1;
        text.push_str(&format!(
            "{claim},{line},{patient},1184629305,2024-01-10,97110,1,10.00,BCBS,M62.81\n"
        ));
    }
    write(dir, "claims.csv", &text)
}

/// Runs `run` quietly on the given inputs with `extra` flags and environment.
fn run_audit(
    claims: &Path,
    notes: &Path,
    out: &Path,
    extra: &[&str],
    env: &[(&str, &str)],
) -> std::process::Output {
    let mut args = vec![
        "run",
        "--claims",
        s(claims),
        "--notes",
        s(notes),
        "--out",
        s(out),
        "--quiet",
    ];
    args.extend_from_slice(extra);
    run_env(&args, env)
}

#[test]
fn sharded_runs_of_sample_data_equal_the_unsharded_run() {
    let tmp = tempfile::tempdir().unwrap();
    let (claims, notes) = (sample("claims.csv"), sample("notes.csv"));
    let one = audit(&claims, &notes, &tmp.path().join("one"), &[]);
    for n in ["2", "3", "7"] {
        let many = audit(
            &claims,
            &notes,
            &tmp.path().join(format!("shards{n}")),
            &["--shards", n],
        );
        same_outputs(&one, &many);
    }
}

#[test]
fn sharded_runs_keep_rejects_in_file_and_row_order() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let o = run(&[
        "generate",
        "--lines",
        "20000",
        "--seed",
        "7",
        "--format",
        "csv",
        "--bad-rate",
        "0",
        "--out",
        s(&data),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Bad rows for patients at both ends of the id range, and rows without a patient.
    let mut claims = read(&data.join("claims.csv"));
    claims.push_str("ZZ1,1,AAA-first,1184629305,2024-13-40,97110,,1,10.00,5.00,BCBS,M62.81,1\n");
    claims.push_str("ZZ2,1,zzz-last,1184629305,2024-01-10,97110,,1,-3.00,5.00,BCBS,M62.81,1\n");
    claims.push_str("ZZ3,1,,1184629305,2024-01-10,97110,,1,10.00,5.00,BCBS,M62.81,1\n");
    std::fs::write(data.join("claims.csv"), claims).unwrap();
    let mut notes = read(&data.join("notes.csv"));
    notes.push_str("NZ1,zzz-last,2024-01-10,daily note,,1184629305,\"   \"\n");
    notes.push_str("NZ2,AAA-first,not a date,daily note,,1184629305,text\n");
    std::fs::write(data.join("notes.csv"), notes).unwrap();
    let (claims, notes) = (data.join("claims.csv"), data.join("notes.csv"));
    let one = audit(&claims, &notes, &tmp.path().join("one"), &[]);
    let rejects = read(&one.join("rejects.csv"));
    assert_eq!(rejects.lines().count(), 1 + 5, "{rejects}");
    let many = audit(
        &claims,
        &notes,
        &tmp.path().join("four"),
        &["--shards", "4"],
    );
    same_outputs(&one, &many);
}

#[test]
fn a_claim_of_patients_in_two_shards_is_refused_with_its_id() {
    let tmp = tempfile::tempdir().unwrap();
    let claims = claims_csv(tmp.path(), &[("C1", "P1"), ("C1", "P9"), ("C2", "P5")]);
    let notes = write(
        tmp.path(),
        "notes.csv",
        "note_id,patient_id,note_date,claim_id,text\nN1,P5,2024-01-11,C2,Strength 4/5.\n",
    );
    let out = tmp.path().join("run");
    let refused = run_audit(&claims, &notes, &out, &["--shards", "3"], &[]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    let err = stderr(&refused);
    assert!(
        err.contains("claim \"C1\"") && err.contains("--shards 1 audits in one pass"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert!(!tmp.path().join("run").exists(), "nothing written");
    // One pass rejects the claim as a whole.
    let one = run_audit(&claims, &notes, &out, &[], &[]);
    assert_eq!(one.status.code(), Some(0), "{}", stderr(&one));
    let rejects = read(&tmp.path().join("run").join("rejects.csv"));
    assert_eq!(
        rejects.matches("disagree on patient_id").count(),
        2,
        "{rejects}"
    );
}

#[test]
fn a_note_naming_a_claim_of_another_shard_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let claims = claims_csv(tmp.path(), &[("C1", "P1"), ("C2", "P9")]);
    let notes = write(
        tmp.path(),
        "notes.csv",
        "note_id,patient_id,note_date,claim_id,text\nN1,P1,2024-01-11,C2,Strength 4/5.\n",
    );
    let o = run_audit(
        &claims,
        &notes,
        &tmp.path().join("run"),
        &["--shards", "2"],
        &[],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("note \"N1\" names claim \"C2\""),
        "{}",
        stderr(&o)
    );
}

#[test]
fn auto_shards_when_memory_is_short_and_falls_back_to_one_pass_on_a_tie() {
    let tmp = tempfile::tempdir().unwrap();
    let (claims, notes) = (sample("claims.csv"), sample("notes.csv"));
    let one = audit(&claims, &notes, &tmp.path().join("one"), &["--shards", "1"]);
    // The sample is about 600 rows (300 KB a pass); 100 KB "available" makes auto shard it.
    let short = [
        ("CLAIMS_AUDIT_TEST_AVAILABLE_MEMORY", "100000"),
        ("CLAIMS_AUDIT_TIMINGS", "1"),
    ];
    let o = run_audit(&claims, &notes, &tmp.path().join("auto"), &[], &short);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("merge shards"),
        "auto did not shard: {}",
        stderr(&o)
    );
    same_outputs(&one, &tmp.path().join("auto"));
    // A claim of two patients far apart: auto audits in one pass instead of refusing.
    let ids: Vec<(String, String)> = (0..50)
        .map(|i| (format!("C{i:03}"), format!("P{i:03}")))
        .chain([("C000".to_string(), "P049".to_string())])
        .collect();
    let pairs: Vec<(&str, &str)> = ids.iter().map(|(c, p)| (c.as_str(), p.as_str())).collect();
    let tied = claims_csv(tmp.path(), &pairs);
    let few_notes = write(
        tmp.path(),
        "notes.csv",
        "note_id,patient_id,note_date,text\nN1,P001,2024-01-10,Strength 4/5.\n",
    );
    let tiny = [
        ("CLAIMS_AUDIT_TEST_AVAILABLE_MEMORY", "1000"),
        ("CLAIMS_AUDIT_TIMINGS", "1"),
    ];
    let o = run_audit(&tied, &few_notes, &tmp.path().join("tied"), &[], &tiny);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // The plan ran, found the tie, and the run went on in one pass (the
    // note saying so is not printed under --quiet).
    let err = stderr(&o);
    assert!(
        err.contains("shards: claims") && !err.contains("merge shards"),
        "{err}"
    );
    let rejects = read(&tmp.path().join("tied").join("rejects.csv"));
    assert_eq!(
        rejects.matches("disagree on patient_id").count(),
        2,
        "{rejects}"
    );
}
