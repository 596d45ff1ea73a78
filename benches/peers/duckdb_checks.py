#!/usr/bin/env python3
"""The 8 checks of CHECKS.md in DuckDB SQL (duckdb_checks.sql), the way an analyst would run them.

    pip install duckdb
    python3 benches/peers/duckdb_checks.py --claims claims.parquet --notes notes.parquet \
        --out findings.csv [--from 2026-01-01 --to 2026-06-30 | --period 2026-03] [--threads N]

Output: check_id,claim_id (one row per finding, sorted), as polars_rowregex.py writes it.
Inputs: CSV (read as text and parsed, like claims-audit does) or Parquet (native types kept),
a file, a folder or a glob. Rows that cannot be used are dropped (claims-audit rejects them).

Text rules: DuckDB's regex engine (RE2) has no look-around either, so the rules are written as
claims-audit's default configuration writes them: look-alikes, negations and uncertain phrases are
blanked out of the text (regexp_replace) before the finding is searched (regexp_matches). The
patterns are the defaults of src/config.rs ([evidence]), in text_rules.py; the checks themselves are
plain SQL in duckdb_checks.sql.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

import duckdb

HERE = Path(__file__).resolve().parent

from text_rules import (  # noqa: E402  (claims-audit's default patterns)
    CLAUSE_END, MSK_ETIOLOGY, MSK_ETIOLOGY_MASK, NEURO_DISTINCTION, NEURO_DISTINCTION_MASK, NOT_GRADE_MASK,
    STRENGTH_GRADE,
)


def q(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def masked(expr: str, masks: list[str], with_: str = " ") -> str:
    for m in masks:
        expr = f"regexp_replace({expr}, {q(m)}, {q(with_)}, 'gi')"
    return expr


def union(patterns: list[str]) -> str:
    return q("|".join(f"(?:{p})" for p in patterns))


def text_macros() -> str:
    return "\n".join([
        f"CREATE OR REPLACE MACRO has_strength(t) AS coalesce(regexp_matches({masked('t', NOT_GRADE_MASK)}, "
        f"{union(STRENGTH_GRADE)}, 'i'), false);",
        f"CREATE OR REPLACE MACRO has_etiology(t) AS coalesce(regexp_matches({masked('t', MSK_ETIOLOGY_MASK, CLAUSE_END)}, "
        f"{union(MSK_ETIOLOGY)}, 'i'), false);",
        f"CREATE OR REPLACE MACRO has_distinction(t) AS coalesce(regexp_matches("
        f"{masked('t', NEURO_DISTINCTION_MASK, CLAUSE_END)}, {union(NEURO_DISTINCTION)}, 'i'), false);",
        # trimmed text, empty as NULL (native values as text)
        "CREATE OR REPLACE MACRO txt(x) AS nullif(trim(CAST(x AS VARCHAR)), '');",
        # YYYY-MM-DD (text or native DATE) or MM/DD/YYYY, in 1900-2100; NULL otherwise
        "CREATE OR REPLACE MACRO in_range(d) AS CASE WHEN d BETWEEN DATE '1900-01-01' AND DATE '2100-12-31' THEN d END;",
        "CREATE OR REPLACE MACRO parse_date(x) AS in_range(CASE "
        r"WHEN regexp_full_match(txt(x), '\d{4}-\d{2}-\d{2}') THEN TRY_CAST(txt(x) AS DATE) "
        r"WHEN regexp_full_match(txt(x), '\d{1,2}/\d{1,2}/\d{4}') THEN CAST(try_strptime(txt(x), '%m/%d/%Y') AS DATE) "
        "END);",
        # a whole number >= least, or (optional) absent
        r"CREATE OR REPLACE MACRO whole_ok(x, least) AS coalesce(regexp_full_match(txt(x), '\+?\d{1,9}') "
        "AND CAST(ltrim(txt(x), '+') AS BIGINT) >= least, false);",
        # a non-negative amount: `$1,234.50` style (no European `1.234,50`), spaces ignored
        r"CREATE OR REPLACE MACRO amount_ok(x) AS coalesce(regexp_full_match(regexp_replace(txt(x), '\s', '', 'g'), "
        r"'(?:[+-]?\$?|\$[+-])(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d*)?') "
        r"AND regexp_full_match(regexp_replace(txt(x), '[\s$,]', '', 'g'), '[+-]?(\d+\.?\d*|\.\d+)') "
        r"AND round(TRY_CAST(regexp_replace(txt(x), '[\s$,]', '', 'g') AS DOUBLE) * 100) >= 0, false);",
        # the normalised diagnosis list (`A;B`), NULL when absent or of impossible shape
        r"CREATE OR REPLACE MACRO dx_list(x) AS (CASE WHEN regexp_full_match(trim(regexp_replace(replace(upper(txt(x)), "
        r"'.', ''), '[;,|\s]+', ';', 'g'), ';'), '[A-Z][0-9][0-9A-Z][0-9A-Z]{0,4}(;[A-Z][0-9][0-9A-Z][0-9A-Z]{0,4})*') "
        r"THEN trim(regexp_replace(replace(upper(txt(x)), '.', ''), '[;,|\s]+', ';', 'g'), ';') END);",
    ])


def source(path: str, multiline: bool = False) -> str:
    """A read of `path`. `multiline`: quoted fields may hold line breaks (note text), which
    DuckDB's parallel CSV reader splits wrongly ("Expected Number of Columns: 7 Found: 3" at
    a continuation line, DuckDB 2.0.1): that file is read by one thread (`parallel = false`)."""
    p = Path(path)
    pattern = str(p / "**" / "*") if p.is_dir() else path
    ext = (next(iter(sorted(Path().glob(pattern))), p) if p.is_dir() else p).suffix.lower()
    if p.is_dir():
        ext = next((f.suffix.lower() for f in sorted(p.rglob("*")) if f.is_file()), "")
        pattern = str(p / "**" / f"*{ext}")
    if ext == ".csv":
        serial = ", parallel = false" if multiline else ""
        return f"read_csv({q(pattern)}, header = true, all_varchar = true{serial})"
    if ext == ".parquet":
        return f"read_parquet({q(pattern)})"
    sys.exit(f"{path}: unsupported format {ext}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--claims", required=True)
    ap.add_argument("--notes", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--from", dest="date_from")
    ap.add_argument("--to", dest="date_to")
    ap.add_argument("--period", help="YYYY-MM")
    ap.add_argument("--threads", type=int)
    ap.add_argument("--reference", default=os.environ.get("CLAIMS_AUDIT_REFERENCE", "/work/shared/reference"))
    a = ap.parse_args()
    ref = Path(a.reference)

    date_from = dt.date.fromisoformat(a.date_from) if a.date_from else None
    date_to = dt.date.fromisoformat(a.date_to) if a.date_to else None
    if a.period:
        y, m = map(int, a.period.split("-"))
        date_from = dt.date(y, m, 1)
        date_to = dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)
    lit = lambda d: f"DATE '{d.isoformat()}'" if d else "CAST(NULL AS DATE)"

    con = duckdb.connect()
    if a.threads:
        con.execute(f"SET threads = {a.threads}")
    con.execute("SET preserve_insertion_order = false")
    con.execute(f"CREATE VIEW claims_raw AS SELECT * FROM {source(a.claims)}")
    con.execute(f"CREATE VIEW notes_raw AS SELECT * FROM {source(a.notes, multiline=True)}")
    con.execute(f"CREATE VIEW excludes1_raw AS SELECT * FROM read_csv({q(str(ref / 'icd10cm_excludes1.tsv'))}, "
                "delim = '\t', header = true, all_varchar = true, quote = '')")
    con.execute(f"CREATE VIEW spans_raw AS SELECT * FROM read_csv("
                f"{q(str(ref / 'years' / 'icd10cm_billable_by_year.tsv'))}, delim = '\t', header = true, "
                "all_varchar = true, quote = '')")
    con.execute(text_macros())
    sql = (HERE / "duckdb_checks.sql").read_text()
    sql = sql.replace(":FROM", lit(date_from)).replace(":TO", lit(date_to))
    con.execute(sql)
    con.execute(f"COPY (SELECT check_id, claim_id FROM findings ORDER BY check_id, claim_id) TO {q(a.out)} "
                "(HEADER, DELIMITER ',')")
    rows = con.execute("SELECT check_id, count(*) FROM findings GROUP BY 1 ORDER BY 1").fetchall()
    print(f"{sum(r[1] for r in rows)} findings -> {a.out}", file=sys.stderr)
    for check, n in rows:
        print(f"  {check}: {n}", file=sys.stderr)


if __name__ == "__main__":
    main()
