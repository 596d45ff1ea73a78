#!/usr/bin/env python3
"""The 8 checks of CHECKS.md in Python Polars with PER-ROW PYTHON REGEX text rules (slow by design).

Written from /work/shared/CHECKS.md and CONTRACT.md only (not from the Rust code): one lazy query
per check, text rules as Python regexes applied to each note (`map_elements`). An independent
cross-check of sample_data/expected_findings.csv; not the benchmark's Polars peer, which is
polars_native.py (native expressions; this one is 10-20x slower and written for independence,
not speed). It does not drop bad rows as claims-audit rejects them (only unusable ones).

    pip install polars
    python3 benches/peers/polars_rowregex.py --claims sample_data/claims.csv \
        --notes sample_data/notes.csv --out findings.csv [--from 2026-01-01 --to 2026-06-30]
        [--period 2026-03] [--reference /work/shared/reference]

Output: check_id,claim_id (one row per finding, sorted by check_id, claim_id).
Inputs: CSV, Parquet, Arrow IPC (.arrow/.ipc/.feather) or NDJSON by extension (a folder or glob of
one format also works via polars' scan functions). Rows that cannot be used (empty required value,
unparseable date) are dropped here (the real tool rejects them to rejects.csv).

Readings of ambiguous spots (documented, applied consistently):

1. Codes: trim, upper-case, remove dots; dx_codes split on `;`, `,`, `|` or whitespace, empties
   dropped; the first code is the primary. dx1..dx12 columns are used when dx_codes is absent.
2. Audit period: --from/--to (inclusive) or --period YYYY-MM; default all claims. Only claims in the
   period are flagged; notes and M62.81 visits of any date are history.
3. no-reassessment: "at least 6 M62.81 visits in the audit period" counts only claims in the period.
   The visits counted "after the measurement" are all the patient's M62.81 claims (any date, so
   history before the period counts too) dated strictly after the measurement's date, ordered by
   (service_date, claim_id), up to and including this visit. The measurement is the latest strength
   measurement in any note of the patient (supporting or not) dated on or before the visit's date.
   "More than 90 days" = service_date - measurement_date > 90. A visit without any such measurement
   is always flagged by no-strength-exam and so never here.
4. no-strength-exam: any note of the patient (not only supporting notes) with
   service_date - 365 <= note_date <= service_date.
5. r531-specificity: ONE supporting note must hold both a strength measurement and an etiology
   (a grade in one supporting note and an etiology in another does not count).
   "Neurological code" = the neurological code group.
6. excludes1: the pair (a, b) conflicts when a note carried by a, by an ancestor of a (every prefix,
   i.e. category/subcategory), by a's block or by a's chapter (table rows whose code is a range
   `X-Y`, matched on a's leading characters) cites b or an ancestor of b, or a range holding b; or
   the same with a and b swapped. A citation `M79.1-`, `M33.-`, `F33-`, `D29.2.-` or a bare code
   covers the code and all below it; `A00-A09`, `I21.0-I21.B`, `I63.3-I63.5-` are inclusive ranges
   compared on the cited codes' length. Rows without a cited code are ignored.
7. dx-invalid: billable when a span of years/icd10cm_billable_by_year.tsv holds the date
   (valid_from <= d <= valid_to, empty valid_to = open); dates before 2015-10-01 are judged as
   2015-10-01 (the FY2016 set).
8. Text rules (case-insensitive), sentence = text split at `.`/`!`/`?` + whitespace, or newlines:
   - strength measurement: `N/5` (N 0-5, optional +/-, spaces allowed around `/`) not touching a
     letter/digit/`/`/`.` before (so `L4/5`, `12/5` fail) nor a digit or `/` after (dates
     `3/5/2026`, `5/50`); or MRC / MMT / manual muscle test(ing) followed later in the same
     sentence by a standalone digit 0-5 with optional +/- and optional `/5`. Either form is not a
     grade when followed by a counted noun (attempts, visits, sets, reps, times, days, ft, ...) or
     preceded by visit/session/week/day.
   - neuro distinction: positive phrases (X ruled out/excluded/negative, ruled out X, no evidence/
     signs of X, no neurological deficit/cause/findings, EMG/NCS normal/WNL/negative, neuro exam
     normal, musculoskeletal/muscular/myogenic rather than/not neurological/neurogenic) that are not
     preceded (within 40 characters of the same sentence) by not/cannot/possible/probable/suspect/
     rule out/r/o/pending/awaiting/may/might and not followed by `?`.
   - musculoskeletal etiology: deconditioning/deconditioned, disuse, post(-)operative, post(-)
     surgical, status post, s/p, immobilization, myopathy, atrophy, muscle wasting,
     musculoskeletal; negated when preceded by no/not/without/negative for/denies/absence of with
     at most two words in between.
"""
from __future__ import annotations

import argparse
import datetime as dt
import glob
import os
import re
import sys
from pathlib import Path

import polars as pl

# ----------------------------------------------------------------------------- config
M6281 = "M6281"
R531 = "R531"
NEURO = ["G", "I63", "I69", "S141", "S241", "S341"]
POSTSURG = ["Z47", "Z48", "Z966"]
INFLAM = ["M60", "M33"]
SPECMUSCLE = ["M6284", "M625", "M6285"]
SYSTEMIC = ["C", "I50", "J44", "N18", "M05", "M06", "M32", "M353"]
NEURO_CPT = [("95831", "95834"), ("95860", "95872"), ("95885", "95887"), ("95907", "95913")]
STRENGTH_DAYS = 365
REASSESS_MIN_VISITS = 6
REASSESS_MAX_VISITS = 10
REASSESS_MAX_DAYS = 90

# ----------------------------------------------------------------------------- text rules
COUNT_NOUN = (r"(?:attempts?|tries|trials?|visits?|sessions?|sets?|reps?|repetitions?|times?|days?|weeks?|"
              r"months?|years?|steps?|stairs?|laps?|falls?|goals?|items?|exercises?|treatments?|"
              r"appointments?|questions?|patients?|studies|minutes?|mins?|hours?|hrs?|ft|feet|meters?|"
              r"m|sec|seconds?|lbs?|kg|inch(?:es)?)\b")
RE_COUNT_AFTER = re.compile(r"\s*(?:of\s+)?" + COUNT_NOUN, re.I)
RE_COUNT_BEFORE = re.compile(r"\b(?:visit|session|week|day)s?\s*(?:#|no\.?)?\s*$", re.I)
RE_FRAC = re.compile(r"(?<![\w/.])([0-5])\s*([+-])?\s*/\s*5(?![\d/]|\.\d)", re.I)
RE_KW = re.compile(r"\b(?:MRC|MMT|manual\s+muscle\s+test(?:ing|s)?)\b", re.I)
RE_GRADE = re.compile(r"(?<![\w/.])([0-5])(?:\s*([+-]))?(?:\s*/\s*5(?![\d/]|\.\d)|(?![\w/]|\.\d|\s*/\s*\d))", re.I)
RE_SENT = re.compile(r"(?<=[.!?])\s+|\n+")


def _is_count(text: str, m: re.Match) -> bool:
    return bool(RE_COUNT_AFTER.match(text, m.end())) or bool(RE_COUNT_BEFORE.search(text[: m.start()]))


def has_strength(text: str | None) -> bool:
    if not text:
        return False
    for s in RE_SENT.split(text):
        for m in RE_FRAC.finditer(s):
            if not _is_count(s, m):
                return True
        for k in RE_KW.finditer(s):
            for m in RE_GRADE.finditer(s, k.end()):
                if not _is_count(s, m):
                    return True
    return False


_NN_ANY = r"(?:neurolog(?:ic|ical)\s+(?:cause|causes|etiology|origin|source|process|disease|disorder|involvement|pathology)|neurogenic\s+(?:cause|process)|(?:poly)?neuropathy|radiculopathy|myelopathy|plexopathy|denervation|motor\s+neuron\s+disease|nerve\s+(?:injury|entrapment|compression))"
RE_DIST = [re.compile(p, re.I) for p in [
    _NN_ANY + r"\s+(?:(?:has|have)\s+been\s+|was\s+|were\s+|is\s+|are\s+)?(?:ruled\s+out|excluded|negative)",
    r"\b(?:ruled\s+out|excluded)\s+(?:a\s+|any\s+)?" + _NN_ANY,
    r"\bno\s+(?:evidence|signs?|findings?|indication)\s+(?:of|for)\s+(?:(?:a|an|any|peripheral|focal|acute|"
    r"generalized|large|small|fiber)\s+)*(?:" + _NN_ANY + r"|neurolog\w*)",
    r"\bno\s+(?:focal\s+)?neurolog(?:ic|ical)\s+(?:deficits?|cause|causes|findings|signs|involvement|etiology|"
    r"abnormalit(?:y|ies))",
    r"\b(?:EMG\s*/\s*NCS|NCS\s*/\s*EMG|EMG\s+and\s+NCS|EMG|NCS|NCV|nerve\s+conduction(?:\s+stud(?:y|ies))?|"
    r"electrodiagnostic\s+(?:study|studies|testing|evaluation))\s+(?:(?:was|were|is|are)\s+)?"
    r"(?:within\s+normal\s+limits|WNL|normal|negative|unremarkable)",
    r"\bneuro(?:logic|logical)?\s+(?:exam|examination|screen)\s+(?:(?:was|is)\s+)?(?:normal|within\s+normal\s+limits|"
    r"WNL|unremarkable|negative|non-?focal|intact)",
    r"\b(?:musculoskeletal|muscular|myogenic|muscle)(?:\s+in\s+origin)?\s*,?\s+(?:rather\s+than|and\s+not|not|"
    r"as\s+opposed\s+to|instead\s+of)\s+(?:a\s+)?(?:neurolog(?:ic|ical)|neurogenic|neuropathic)",
]]
RE_UNCERTAIN_BEFORE = re.compile(
    r"\b(?:not|cannot|can't|can\s+not|unable\s+to|possible|possibly|probable|probably|suspect\w*|suspicion|"
    r"concern\s+for|question\s+of|rule\s+out|r/o|pending|await\w*|may|might|if)\b", re.I)


def has_distinction(text: str | None) -> bool:
    if not text:
        return False
    for s in RE_SENT.split(text):
        for rx in RE_DIST:
            for m in rx.finditer(s):
                before = s[max(0, m.start() - 40): m.start()]
                if RE_UNCERTAIN_BEFORE.search(before):
                    continue
                if re.match(r"\s*\?", s[m.end():]):
                    continue
                return True
    return False


RE_ETIO = re.compile(
    r"\b(?:deconditioning|deconditioned|disuse|post-?\s?operative(?:ly)?|post-?\s?surgical(?:ly)?|"
    r"status\s+post|s/p|immobili[sz](?:ation|ed)|myopath(?:y|ic)|atroph(?:y|ic|ied)|muscle\s+wasting|"
    r"musculoskeletal)\b", re.I)
RE_ETIO_NEG = re.compile(r"\b(?:no|not|without|negative\s+for|denies|absence\s+of|free\s+of)\s+(?:[\w-]+\s+){0,2}$", re.I)


def has_etiology(text: str | None) -> bool:
    if not text:
        return False
    for s in RE_SENT.split(text):
        for m in RE_ETIO.finditer(s):
            if not RE_ETIO_NEG.search(s[: m.start()]):
                return True
    return False


# ----------------------------------------------------------------------------- io
def scan(path: str) -> pl.LazyFrame:
    p = Path(path)
    files = sorted(glob.glob(str(p / "**" / "*"), recursive=True)) if p.is_dir() else sorted(glob.glob(path))
    files = [f for f in files if os.path.isfile(f)] or [path]
    ext = files[0].lower().rsplit(".", 1)[-1]
    if ext == "csv":
        lf = pl.scan_csv(files, infer_schema=False, encoding="utf8-lossy")
    elif ext == "parquet":
        lf = pl.scan_parquet(files, hive_partitioning=p.is_dir())
    elif ext in ("arrow", "ipc", "feather"):
        lf = pl.scan_ipc(files)
    elif ext in ("ndjson", "jsonl"):
        lf = pl.scan_ndjson(files)
    else:
        sys.exit(f"{path}: unknown format .{ext}")
    # BOM on the first header, native types -> text spelled as in CSV
    lf = lf.rename(lambda c: c.lstrip("\ufeff").strip())
    return lf.with_columns(pl.all().cast(pl.String))


def parse_date(col: str) -> pl.Expr:
    c = pl.col(col).str.strip_chars()
    return pl.coalesce(c.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False),
                       c.str.to_date("%m/%d/%Y", strict=False))


def nonempty(col: str) -> pl.Expr:
    return pl.col(col).is_not_null() & (pl.col(col).str.strip_chars() != "")


def norm_code(e: pl.Expr) -> pl.Expr:
    return e.str.strip_chars().str.to_uppercase().str.replace_all(".", "", literal=True)


def starts_any(e: pl.Expr, prefixes: list[str]) -> pl.Expr:
    out = pl.lit(False)
    for p in prefixes:
        out = out | e.str.starts_with(p)
    return out


# ----------------------------------------------------------------------------- main
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--claims", required=True)
    ap.add_argument("--notes", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--from", dest="date_from")
    ap.add_argument("--to", dest="date_to")
    ap.add_argument("--period", help="YYYY-MM")
    ap.add_argument("--reference", default=os.environ.get("CLAIMS_AUDIT_REFERENCE", "/work/shared/reference"))
    a = ap.parse_args()
    ref = Path(a.reference)

    # ---- claims: lines -> claim level + long table of codes
    raw = scan(a.claims)
    cols = raw.collect_schema().names()
    if "dx_codes" not in cols:
        dxc = [f"dx{i}" for i in range(1, 13) if f"dx{i}" in cols]
        raw = raw.with_columns(pl.concat_str([pl.col(c) for c in dxc], separator=";", ignore_nulls=True).alias("dx_codes"))
    lines = (raw.filter(nonempty("claim_id") & nonempty("patient_id") & nonempty("service_date") & nonempty("dx_codes"))
             .with_columns(pl.col("claim_id").str.strip_chars(), pl.col("patient_id").str.strip_chars(),
                           parse_date("service_date").alias("service_date"),
                           pl.col("cpt_code").str.strip_chars().str.to_uppercase())
             .filter(pl.col("service_date").is_not_null()))
    claims = (lines.group_by("claim_id")
              .agg(pl.col("patient_id").first(), pl.col("service_date").first(), pl.col("dx_codes").first(),
                   pl.col("cpt_code").alias("cpts")))
    date_from = dt.date.fromisoformat(a.date_from) if a.date_from else None
    date_to = dt.date.fromisoformat(a.date_to) if a.date_to else None
    if a.period:
        y, m = map(int, a.period.split("-"))
        date_from = dt.date(y, m, 1)
        date_to = dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)
    period = pl.lit(True)
    if date_from:
        period = period & (pl.col("service_date") >= date_from)
    if date_to:
        period = period & (pl.col("service_date") <= date_to)
    claims = claims.with_columns(period.alias("in_period"))

    dx = (claims.select("claim_id", "patient_id", "service_date", "in_period",
                        pl.col("dx_codes").str.replace_all(r"[,|\s]+", ";").str.split(";").alias("code"))
          .explode("code")
          .with_columns(norm_code(pl.col("code")).alias("code"))
          .filter(pl.col("code") != "")
          .with_columns(pl.int_range(pl.len()).over("claim_id").alias("pos")))
    cl_flags = (dx.group_by("claim_id").agg(
        (pl.col("code") == M6281).any().alias("has_m6281"),
        (pl.col("code") == R531).any().alias("has_r531"),
        starts_any(pl.col("code"), NEURO).any().alias("has_neuro"),
        pl.col("code").filter(pl.col("pos") == 0).first().alias("primary"),
        starts_any(pl.col("code"), POSTSURG + INFLAM + SPECMUSCLE + SYSTEMIC + NEURO)
        .filter(pl.col("pos") > 0).any().alias("has_specific_later")))
    claims = claims.join(cl_flags, on="claim_id", how="left")
    audited = claims.filter(pl.col("in_period"))
    m_all = claims.filter(pl.col("has_m6281"))          # M62.81 visits of any date (history)
    m_aud = audited.filter(pl.col("has_m6281"))

    # ---- notes
    notes = (scan(a.notes)
             .filter(nonempty("note_id") & nonempty("patient_id") & nonempty("note_date"))
             .with_columns(pl.col("patient_id").str.strip_chars(),
                           pl.col("claim_id").str.strip_chars().replace("", None).alias("note_claim_id"),
                           parse_date("note_date").alias("note_date"))
             .filter(pl.col("note_date").is_not_null())
             .with_columns(pl.col("text").map_elements(has_strength, return_dtype=pl.Boolean).alias("strength"),
                           pl.col("text").map_elements(has_distinction, return_dtype=pl.Boolean).alias("distinction"),
                           pl.col("text").map_elements(has_etiology, return_dtype=pl.Boolean).alias("etiology"))
             .select("note_id", "patient_id", "note_date", "note_claim_id", "strength", "distinction", "etiology")
             ).collect().lazy()
    support = pl.concat([
        audited.select("claim_id").join(notes.filter(pl.col("note_claim_id").is_not_null()),
                                        left_on="claim_id", right_on="note_claim_id"),
        audited.select("claim_id", "patient_id", "service_date")
        .join(notes.filter(pl.col("note_claim_id").is_null()),
              left_on=["patient_id", "service_date"], right_on=["patient_id", "note_date"])
        .select("claim_id", "note_id", "strength", "distinction", "etiology"),
    ], how="diagonal_relaxed").select("claim_id", "note_id", "strength", "distinction", "etiology")
    meas = notes.filter(pl.col("strength")).select("patient_id", pl.col("note_date").alias("m_date")).unique()

    findings: list[pl.LazyFrame] = []

    def add(check: str, lf: pl.LazyFrame) -> None:
        findings.append(lf.select(pl.lit(check).alias("check_id"), "claim_id").unique())

    # ---- excludes1-conflict
    def lo_hi(col: str, prefix: str) -> list[pl.Expr]:
        s = pl.col(col).str.strip_chars().str.replace(r"[.\-]+$", "")
        parts = s.str.split("-")
        lo = norm_code(parts.list.first())
        hi = norm_code(parts.list.last())
        return [lo.alias(f"{prefix}_lo"), hi.alias(f"{prefix}_hi")]

    ex = (pl.scan_csv(ref / "icd10cm_excludes1.tsv", separator="\t", infer_schema=False, quote_char=None)
          .filter(nonempty("excluded"))
          .select(*lo_hi("code", "c"), *lo_hi("excluded", "e"))
          .unique())

    def covered(code: str, lo: str, hi: str) -> pl.Expr:
        c = pl.col(code)
        return (c.str.head(pl.col(lo).str.len_chars()) >= pl.col(lo)) & (c.str.head(pl.col(hi).str.len_chars()) <= pl.col(hi))

    dxa = dx.filter(pl.col("in_period")).select("claim_id", pl.col("code").alias("a"))
    pairs = dxa.join(dxa.rename({"a": "b"}), on="claim_id").filter(pl.col("a") != pl.col("b"))
    conflicting = (pairs.select("a", "b").unique().join(ex, how="cross")
                   .filter(covered("a", "c_lo", "c_hi") & covered("b", "e_lo", "e_hi"))
                   .select("a", "b").unique())
    conflicting = pl.concat([conflicting, conflicting.select(pl.col("b").alias("a"), pl.col("a").alias("b"))]).unique()
    add("excludes1-conflict", pairs.join(conflicting, on=["a", "b"], how="semi"))

    # ---- dx-invalid
    spans = (pl.scan_csv(ref / "years" / "icd10cm_billable_by_year.tsv", separator="\t", infer_schema=False,
                         quote_char=None)
             .select(norm_code(pl.col("code")).alias("code"),
                     pl.col("valid_from").str.to_date().alias("vf"),
                     pl.col("valid_to").replace("", None).str.to_date().fill_null(dt.date(9999, 12, 31)).alias("vt")))
    dxi = dx.filter(pl.col("in_period")).with_columns(
        pl.max_horizontal(pl.col("service_date"), pl.lit(dt.date(2015, 10, 1))).alias("d_eff"))
    valid = (dxi.join(spans, on="code").filter((pl.col("vf") <= pl.col("d_eff")) & (pl.col("d_eff") <= pl.col("vt")))
             .select("claim_id", "pos").unique())
    add("dx-invalid", dxi.join(valid, on=["claim_id", "pos"], how="anti"))

    # ---- m6281-neuro-dx-mismatch
    add("m6281-neuro-dx-mismatch", m_aud.filter(pl.col("has_neuro")))

    # ---- m6281-no-strength-exam
    with_meas = (m_aud.select("claim_id", "patient_id", "service_date").join(meas, on="patient_id")
                 .filter((pl.col("m_date") <= pl.col("service_date")) &
                         (pl.col("m_date") >= pl.col("service_date") - pl.duration(days=STRENGTH_DAYS)))
                 .select("claim_id").unique())
    no_strength = m_aud.join(with_meas, on="claim_id", how="anti").select("claim_id")
    add("m6281-no-strength-exam", no_strength)

    # ---- m6281-no-reassessment
    heavy = (m_aud.group_by("patient_id").agg(pl.len().alias("n"))
             .filter(pl.col("n") >= REASSESS_MIN_VISITS).select("patient_id"))
    latest = (m_aud.join(heavy, on="patient_id", how="semi").select("claim_id", "patient_id", "service_date")
              .join(meas, on="patient_id").filter(pl.col("m_date") <= pl.col("service_date"))
              .group_by("claim_id", "patient_id", "service_date").agg(pl.col("m_date").max()))
    hist = m_all.select("patient_id", pl.col("service_date").alias("h_date"), pl.col("claim_id").alias("h_claim"))
    counted = (latest.join(hist, on="patient_id")
               .filter((pl.col("h_date") > pl.col("m_date")) &
                       ((pl.col("h_date") < pl.col("service_date")) |
                        ((pl.col("h_date") == pl.col("service_date")) & (pl.col("h_claim") <= pl.col("claim_id")))))
               .group_by("claim_id").agg(pl.len().alias("after")))
    reassess = (latest.join(counted, on="claim_id", how="left").with_columns(pl.col("after").fill_null(0))
                .filter((pl.col("after") > REASSESS_MAX_VISITS) |
                        ((pl.col("service_date") - pl.col("m_date")).dt.total_days() > REASSESS_MAX_DAYS))
                .join(no_strength, on="claim_id", how="anti"))
    add("m6281-no-reassessment", reassess)

    # ---- m6281-primary-with-specific
    add("m6281-primary-with-specific", audited.filter((pl.col("primary") == M6281) & pl.col("has_specific_later")))

    # ---- m6281-neuro-cpt-undistinguished
    cpt_ok = pl.lit(False)
    for lo, hi in NEURO_CPT:
        cpt_ok = cpt_ok | ((pl.col("cpts").str.len_chars() == 5) & (pl.col("cpts") >= lo) & (pl.col("cpts") <= hi))
    with_cpt = m_aud.select("claim_id", "cpts").explode("cpts").filter(cpt_ok).select("claim_id").unique()
    distinguished = support.filter(pl.col("distinction")).select("claim_id").unique()
    add("m6281-neuro-cpt-undistinguished", with_cpt.join(distinguished, on="claim_id", how="anti"))

    # ---- r531-specificity
    r_claims = audited.filter(pl.col("has_r531") & ~pl.col("has_m6281") & ~pl.col("has_neuro"))
    good_note = support.filter(pl.col("strength") & pl.col("etiology")).select("claim_id").unique()
    add("r531-specificity", r_claims.join(good_note, on="claim_id", how="semi"))

    out = pl.concat(findings).unique().sort("check_id", "claim_id").collect()
    out.write_csv(a.out)
    counts = out.group_by("check_id").len().sort("check_id")
    print(f"{out.height} findings -> {a.out}", file=sys.stderr)
    for row in counts.iter_rows():
        print(f"  {row[0]}: {row[1]}", file=sys.stderr)


if __name__ == "__main__":
    main()
