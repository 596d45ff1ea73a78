#!/usr/bin/env python3
"""Writes a claims CSV (CONTRACT.md columns) as X12 837P 5010 files (005010X222A1).

    python3 tests/formats/render_837.py --claims sample_data/claims.csv --out DIR [--per-file N]

Rows with the same claim_id are one CLM. Each file is one ISA/GS/ST holding
N claims (all when --per-file is left out), grouped under one billing
provider (HL 20) and one subscriber HL 22 per (patient, payer). The patient
is the subscriber (SBR02 = 18). The rendering provider is written once for
the claim (2310B) when all its lines share it, else on each line (2420A),
and not at all when it is the billing provider.

An 837 is a bill: paid_amount is not written. What an 837 cannot hold (more
than 12 diagnosis codes, more than 4 modifiers or pointers, a date that does
not parse, lines of one claim that disagree on patient, payer or codes, ...)
stops the script with the claims and reasons (exit 2): nothing is dropped.

Also a library: `read_claims`, `render` (separators and other variants for
the fixtures, see make_x12_fixtures.py) and, with each file, the rows a
reader should get from it (`Rendered.rows`, numbered by the LX segment).
Python 3.11, stdlib only.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import re
import sys
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

CLAIM_COLUMNS = [
    "claim_id", "line_number", "patient_id", "provider_id", "service_date", "cpt_code",
    "modifiers", "units", "charge_amount", "paid_amount", "payer", "dx_codes", "dx_pointers",
]
MAX_DX = 12  # HI01..HI12
MAX_MODIFIERS = 4  # SV101-3..6
MAX_POINTERS = 4  # SV107-1..4

# The billing provider (2010AA) of every file: a clinic with a valid NPI.
BILLING = {"name": "RIVERSIDE REHABILITATION CLINIC", "npi": "1245319599", "ein": "741234567"}
# Claim filing indicator (SBR09) by payer name; others are commercial.
FILING = {"MEDICARE": "MB", "MEDICAID": "MC", "BCBS": "BL"}
# Fixed creation date and time: the same input gives byte-identical files.
CREATED = dt.datetime(2026, 7, 1, 12, 0)


class Unrenderable(ValueError):
    """A claim of the CSV that an 837P cannot hold."""


@dataclass
class Line:
    number: int
    provider: str
    date: dt.date
    cpt: str
    modifiers: list[str]
    units: str
    charge: str
    pointers: list[str]


@dataclass
class Claim:
    id: str
    patient: str
    payer: str
    dx: list[str]
    lines: list[Line] = field(default_factory=list)


@dataclass
class Separators:
    element: str = "*"
    component: str = ":"
    terminator: str = "~"
    repetition: str = "^"
    # Written after each terminator ("" = one long line).
    line_break: str = "\n"


@dataclass
class Rendered:
    text: str
    # Per service line, what a reader should get: (LX segment number, {column: value}).
    rows: list[tuple[int, dict[str, str]]]


# ------------------------------------------------------------------ reading

def split_list(text: str, pattern: str = r"[;,| \t]+") -> list[str]:
    return [part for part in re.split(pattern, text.strip()) if part]


def x12_code(code: str) -> str:
    """ICD-10-CM as X12 writes it: upper case, no dot."""
    return code.strip().upper().replace(".", "")


def parse_date(text: str) -> dt.date:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    raise Unrenderable(f"service_date {text!r} is not YYYY-MM-DD or MM/DD/YYYY")


def amount(text: str, column: str) -> str:
    """An X12 decimal (R): no trailing zeros, no exponent."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise Unrenderable(f"{column} {text!r} is not a number") from None
    if value < 0:
        raise Unrenderable(f"{column} {text!r} is negative")
    out = f"{value:f}"
    return out.rstrip("0").rstrip(".") if "." in out else out


def dx_of(row: dict[str, str]) -> list[str]:
    if "dx_codes" in row:
        codes = split_list(row["dx_codes"] or "")
    else:  # dx1..dx12
        codes = [row.get(f"dx{i}", "").strip() for i in range(1, 13)]
    return [x12_code(c) for c in codes if c.strip()]


def read_claims(path: Path) -> list[Claim]:
    """The CSV's claims in order of first appearance; raises Unrenderable
    listing every claim that an 837P cannot hold."""
    claims: dict[str, Claim] = {}
    problems: list[str] = []
    with open(path, newline="", encoding="utf-8-sig") as f:
        for number, row in enumerate(csv.DictReader(f), start=1):
            row = {k: (v or "") for k, v in row.items()}
            claim_id = row["claim_id"].strip()
            try:
                claim = claims.get(claim_id)
                if claim is None:
                    claim = Claim(claim_id, row["patient_id"].strip(), row["payer"].strip(), dx_of(row))
                    claims[claim_id] = claim
                add_line(claim, row)
            except Unrenderable as e:
                problems.append(f"row {number} (claim {claim_id!r}): {e}")
    for claim in claims.values():
        try:
            check_claim(claim)
        except Unrenderable as e:
            problems.append(f"claim {claim.id!r}: {e}")
    if problems:
        raise Unrenderable("\n".join(problems))
    for claim in claims.values():
        claim.lines.sort(key=lambda line: line.number)
    return list(claims.values())


def add_line(claim: Claim, row: dict[str, str]) -> None:
    if row["patient_id"].strip() != claim.patient:
        raise Unrenderable("patient_id differs between lines of one claim (837: one per claim)")
    if row["payer"].strip() != claim.payer:
        raise Unrenderable("payer differs between lines of one claim (837: one per claim)")
    if dx_of(row) != claim.dx:
        raise Unrenderable("dx_codes differ between lines of one claim (837: one HI per claim)")
    try:
        number = int(row["line_number"])
    except ValueError:
        raise Unrenderable(f"line_number {row['line_number']!r} is not an integer") from None
    claim.lines.append(Line(
        number=number,
        provider=row["provider_id"].strip(),
        date=parse_date(row["service_date"]),
        cpt=row["cpt_code"].strip().upper(),
        modifiers=split_list(row["modifiers"], r"[;, \t]+"),
        units=row["units"].strip() or "1",
        charge=amount(row["charge_amount"], "charge_amount"),
        pointers=split_list(row["dx_pointers"]),
    ))


def check_claim(claim: Claim) -> None:
    if not claim.id:
        raise Unrenderable("claim_id is empty")
    if not claim.patient:
        raise Unrenderable("patient_id is empty")
    if not 1 <= len(claim.dx) <= MAX_DX:
        raise Unrenderable(f"{len(claim.dx)} diagnosis codes (837P: 1 to {MAX_DX})")
    numbers = [line.number for line in sorted(claim.lines, key=lambda l: l.number)]
    if numbers != list(range(1, len(numbers) + 1)):
        raise Unrenderable(f"line numbers {numbers} are not 1..n (837P LX01 counts the lines)")
    for line in claim.lines:
        where = f"line {line.number}"
        if not line.provider:
            raise Unrenderable(f"{where}: provider_id is empty")
        if not re.fullmatch(r"[A-Z0-9]{5}", line.cpt):
            raise Unrenderable(f"{where}: cpt_code is not 5 letters or digits")
        if len(line.modifiers) > MAX_MODIFIERS:
            raise Unrenderable(f"{where}: {len(line.modifiers)} modifiers (837P: at most {MAX_MODIFIERS})")
        if len(line.pointers) > MAX_POINTERS:
            raise Unrenderable(f"{where}: {len(line.pointers)} dx pointers (837P: at most {MAX_POINTERS})")
        for p in line.pointers or ["1"]:
            if not p.isdigit() or not 1 <= int(p) <= len(claim.dx):
                raise Unrenderable(f"{where}: dx pointer {p!r} does not point at one of the claim's {len(claim.dx)} codes")
        if not line.units.isdigit() or int(line.units) < 1:
            raise Unrenderable(f"{where}: units {line.units!r} is not a positive integer")


# ------------------------------------------------------------------ writing

class Writer:
    """Segments of one file, counted for SE01 and for the readers' row numbers."""

    def __init__(self, seps: Separators):
        self.seps = seps
        self.parts: list[str] = []
        self.count = 0  # segments in the file so far

    def seg(self, *elements: str) -> int:
        """Writes one segment (trailing empty elements dropped); returns its number."""
        values = list(elements)
        while values and values[-1] == "":
            values.pop()
        self.parts.append(self.seps.element.join(values) + self.seps.terminator + self.seps.line_break)
        self.count += 1
        return self.count

    def comp(self, *parts: str) -> str:
        values = list(parts)
        while values and values[-1] == "":
            values.pop()
        return self.seps.component.join(values)

    def text(self) -> str:
        return "".join(self.parts)


def check_text(value: str, seps: Separators, what: str) -> str:
    """Data may not hold a separator (an 837 has no escape) nor non-ASCII text."""
    used = {seps.element, seps.component, seps.terminator, seps.repetition}
    if any(s in value for s in used):
        raise Unrenderable(f"{what} {value!r} holds an X12 separator")
    if not value.isascii():
        raise Unrenderable(f"{what} {value!r} is not ASCII")
    return value


def isa(w: Writer, control: int) -> None:
    s = w.seps
    e = s.element
    text = e.join([
        "ISA", "00", " " * 10, "00", " " * 10, "ZZ", "CLAIMSAUDIT".ljust(15), "ZZ", "RECEIVER".ljust(15),
        CREATED.strftime("%y%m%d"), CREATED.strftime("%H%M"), s.repetition, "00501", f"{control:09d}",
        "0", "P", s.component,
    ])
    assert len(text) == 105, len(text)
    w.parts.append(text + s.terminator + s.line_break)
    w.count += 1


def render(
    batches: list[list[Claim]],
    seps: Separators | None = None,
    control: int = 1,
    billing_npi: str = BILLING["npi"],
    range_days: int | None = None,
) -> Rendered:
    """One ISA/GS holding one ST per batch of claims.

    range_days: write line dates as RD8 from the date to the date plus that
    many days (the first day is the date of service), instead of D8."""
    seps = seps or Separators()
    w = Writer(seps)
    rows: list[tuple[int, dict[str, str]]] = []
    isa(w, control)
    date, time = CREATED.strftime("%Y%m%d"), CREATED.strftime("%H%M")
    w.seg("GS", "HC", "CLAIMSAUDIT", "RECEIVER", date, time, str(control), "X", "005010X222A1")
    for number, claims in enumerate(batches, start=1):
        st_control = f"{number:04d}"
        st = w.seg("ST", "837", st_control, "005010X222A1")
        w.seg("BHT", "0019", "00", f"{control}{st_control}", date, time, "CH")
        w.seg("NM1", "41", "2", "CLAIMS AUDIT SUBMITTER", "", "", "", "", "46", "CLAIMSAUDIT")
        w.seg("PER", "IC", "BILLING OFFICE", "TE", "5555550100")
        w.seg("NM1", "40", "2", "RECEIVER", "", "", "", "", "46", "RECEIVER")
        w.seg("HL", "1", "", "20", "1")
        w.seg("NM1", "85", "2", BILLING["name"], "", "", "", "", "XX", billing_npi)
        w.seg("N3", "100 MAIN STREET")
        w.seg("N4", "SPRINGFIELD", "IL", "627010001")
        w.seg("REF", "EI", BILLING["ein"])
        hl = 1
        for (patient, payer), group in subscribers(claims):
            hl += 1
            w.seg("HL", str(hl), "1", "22", "0")
            w.seg("SBR", "P", "18", "", "", "", "", "", "", FILING.get(payer.upper(), "CI"))
            w.seg("NM1", "IL", "1", "PATIENT", "SYNTHETIC", "", "", "", "MI", check_text(patient, seps, "patient_id"))
            w.seg("N3", "1 ELM STREET")
            w.seg("N4", "SPRINGFIELD", "IL", "62701")
            w.seg("DMG", "D8", "19500101", "U")
            payer_name = check_text(payer or "UNKNOWN PAYER", seps, "payer")
            w.seg("NM1", "PR", "2", payer_name, "", "", "", "", "PI", payer_id(payer_name))
            for claim in group:
                rows += render_claim(w, claim, billing_npi, range_days)
        w.seg("SE", str(w.count + 2 - st), st_control)  # ST..SE, both counted
    w.seg("GE", str(len(batches)), str(control))
    w.seg("IEA", "1", f"{control:09d}")
    return Rendered(w.text(), rows)


def subscribers(claims: list[Claim]) -> list[tuple[tuple[str, str], list[Claim]]]:
    """Claims grouped by (patient, payer), in order of first appearance."""
    groups: dict[tuple[str, str], list[Claim]] = {}
    for claim in claims:
        groups.setdefault((claim.patient, claim.payer), []).append(claim)
    return list(groups.items())


def payer_id(name: str) -> str:
    return (re.sub(r"[^A-Z0-9]", "", name.upper()) or "PAYER")[:80].ljust(2, "0")


def render_claim(w: Writer, claim: Claim, billing_npi: str, range_days: int | None) -> list[tuple[int, dict[str, str]]]:
    seps = w.seps
    total = amount(str(sum(Decimal(line.charge) for line in claim.lines)), "total")
    w.seg("CLM", check_text(claim.id, seps, "claim_id"), total, "", "", w.comp("11", "B", "1"), "Y", "A", "Y", "Y")
    codes = [w.comp("ABK" if i == 0 else "ABF", check_text(code, seps, "dx code")) for i, code in enumerate(claim.dx)]
    w.seg("HI", *codes)
    providers = {line.provider for line in claim.lines}
    claim_provider = providers.pop() if len(providers) == 1 else None
    if claim_provider and claim_provider != billing_npi:
        rendering(w, claim_provider)  # 2310B
    rows = []
    for line in claim.lines:
        lx = w.seg("LX", str(line.number))
        procedure = w.comp("HC", line.cpt, *(check_text(m, seps, "modifier") for m in line.modifiers))
        pointers = w.comp(*(line.pointers or ["1"]))
        w.seg("SV1", procedure, line.charge, "UN", line.units, "", "", pointers)
        if range_days is None:
            w.seg("DTP", "472", "D8", line.date.strftime("%Y%m%d"))
        else:
            end = line.date + dt.timedelta(days=range_days)
            w.seg("DTP", "472", "RD8", f"{line.date:%Y%m%d}-{end:%Y%m%d}")
        if claim_provider is None and line.provider != billing_npi:
            rendering(w, line.provider)  # 2420A
        rows.append((lx, {
            "claim_id": claim.id,
            "line_number": str(line.number),
            "patient_id": claim.patient,
            "provider_id": line.provider,
            "service_date": line.date.isoformat(),
            "cpt_code": line.cpt,
            "modifiers": ";".join(line.modifiers),
            "units": line.units,
            "charge_amount": line.charge,
            "paid_amount": "",
            "payer": claim.payer or "UNKNOWN PAYER",
            "dx_codes": ";".join(claim.dx),
            "dx_pointers": ";".join(line.pointers or ["1"]),
        }))
    return rows


def rendering(w: Writer, npi: str) -> None:
    w.seg("NM1", "82", "1", "PROVIDER", "RENDERING", "", "", "", "XX", check_text(npi, w.seps, "provider_id"))


# ------------------------------------------------------------------ command line

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--claims", type=Path, required=True, help="claims CSV (CONTRACT.md columns)")
    parser.add_argument("--out", type=Path, required=True, help="folder for the .837 files")
    parser.add_argument("--per-file", type=int, default=0, help="claims per file (default: all in one)")
    args = parser.parse_args(argv)
    try:
        claims = read_claims(args.claims)
    except Unrenderable as e:
        print(f"{args.claims}: cannot be written as 837P:\n{e}", file=sys.stderr)
        return 2
    size = args.per_file if args.per_file > 0 else max(len(claims), 1)
    args.out.mkdir(parents=True, exist_ok=True)
    parts = [claims[i:i + size] for i in range(0, len(claims), size)]
    for number, part in enumerate(parts, start=1):
        path = args.out / f"claims_{number:04d}.837"
        path.write_text(render([part], control=number).text, encoding="ascii")
    lines = sum(len(c.lines) for c in claims)
    print(f"{len(claims)} claims, {lines} service lines in {len(parts)} file(s) in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
