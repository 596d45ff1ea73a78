#!/usr/bin/env python3
"""Writes the X12 837P edge-case fixtures into tests/fixtures/x12/ (deterministic).

    python3 tests/formats/make_x12_fixtures.py [--out tests/fixtures/x12]
    python3 tests/formats/x12_validate.py tests/fixtures/x12/*.837   # all valid but damaged.837

Each fixture is a small 837P 5010 file written by render_837.py; beside them:
README.md (what each one tests, its expected rows and rejects),
expected_rows.csv (file, row = the LX segment number, the contract's claims
columns as a reader gives them) and expected_rejects.csv (file, row = the
damaged segment's number, column). Python 3.11, stdlib only.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from render_837 import BILLING, CLAIM_COLUMNS, Claim, Line, Rendered, Separators, render  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
KIM, ORTIZ, PATEL = "1093817462", "1184629305", "1609384759"


def claim(claim_id: str, patient: str, payer: str, dx: str, *lines: tuple) -> Claim:
    """lines: (provider, date, cpt, modifiers, units, charge, pointers)."""
    out = Claim(claim_id, patient, payer, dx.split(";"))
    for number, (provider, date, cpt, mods, units, charge, pointers) in enumerate(lines, start=1):
        out.lines.append(Line(number, provider, dt.date.fromisoformat(date), cpt,
                              [m for m in mods.split(";") if m], units, charge, pointers.split(";")))
    return out


def pt_claim(claim_id: str, patient: str, date: str, provider: str = KIM) -> Claim:
    return claim(claim_id, patient, "MEDICARE", "M6281;R262;Z9181",
                 (provider, date, "97110", "GP", "2", "96", "1;2"),
                 (provider, date, "97530", "GP;59", "1", "55", "1;2;3"))


def fixtures() -> list[tuple[str, str, Rendered, list[tuple[int, str, str]]]]:
    """(file name, what it tests, rendering, expected rejects (row, column, reason))."""
    out = []

    providers = [
        pt_claim("CLM9001", "MRN100001", "2026-01-05"),
        claim("CLM9002", "MRN100001", "MEDICARE", "M6281;G20A1",
              (KIM, "2026-01-07", "97110", "GP", "1", "48", "1"),
              (PATEL, "2026-01-07", "95886", "26", "1", "110", "1;2")),
        claim("CLM9003", "MRN100002", "BCBS", "R531",
              (BILLING["npi"], "2026-01-08", "99213", "", "1", "135", "1")),
    ]
    out.append(("providers.837",
                "CLM9001: all lines by one provider, written once for the claim (2310B NM1*82). "
                "CLM9002: two providers, one NM1*82 per line (2420A). CLM9003: the rendering provider "
                "is the billing provider, so no NM1*82 at all: provider_id comes from 2010AA NM1*85.",
                render([providers]), []))

    out.append(("rd8_dates.837",
                "Line dates as ranges (DTP*472*RD8*20260112-20260116): service_date is the first day.",
                render([[pt_claim("CLM9011", "MRN100011", "2026-01-12"),
                         pt_claim("CLM9012", "MRN100011", "2026-01-19")]], range_days=4), []))

    two = [pt_claim("CLM9021", "MRN100021", "2026-02-02"), pt_claim("CLM9022", "MRN100022", "2026-02-03")]
    out.append(("line_breaks.837", "Default separators `*` `:` `~`, a line break after each segment.",
                render([two]), []))
    out.append(("one_line.837", "Default separators `*` `:` `~`, no line breaks: the file is one line.",
                render([two], Separators(line_break="")), []))
    out.append(("separators.837",
                "Non-default separators from the ISA: element `|`, component `^` (ISA16), segment "
                "terminator `!` followed by CR LF, repetition `{` (ISA11).",
                render([two], Separators("|", "^", "!", "{", "\r\n")), []))

    out.append(("two_transactions.837",
                "Two ST..SE in one GS, each with its own HL numbering; segments are numbered "
                "across both (row of the second ST's lines continues the count).",
                render([[pt_claim("CLM9031", "MRN100031", "2026-03-02")],
                        [pt_claim("CLM9032", "MRN100032", "2026-03-03", ORTIZ)]]), []))

    damaged = render([[pt_claim("CLM9041", "MRN100041", "2026-04-06"),
                       pt_claim("CLM9042", "MRN100042", "2026-04-07"),
                       pt_claim("CLM9043", "MRN100043", "2026-04-08")]])
    damaged, rejects = damage_second_claim(damaged)
    out.append(("damaged.837",
                "The second claim's second SV1 lost its procedure code (`SV1*HC*55*UN*1***1:2:3`): "
                "that claim (both its lines) is one reject at the SV1's segment number; the claims "
                "before and after it are read. pyx12 rejects the file.",
                damaged, rejects))
    return out


def damage_second_claim(rendered: Rendered) -> tuple[Rendered, list[tuple[int, str, str]]]:
    """Cuts the procedure code out of CLM9042's line 2 SV1."""
    lines = rendered.text.split("~\n")
    lx = next(row for row, values in rendered.rows
              if values["claim_id"] == "CLM9042" and values["line_number"] == "2")
    sv1 = lx + 1  # the SV1 follows its LX
    assert lines[sv1 - 1].startswith("SV1*HC:97530"), lines[sv1 - 1]
    lines[sv1 - 1] = "SV1*HC*55*UN*1***1:2:3"
    rows = [(row, values) for row, values in rendered.rows if values["claim_id"] != "CLM9042"]
    reason = f"segment {sv1} (SV1): SV101 has no procedure code; claim CLM9042 rejected"
    return Rendered("~\n".join(lines), rows), [(sv1, "cpt_code", reason)]


def markdown_rows(rows: list[tuple[int, dict[str, str]]]) -> list[str]:
    columns = [c for c in CLAIM_COLUMNS if c != "paid_amount"]
    out = ["| row | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for row, values in rows:
        out.append(f"| {row} | " + " | ".join(values[c] for c in columns) + " |")
    return out


def write(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    readme = [
        "# X12 837P fixtures",
        "",
        "Written by `python3 tests/formats/make_x12_fixtures.py` (do not edit by hand); "
        "`python3 tests/formats/x12_validate.py tests/fixtures/x12/*.837` validates them with pyx12 "
        "4.0.0: all are valid 837P 5010 (005010X222A1) except `damaged.837`.",
        "",
        "A reader gives one row per service line (LX), numbered by the LX segment's 1-based number "
        "within the file (ISA is 1). paid_amount is always empty (an 837 is a bill). Diagnosis codes "
        "are written as in the 837 (no dot; the tool normalises them). Every fixture's billing "
        f"provider (2010AA NM1*85) is {BILLING['npi']}.",
        "",
        "Machine-readable: `expected_rows.csv` (file, row, the claims columns) and "
        "`expected_rejects.csv` (file, row, column).",
    ]
    all_rows, all_rejects = [], []
    for name, what, rendered, rejects in fixtures():
        (out / name).write_bytes(rendered.text.encode("ascii"))
        counts = (f"rows_read {len(rendered.rows) + len(rejects)} = rows_used {len(rendered.rows)} "
                  f"+ rows_rejected {len(rejects)}.")
        readme += ["", f"## {name}", "", what, "", counts, "", "Expected rows:", "", *markdown_rows(rendered.rows)]
        if rejects:
            readme += ["", "Expected rejects (one per rejected claim):", "", "| row | column | reason |",
                       "|---|---|---|", *(f"| {row} | {column} | {reason} |" for row, column, reason in rejects)]
        all_rows += [[name, row, *(values[c] for c in CLAIM_COLUMNS)] for row, values in rendered.rows]
        all_rejects += [[name, row, column] for row, column, _ in rejects]
    with open(out / "expected_rows.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows([["file", "row", *CLAIM_COLUMNS], *all_rows])
    with open(out / "expected_rejects.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows([["file", "row", "column"], *all_rejects])
    (out / "README.md").write_text("\n".join(readme) + "\n", encoding="utf-8")
    print(f"wrote {len(fixtures())} fixtures into {out}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "tests" / "fixtures" / "x12")
    write(parser.parse_args().out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
