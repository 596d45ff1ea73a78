//! The same data in every format, folder, mapping or dx1..dx12 layout gives the same findings.

use polars::prelude::*;

use crate::common::*;

fn read_csv(path: &std::path::Path) -> DataFrame {
    LazyCsvReader::new(PlRefPath::new(path.to_str().unwrap()))
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .finish()
        .unwrap()
        .collect()
        .unwrap()
}

/// Typed the way a warehouse would export it: dates as Date, amounts as Float64, line numbers as integers.
fn typed(df: &DataFrame, dates: &[&str], floats: &[&str], ints: &[&str]) -> DataFrame {
    let mut exprs = vec![];
    for name in df.get_column_names() {
        let c = col(name.as_str());
        let e = if dates.contains(&name.as_str()) {
            c.str().to_date(StrptimeOptions {
                format: Some("%Y-%m-%d".into()),
                strict: false,
                ..Default::default()
            })
        } else if floats.contains(&name.as_str()) {
            c.cast(DataType::Float64)
        } else if ints.contains(&name.as_str()) {
            c.cast(DataType::Int64)
        } else {
            c
        };
        exprs.push(e);
    }
    df.clone().lazy().select(exprs).collect().unwrap()
}

fn write_all_formats(df: &DataFrame, dir: &std::path::Path, stem: &str) {
    let mut d = df.clone();
    ParquetWriter::new(std::fs::File::create(dir.join(format!("{stem}.parquet"))).unwrap())
        .finish(&mut d)
        .unwrap();
    IpcWriter::new(std::fs::File::create(dir.join(format!("{stem}.arrow"))).unwrap())
        .finish(&mut d)
        .unwrap();
    JsonWriter::new(std::fs::File::create(dir.join(format!("{stem}.ndjson"))).unwrap())
        .with_json_format(JsonFormat::JsonLines)
        .finish(&mut d)
        .unwrap();
}

#[test]
fn every_format_gives_the_same_findings() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let claims = read_csv(&sample("claims.csv"));
    let notes = read_csv(&sample("notes.csv"));
    // Only ISO dates can be typed natively; keep the sample's other spellings as text.
    let iso = claims
        .column("service_date")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .all(|d| d.is_some_and(|d| d.contains('-')));
    let claims_typed = typed(
        &claims,
        if iso { &["service_date"] } else { &[] },
        &["charge_amount"],
        &["line_number"],
    );
    write_all_formats(&claims_typed, dir, "claims");
    write_all_formats(&typed(&notes, &["note_date"], &[], &[]), dir, "notes");
    let reference = audit(
        &sample("claims.csv"),
        &sample("notes.csv"),
        &dir.join("out-csv"),
        &[],
    );
    let expected = read(&reference.join("findings.csv"));
    assert!(
        expected.lines().count() > 1,
        "sample data must produce findings"
    );
    for ext in ["parquet", "arrow", "ndjson"] {
        let out = audit(
            &dir.join(format!("claims.{ext}")),
            &dir.join(format!("notes.{ext}")),
            &dir.join(format!("out-{ext}")),
            &[],
        );
        assert_eq!(
            read(&out.join("findings.csv")),
            expected,
            "{ext} findings differ from CSV"
        );
    }
}

#[test]
fn a_folder_or_glob_of_parts_reads_as_one_table() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let text = read(&sample("claims.csv"));
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.collect();
    // Split on claim boundaries would matter for quoted newlines; claims have none.
    let half = rows.len() / 2;
    std::fs::create_dir_all(dir.join("parts")).unwrap();
    write(
        &dir.join("parts"),
        "part-1.csv",
        &format!("{header}\n{}\n", rows[..half].join("\n")),
    );
    write(
        &dir.join("parts"),
        "part-2.csv",
        &format!("{header}\n{}\n", rows[half..].join("\n")),
    );
    let reference = audit(
        &sample("claims.csv"),
        &sample("notes.csv"),
        &dir.join("out-one"),
        &[],
    );
    let folder = audit(
        &dir.join("parts"),
        &sample("notes.csv"),
        &dir.join("out-folder"),
        &[],
    );
    assert_eq!(
        read(&folder.join("findings.csv")),
        read(&reference.join("findings.csv"))
    );
    let glob = dir.join("parts").join("part-*.csv");
    let globbed = audit(&glob, &sample("notes.csv"), &dir.join("out-glob"), &[]);
    assert_eq!(
        read(&globbed.join("findings.csv")),
        read(&reference.join("findings.csv"))
    );
    let summary = read(&folder.join("summary.json"));
    assert!(summary.contains("\"files\": 2"), "{summary}");
}

#[test]
fn mapping_and_dx_columns_give_the_same_findings() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let claims = read_csv(&sample("claims.csv"));
    // dx_codes -> dx1..dx12, and real-world column names.
    let split = claims
        .clone()
        .lazy()
        .with_column(
            col("dx_codes")
                .str()
                .replace_all(lit(r"[;,|\s]+"), lit(";"), false)
                .str()
                .split(lit(";"))
                .alias("dx"),
        )
        .with_columns(
            (0..12)
                .map(|i| {
                    col("dx")
                        .list()
                        .get(lit(i as i64), true)
                        .alias(format!("Dx {}", i + 1))
                })
                .collect::<Vec<_>>(),
        )
        .drop(cols(["dx", "dx_codes"]))
        .rename(["service_date", "patient_id"], ["DOS", "Member ID"], true)
        .collect()
        .unwrap();
    let mut split = split;
    let path = dir.join("claims_export.csv");
    CsvWriter::new(std::fs::File::create(&path).unwrap())
        .finish(&mut split)
        .unwrap();
    let mut mapping =
        String::from("[claims]\nservice_date = \"DOS\"\npatient_id = \"Member ID\"\n");
    for i in 1..=12 {
        mapping.push_str(&format!("dx{i} = \"Dx {i}\"\n"));
    }
    let map = write(dir, "mapping.toml", &mapping);
    let reference = audit(
        &sample("claims.csv"),
        &sample("notes.csv"),
        &dir.join("out-ref"),
        &[],
    );
    let mapped = audit(
        &path,
        &sample("notes.csv"),
        &dir.join("out-mapped"),
        &["--mapping", s(&map)],
    );
    assert_eq!(
        read(&mapped.join("findings.csv")),
        read(&reference.join("findings.csv"))
    );
}

#[test]
fn same_input_gives_byte_identical_outputs_across_runs_and_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let a = audit(
        &sample("claims.csv"),
        &sample("notes.csv"),
        &dir.join("a"),
        &[],
    );
    let b_dir = dir.join("b");
    let o = run_env(
        &[
            "run",
            "--claims",
            s(&sample("claims.csv")),
            "--notes",
            s(&sample("notes.csv")),
            "--out",
            s(&b_dir),
            "--quiet",
        ],
        &[("POLARS_MAX_THREADS", "1")],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for f in ["findings.csv", "summary.json", "rejects.csv"] {
        assert_eq!(read(&a.join(f)), read(&b_dir.join(f)), "{f} differs");
    }
    assert_eq!(
        std::fs::read(a.join("findings.parquet")).unwrap(),
        std::fs::read(b_dir.join("findings.parquet")).unwrap()
    );
}
