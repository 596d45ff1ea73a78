#!/usr/bin/env python3
"""The 8 checks of CHECKS.md in DuckDB SQL (duckdb_checks.sql), the way an analyst would run them.

    pip install duckdb
    python3 benches/peers/duckdb_checks.py --claims claims.parquet --notes notes.parquet \
        --out findings.csv [--from 2026-01-01 --to 2026-06-30 | --period 2026-03] [--threads N]

Output: check_id,claim_id (one row per finding, sorted), as polars_checks.py writes it.
Inputs: CSV (read as text and parsed, like claims-audit does) or Parquet (native types kept),
a file, a folder or a glob. Rows that cannot be used are dropped (claims-audit rejects them).

Text rules: DuckDB's regex engine (RE2) has no look-around either, so the rules are written as
claims-audit's default configuration writes them: look-alikes, negations and uncertain phrases are
blanked out of the text (regexp_replace) before the finding is searched (regexp_matches). The
patterns below are the defaults of src/config.rs ([evidence]); the checks themselves are plain SQL
in duckdb_checks.sql.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

import duckdb

HERE = Path(__file__).resolve().parent

COUNT_NOUNS = (r"(?:sets?|reps?|repetitions?|times|attempts?|trials?|tries|visits?|sessions?|treatments?|days?|"
               r"weeks?|wks?|months?|years?|yrs?|minutes?|mins?|seconds?|secs?|hours?|hrs?|ft|feet|foot|meters?|"
               r"metres?|yards?|steps?|stairs?|laps?|lbs?|pounds?|kg|falls?|episodes?|patients?|items?|questions?|"
               r"trials?|rounds?|cycles?|blocks?|inches|in\.|cm|degrees?|deg|%|percent)")
NEURO = (r"(?:neuro\w*|radiculopath\w*|myelopath\w*|plexopath\w*|polyneuropath\w*|emg(?:\s*/\s*ncs)?|ncs|ncv|"
         r"nerve conduction(?:\s+stud(?:y|ies))?|electrodiagnostic\w*|nerve (?:injury|damage|involvement|"
         r"compression|entrapment|cause)|central (?:cause|etiology|origin)|stroke|spinal cord (?:injury|lesion|"
         r"involvement)|motor neuron\w*(?:\s+disease)?|myasthenia\w*)")
MSK = (r"(?:deconditioning|deconditioned|disuse|post-?\s?operative(?:ly)?|post-?\s?surgical(?:ly)?|post-?op\b|"
       r"immobili[sz]\w*|myopath\w*|atroph\w*|muscle wasting|wasting|musculoskeletal)")
SURGERY = (r"(?:surgery|surgical|repair|arthroplasty|replacement|tka|tha|tkr|thr|orif|fixation|fusion|laminectomy|"
           r"discectomy|\w+ectomy|\w+plasty|\w+otomy|\w+oscopy|amputation|reconstruction|procedure|operation|"
           r"cabg|transplant\w*)")

# NegEx termination terms; negation/uncertainty masks leave a clause break (" ; "), look-alikes a space.
CLAUSE_BREAK = r"\b(?:but|however|although|though|whereas|except)\b"
CLAUSE_END = " ; "

NOT_GRADE_MASK = [
    r"\b\d{1,4}\s*/\s*\d{1,2}\s*/\s*\d{1,4}\b",
    r"\b\d{4}-\d{1,2}-\d{1,2}\b",
    r"\b\d+\s*/\s*(?:\d{2,}|[0-46-9])\b",
    r"\b[cdtls]\d{1,2}\s*[-/]\s*[cdtls]?\d{1,2}\b",
    r"\b(?:visits?|sessions?|weeks?|wks?|days?|treatments?|tx)\s*(?:#|no\.?)?\s*\d+(?:\s*(?:/|of)\s*\d+)?",
    rf"\b\d+(?:\.\d+)?(?:\s*/\s*\d+)?\s*{COUNT_NOUNS}(?:\W|$)",
    r"\b\d+\s*-\s*\d+\b",
    r"[^.;!?\n]*\?",
]
STRENGTH_GRADE = [
    r"\b[0-5]\s*[+-]?\s*/\s*5\b",
    r"\b(?:mrc|mmt|manual muscle test(?:ing|s)?)\b(?:[^.;!?\n]|\.\d|\b(?:abd|add|ext|flex|bilat|lt|rt|ant|post|approx|pt|ms|st)\.)*?\b(?:[0-5][+-]|[0-5]\b)",
]
MSK_ETIOLOGY_MASK = [
    CLAUSE_BREAK,
    rf"\b(?:no|not|without|denies|denied|negative for|absence of|free of|ruled out|rule out|r/o|never)\s+(?:[\w/-]+\s+){{0,3}}?{MSK}",
    rf"{MSK}\s+(?:\w+\s+){{0,1}}?(?:absent|ruled out|excluded|unlikely|not (?:present|seen|noted|observed|evident))",
    rf"{MSK}\s*:\s*(?:none|no|negative|absent|not (?:present|seen|noted))\b",
    r"[^.;!?\n]*\?",
]
MSK_ETIOLOGY = [
    rf"\b{MSK}",
    rf"\b(?:status post|s/p)\s+(?:[\w-]+\s+){{0,3}}?{SURGERY}\b",
]
NEURO_DISTINCTION_MASK = [
    CLAUSE_BREAK,
    r"[^.;!?\n]*\?",
    r"\b(?:not|never|cannot|can ?not|can't|unable to|could not|couldn't|did not|didn't|has not|hasn't|have not|haven't)\s+(?:\w+\s+){0,2}?(?:ruled?\s+out|r/o|excluded?|exclude|eliminated|normal|negative|unremarkable|within normal limits|wnl)\b",
    r"\b(?:to be|be|needs? to be|must be|should be|will be|yet to be|if|once|until|unless|awaiting|pending)\s+(?:\w+\s+){0,1}?(?:ruled?\s+out|excluded)\b",
    r"\b(?:rule out|r/o|to exclude|evaluate for|eval for|assess for|possible|probable|suspected|suspect|questionable|likely|may be|might be|cannot rule out)\s+(?:[\w/-]+\s+){0,3}?",
]
NEURO_DISTINCTION = [
    rf"\b{NEURO}\s+(?:[\w/-]+\s+){{0,4}}?(?:(?:was|were|is|are|has been|have been|been)\s+)?(?:ruled out|excluded|negative|normal|within normal limits|wnl|unremarkable)\b",
    rf"\b(?:no (?:evidence|signs?|findings?|indications?) of|negative for|without (?:any )?(?:evidence|signs?) of|ruled out|excluded|absence of)\s+(?:[\w/-]+\s+){{0,2}}?{NEURO}",
    r"\bno\s+(?:focal\s+|new\s+|objective\s+|significant\s+)?(?:neuro\w*)\s+(?:deficits?|causes?|findings?|involvement|signs?|etiology|abnormalit\w*|compromise|symptoms?|origin|disease|disorder|component)\b",
    r"\bno\s+(?:peripheral\s+)?(?:neuropath\w*|radiculopath\w*|myelopath\w*|plexopath\w*)",
    rf"\b(?:normal|negative|unremarkable)\s+(?:[\w/-]+\s+){{0,1}}?{NEURO}",
    r"\b(?:musculoskeletal|myogenic|muscular|msk)\b[^.;!?\n]{0,60}?\b(?:rather than|not|as opposed to|instead of)\s+(?:\w+\s+){0,1}?(?:neuro\w*|neurogenic)",
    r"\bnon-?\s?(?:neurological|neurologic|neurogenic|neuropathic)\b",
]


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
        # YYYY-MM-DD (text or native DATE) or MM/DD/YYYY
        "CREATE OR REPLACE MACRO parse_date(x) AS coalesce(TRY_CAST(x AS DATE), "
        "CAST(try_strptime(CAST(x AS VARCHAR), '%m/%d/%Y') AS DATE));",
    ])


def source(path: str) -> str:
    p = Path(path)
    pattern = str(p / "**" / "*") if p.is_dir() else path
    ext = (next(iter(sorted(Path().glob(pattern))), p) if p.is_dir() else p).suffix.lower()
    if p.is_dir():
        ext = next((f.suffix.lower() for f in sorted(p.rglob("*")) if f.is_file()), "")
        pattern = str(p / "**" / f"*{ext}")
    if ext == ".csv":
        return f"read_csv({q(pattern)}, header = true, all_varchar = true)"
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
    con.execute(f"CREATE VIEW notes_raw AS SELECT * FROM {source(a.notes)}")
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
