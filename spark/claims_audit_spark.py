#!/usr/bin/env python3
"""claims-audit on Apache Spark: one audit over exports too large for one machine.

Spark reads both exports, puts every patient's claim lines and notes in the
same partition (a hash of patient_id), and each task audits its partition
with the claims-audit binary (`claims-audit part`). The driver collects the
small per-partition results and merges them into the usual run folder with
`claims-audit merge`: the same findings.csv, summary.json and rejects.csv
as one `claims-audit run` over the same exports.

    spark-submit spark/claims_audit_spark.py --claims s3://lake/claims/ \\
        --notes s3://lake/notes/ --out reports/2026-03 --period 2026-03 \\
        --partitions 400 --binary ./claims-audit
    python3 spark/claims_audit_spark.py --master 'local[4]' --claims ... (local mode)

Rows keep their file and row number (Parquet: `_metadata.row_index`; CSV:
row order within each file, read unsplit) so that rejects name them as one
pass does. Patients that one pass relates through a shared claim_id, a shared
note_id or a note naming another patient's claim (bad rows, rejected or
linked by one pass) are put in the same partition. A failing task fails the
job with the binary's one-line error; the run folder is written atomically
by `merge`, so a killed job leaves no half run folder. See README, "Running
on Spark".
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

# Columns the job adds to the rows it hands to `claims-audit part`.
SOURCE_FILE = "__source_file"
SOURCE_ROW = "__source_row"
PART = "__part"
KEY = "__key"
HELPERS = ["__patient", "__claim", "__note", "__note_claim", KEY, "__rep", PART]

# Most links between patients (bad rows) the driver joins into groups; more means
# an export whose ids are not per patient, which cannot be split by patient.
MAX_LINKS = 1_000_000


class JobError(Exception):
    """A one-line error for the user, with the exit code to end with."""

    def __init__(self, message, code=2):
        super().__init__(message)
        self.code = code


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="claims_audit_spark.py",
        description="Run claims-audit on Apache Spark: partitions by patient, "
        "audits each partition with the claims-audit binary, merges the run folder.",
    )
    p.add_argument("--claims", required=True, help="claims export: Parquet/CSV/JSON path, folder, glob, or table name")
    p.add_argument("--notes", required=True, help="notes export (same kinds as --claims)")
    p.add_argument("--format", choices=["auto", "parquet", "csv", "json", "table"], default="auto",
                   help="how to read both sources (default: from the extension; no extension and no such path: a table)")
    p.add_argument("--out", help="run folder to write (default: as claims-audit run)")
    p.add_argument("--partitions", type=int, help="partitions of patients (default: Spark's default parallelism)")
    p.add_argument("--master", help="Spark master (e.g. local[4], yarn); default: as spark-submit sets it, else local[*]")
    p.add_argument("--binary", default=shutil.which("claims-audit") or "claims-audit",
                   help="the claims-audit executable on the driver, shipped to executors (default: on PATH)")
    for flag in ["--period", "--from", "--to", "--config", "--mapping", "--checks-dir",
                 "--min-cell", "--fail-on", "--history"]:
        p.add_argument(flag)
    p.add_argument("--pseudonymize", action="store_true")
    p.add_argument("--quiet", "-q", action="store_true")
    args = p.parse_args(argv)
    if args.partitions is not None and args.partitions < 1:
        p.error("--partitions: expected 1 or more")
    return args


def source_format(path, given):
    if given != "auto":
        return given
    base = path.rstrip("/").lower()
    for ext, fmt in [(".parquet", "parquet"), (".pq", "parquet"), (".csv", "csv"),
                     (".ndjson", "json"), (".jsonl", "json")]:
        if base.endswith(ext):
            return fmt
    if os.path.isdir(path):
        names = [n.lower() for _, _, files in os.walk(path) for n in files]
        for ext, fmt in [(".parquet", "parquet"), (".csv", "csv"), (".ndjson", "json"), (".jsonl", "json")]:
            if any(n.endswith(ext) for n in names):
                return fmt
    if "://" in path or os.path.exists(path):
        return "parquet"
    return "table"


def read_source(spark, path, fmt):
    """The rows of one export with their file and data row number (from 1)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    if fmt == "table":
        df = spark.table(path)
    elif fmt == "parquet":
        df = spark.read.parquet(path)
    elif fmt == "csv":
        # All columns as text (claims-audit parses them); whole files in one
        # task each (multiLine), so that rows keep their order within a file.
        df = (spark.read.option("header", True).option("multiLine", True)
              .option("escape", '"').option("mode", "PERMISSIVE").csv(path))
    else:
        df = spark.read.json(path)
    columns = [F.col(f"`{c}`") for c in df.columns]
    try:
        meta = df.select("_metadata").schema[0].dataType.fieldNames()
    except Exception:  # a source without file metadata (some tables)
        meta = []
    if "row_index" in meta:  # Parquet
        return df.select(*columns, F.col("_metadata.file_path").alias(SOURCE_FILE),
                         (F.col("_metadata.row_index") + 1).alias(SOURCE_ROW))
    file = F.col("_metadata.file_path") if "file_path" in meta else F.lit(path)
    df = df.select(*columns, file.alias(SOURCE_FILE))
    # Row order within a file, as read (each file read whole by one task).
    order = Window.partitionBy(SOURCE_FILE).orderBy(F.monotonically_increasing_id())
    return df.withColumn(SOURCE_ROW, F.row_number().over(order).cast("long"))


def load_mapping(path):
    if not path:
        return {}
    import tomllib
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise JobError(f"--mapping {path}: cannot read ({e})")


def id_text(c):
    """An id as claims-audit reads it: text, trimmed, null when blank."""
    from pyspark.sql import functions as F
    t = F.regexp_replace(c.cast("string"), r"^\s+|\s+$", "")
    return F.when(t == "", F.lit(None).cast("string")).otherwise(t)


def source_column(df, mapping_section, name, what, required=True):
    from pyspark.sql import functions as F
    source = mapping_section.get(name, name)
    found = [c for c in df.columns if c.lstrip("\ufeff") == source]
    if not found:
        if required:
            raise JobError(f"{what}: missing required column \"{name}\"")
        return F.lit(None).cast("string")
    return F.col(f"`{found[0]}`")


def linked_groups(links):
    """Union-find over patient pairs: each linked patient -> the group's least id."""
    parent = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for patients in links:
        first = find(patients[0])
        for p in patients[1:]:
            a, b = find(first), find(p)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {p: find(p) for p in parent if find(p) != p}


def partitioned(spark, claims, notes, mapping, count):
    """Both exports with __part: patients that one pass relates are kept together."""
    from pyspark.sql import functions as F

    c_map, n_map = mapping.get("claims", {}), mapping.get("notes", {})
    claims = (claims
              .withColumn("__patient", id_text(source_column(claims, c_map, "patient_id", "claims")))
              .withColumn("__claim", id_text(source_column(claims, c_map, "claim_id", "claims"))))
    notes = (notes
             .withColumn("__patient", id_text(source_column(notes, n_map, "patient_id", "notes")))
             .withColumn("__note", id_text(source_column(notes, n_map, "note_id", "notes")))
             .withColumn("__note_claim", id_text(source_column(notes, n_map, "claim_id", "notes", required=False))))
    # Rows without a patient are rejected by the audit and relate nothing.
    c_ids = claims.where(F.col("__patient").isNotNull() & F.col("__claim").isNotNull())
    n_ids = notes.where(F.col("__patient").isNotNull())
    several = lambda df, key: (df.groupBy(key).agg(F.array_sort(F.collect_set("__patient")).alias("ps"))
                               .where(F.size("ps") > 1).select("ps"))
    claim_patients = c_ids.select("__claim", F.col("__patient").alias("__claim_patient")).distinct()
    note_links = (n_ids.where(F.col("__note_claim").isNotNull())
                  .select(F.col("__note_claim").alias("__claim"), "__patient").distinct()
                  .join(claim_patients, "__claim")
                  .where(F.col("__patient") != F.col("__claim_patient"))
                  .select(F.array("__patient", "__claim_patient").alias("ps")))
    links = (several(c_ids, "__claim").unionByName(several(n_ids.where(F.col("__note").isNotNull()), "__note"))
             .unionByName(note_links).limit(MAX_LINKS + 1).collect())
    if len(links) > MAX_LINKS:
        raise JobError(f"more than {MAX_LINKS} claims or notes relate different patients: "
                       "the exports cannot be split by patient (run claims-audit on one machine)")
    groups = linked_groups([sorted(r["ps"]) for r in links])

    def with_part(df):
        if groups:
            reps = spark.createDataFrame(sorted(groups.items()), "__patient string, __rep string")
            df = df.join(F.broadcast(reps), "__patient", "left")
            key = F.coalesce(F.col("__rep"), F.col("__patient"))
        else:
            key = F.col("__patient")
        part = F.when(key.isNull(), F.lit(0)).otherwise(F.pmod(F.hash(key), F.lit(count)))
        return df.withColumn(PART, part.cast("int"))

    return with_part(claims), with_part(notes), len(groups)


def part_command(binary, claims_file, notes_file, out, options):
    return [binary, "part", "--claims", claims_file, "--notes", notes_file, "--out", out] + options


def audit_partitions(claims, notes, binary_name, part_options):
    """Runs `claims-audit part` on every partition: rows (part, file name, bytes)."""
    import time

    import pyarrow as pa
    import pyarrow.ipc

    def one_partition(claims_tbl, notes_tbl):
        from pyspark import SparkFiles

        part = None
        for tbl in (claims_tbl, notes_tbl):
            if tbl.num_rows:
                part = tbl.column(PART)[0].as_py()
                break
        binary = SparkFiles.get(binary_name)
        os.chmod(binary, os.stat(binary).st_mode | 0o111)
        options = [SparkFiles.get(o[len("sparkfile:"):]) if o.startswith("sparkfile:") else o
                   for o in part_options]
        with tempfile.TemporaryDirectory(prefix="claims-audit-part-") as tmp:
            files = {}
            for name, tbl in (("claims", claims_tbl), ("notes", notes_tbl)):
                keep = [c for c in tbl.column_names if c not in HELPERS]
                # Rows in the order one pass reads them: file, then row.
                tbl = tbl.select(keep).sort_by([(SOURCE_FILE, "ascending"), (SOURCE_ROW, "ascending")])
                files[name] = os.path.join(tmp, f"{name}.arrow")
                with pa.OSFile(files[name], "wb") as sink:
                    with pa.ipc.new_file(sink, tbl.schema) as writer:
                        writer.write_table(tbl)
            out = os.path.join(tmp, "part")
            started = time.time()
            done = subprocess.run(part_command(binary, files["claims"], files["notes"], out, options),
                                  capture_output=True, text=True)
            if done.returncode != 0:
                lines = [l for l in done.stderr.splitlines() if l.strip()]
                line = lines[-1] if lines else f"exit {done.returncode}"
                raise RuntimeError(f"claims-audit part (partition {part}) failed with exit {done.returncode}: {line}")
            seconds = time.time() - started
            names, contents = [], []
            for name in sorted(os.listdir(out)):
                with open(os.path.join(out, name), "rb") as f:
                    names.append(name)
                    contents.append(f.read())
        return pa.table({"part": pa.array([part] * len(names), pa.int32()),
                         "name": pa.array(names, pa.string()),
                         "content": pa.array(contents, pa.binary()),
                         "seconds": pa.array([seconds] * len(names), pa.float64())})

    return (claims.groupBy(PART).cogroup(notes.groupBy(PART))
            .applyInArrow(one_partition, "part int, name string, content binary, seconds double"))


def task_error(exc):
    """The one line a failed task reported, from Spark's long exception text."""
    import re

    text = str(exc)
    found = re.search(r"RuntimeError: (claims-audit part \(partition \d+\) failed[^\n]*)", text)
    if found:
        return found.group(1).strip()
    for line in text.splitlines():
        found = re.match(r"^\s*([\w.]+(Error|Exception): .*)", line)
        if found and "Py4JJavaError" not in line:
            return found.group(1).strip()
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    return lines[0] if lines else type(exc).__name__


def run_job(spark, args):
    """Runs one audit on `spark`; returns merge's exit code."""
    import time

    started = time.time()
    sc = spark.sparkContext
    binary = os.path.abspath(args.binary) if os.path.exists(args.binary) else shutil.which(args.binary)
    if not binary or not os.path.isfile(binary):
        raise JobError(f"--binary {args.binary}: no such executable (build claims-audit or give its path)")
    # Files the executors need are shipped with the job (SparkFiles).
    shipped = set(getattr(sc, "_claims_audit_shipped", set()))

    def ship(path, recursive=False):
        path = os.path.abspath(path)
        if path not in shipped:
            sc.addFile(path, recursive=recursive)
            shipped.add(path)
        return os.path.basename(path.rstrip("/"))

    # The default custom checks folder is the driver's (as `run` in this folder would use).
    checks_dir = args.checks_dir or ("queries/checks" if os.path.isdir("queries/checks") else None)
    part_options = []
    for flag, value in [("--period", args.period), ("--from", args.__dict__["from"]), ("--to", args.to)]:
        if value:
            part_options += [flag, value]
    for flag, value, recursive in [("--config", args.config, False), ("--mapping", args.mapping, False),
                                   ("--checks-dir", checks_dir, True)]:
        if value:
            if not os.path.exists(value):
                raise JobError(f"{flag} {value}: no such file or folder")
            part_options += [flag, "sparkfile:" + ship(value, recursive)]
    binary_name = ship(binary)
    if __name__ != "__main__":
        # Imported (tests run jobs that way): the tasks need this module too.
        module = os.path.abspath(__file__)
        if module not in shipped:
            sc.addPyFile(module)
            shipped.add(module)
    sc._claims_audit_shipped = shipped
    # Check the options on the driver first (a bad --config fails before any task).
    count = args.partitions or sc.defaultParallelism
    spark.conf.set("spark.sql.shuffle.partitions", str(count))
    mapping = load_mapping(args.mapping)
    claims = read_source(spark, args.claims, source_format(args.claims, args.format))
    notes = read_source(spark, args.notes, source_format(args.notes, args.format))
    claims, notes, linked = partitioned(spark, claims, notes, mapping, count)
    planned = time.time()
    results = audit_partitions(claims, notes, binary_name, part_options)
    with tempfile.TemporaryDirectory(prefix="claims-audit-parts-") as tmp:
        parts = os.path.join(tmp, "parts")
        try:
            rows = results.collect()
        except Exception as e:  # a task failed: its one line
            raise JobError(task_error(e))
        for row in rows:
            folder = os.path.join(parts, f"part-{row['part']:05d}")
            os.makedirs(folder, exist_ok=True)
            # part.json last, as `part` writes it: merge reads finished parts only.
            with open(os.path.join(folder, row["name"]), "wb") as f:
                f.write(row["content"])
        if not rows:
            raise JobError(f"{args.claims}: no rows to audit")
        audited = time.time()
        merge = [binary, "merge", "--parts", parts, "--claims", args.claims, "--notes", args.notes]
        for flag, value in [("--out", args.out), ("--period", args.period), ("--from", args.__dict__["from"]),
                            ("--to", args.to), ("--config", args.config), ("--checks-dir", checks_dir),
                            ("--min-cell", args.min_cell), ("--fail-on", args.fail_on),
                            ("--history", args.history)]:
            if value:
                merge += [flag, value]
        merge += ["--pseudonymize"] * args.pseudonymize + ["--quiet"] * args.quiet
        done = subprocess.run(merge)
    if not args.quiet:
        per_task = sorted({r["part"]: r["seconds"] for r in rows}.values())
        print(f"claims_audit_spark: {len(per_task)} partitions audited and merged in "
              f"{time.time() - started:.1f} s: plan {planned - started:.1f} s ({linked} patients kept with "
              f"a related patient), tasks {audited - planned:.1f} s (claims-audit part per task: min "
              f"{per_task[0]:.1f} s, median {per_task[len(per_task) // 2]:.1f} s, max {per_task[-1]:.1f} s), "
              f"merge {time.time() - audited:.1f} s", file=sys.stderr)
    return done.returncode


def session(master):
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("claims-audit")
    if master:
        builder = builder.master(master)
    elif "PYSPARK_GATEWAY_PORT" not in os.environ:
        # Started with python3, not spark-submit: local mode.
        builder = builder.master("local[*]")
    spark = (builder.config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.session.timeZone", "UTC")
             .getOrCreate())
    # The job reports a failed task itself, in one line.
    spark.sparkContext.setLogLevel("OFF")
    return spark


def audit(argv, spark=None):
    """Runs one job: (exit code, error line or None). Tests run several on one session."""
    args = parse_args(argv)
    try:
        spark = spark or session(args.master)
        return run_job(spark, args), None
    except JobError as e:
        return e.code, f"claims_audit_spark: error: {e}"


def main():
    code, error = audit(sys.argv[1:])
    if error:
        print(error, file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
