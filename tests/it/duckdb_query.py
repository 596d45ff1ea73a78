#!/usr/bin/env python3
"""Runs SQL files in DuckDB over a `claims-audit export` folder and compares
the results with claims-audit's.

    python3 tests/it/duckdb_query.py EXPORT_DIR QUERY.sql EXPECTED.csv [QUERY.sql EXPECTED.csv ...]
    python3 tests/it/duckdb_query.py --checks EXPORT_DIR CHECK.sql [CHECK.sql ...]

Dashboards: each result is compared with the CSV `claims-audit query
--output` wrote for it. Custom checks (--checks): the claims the query
returns, among the audited ones (visits.in_period), must be exactly the
claims of that check id in the export's findings.

Every `<table>.parquet` of EXPORT_DIR becomes a view of that name and each
query runs unchanged. Results must have the same columns and the same rows
in the same order; numbers are equal within 1e-6 (relative), an empty cell
and a null are the same, booleans compare case-insensitively.
Exit 0 when all agree, 1 (differences on stderr) when not, 3 when duckdb
is not installed.
"""
import csv
import sys
from pathlib import Path


def same(a: str, b: str) -> bool:
    if a == b or a.lower() == b.lower():
        return True
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    return abs(x - y) <= 1e-6 * max(1.0, abs(x), abs(y))


def compare(name: str, got: list, expected: list) -> list:
    problems = []
    if got[:1] != expected[:1]:
        return [f"{name}: columns differ: duckdb {got[:1]} vs claims-audit {expected[:1]}"]
    if len(got) != len(expected):
        problems.append(f"{name}: duckdb {len(got) - 1} rows vs claims-audit {len(expected) - 1}")
    for i, (r, e) in enumerate(zip(got[1:], expected[1:]), start=1):
        if len(r) != len(e) or not all(same(a, b) for a, b in zip(r, e)):
            problems.append(f"{name}: row {i}: duckdb {r} vs claims-audit {e}")
        if len(problems) > 5:
            break
    return problems


def connect(duckdb, export: Path):
    con = duckdb.connect()
    for table in sorted(export.glob("*.parquet")):
        path = str(table).replace("'", "''")
        con.execute(f"CREATE VIEW {table.stem} AS SELECT * FROM read_parquet('{path}')")
    return con


def check_id(sql: str) -> str:
    for line in sql.splitlines():
        t = line.strip()
        if t.lower().startswith("-- id:"):
            return t.split(":", 1)[1].strip()
    raise SystemExit("no -- id: header")


def run_checks(duckdb, export: Path, files: list) -> int:
    con = connect(duckdb, export)
    problems = []
    for f in files:
        sql = Path(f).read_text()
        cid = check_id(sql)
        got = {r[0] for r in con.execute(
            f"SELECT DISTINCT claim_id FROM ({sql}) q "
            "WHERE claim_id IN (SELECT claim_id FROM visits WHERE in_period)").fetchall()}
        want = {r[0] for r in con.execute(
            "SELECT DISTINCT claim_id FROM findings WHERE check_id = ?", [cid]).fetchall()}
        print(f"{Path(f).name}: {len(got)} claims", file=sys.stderr)
        if got != want:
            problems.append(f"{cid}: duckdb only {sorted(got - want)}, claims-audit only {sorted(want - got)}")
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


def main() -> int:
    args = sys.argv[1:]
    checks = bool(args) and args[0] == "--checks"
    if checks and len(args) >= 3:
        pass
    elif checks or len(args) < 3 or len(args) % 2 == 0:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        import duckdb
    except ImportError:
        print("duckdb is not installed (pip install -r benches/requirements.txt)", file=sys.stderr)
        return 3
    if checks:
        return run_checks(duckdb, Path(args[1]), args[2:])
    export = Path(args[0])
    con = connect(duckdb, export)
    problems = []
    for query, expected_csv in zip(args[1::2], args[2::2]):
        rel = con.execute(Path(query).read_text())
        got = [[d[0] for d in rel.description]]
        got += [["" if v is None else str(v) for v in row] for row in rel.fetchall()]
        with open(expected_csv, newline="") as f:
            expected = list(csv.reader(f))
        problems += compare(Path(query).name, got, expected)
        print(f"{Path(query).name}: {len(got) - 1} rows", file=sys.stderr)
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
