#!/usr/bin/env python3
"""Renders the contract's claims and notes CSVs as Bulk FHIR R4 NDJSON.

    python3 tests/formats/render_fhir.py --claims sample_data/claims.csv \
        --notes sample_data/notes.csv --out /tmp/fhir

writes into --out, one resource a line as a `$export` does:

    ExplanationOfBenefit.ndjson  one EOB per claim (CARIN-BB-like), one item per CSV line
    DocumentReference.ndjson     one DocumentReference per note, text as a base64 text/plain attachment
    Patient.ndjson               one Patient per patient id

One Patient resource is also mixed into each of the first two files (in the
middle), which claims-audit must count and skip.

The mapping is CONTRACT.md's "Bulk FHIR R4 NDJSON" tables read backwards, so
claims-audit reading these files gives the rows of the CSVs. What FHIR cannot
carry is normalised, which the tool's comparison rules make harmless:
diagnosis codes are written as FHIR writes them (upper case, with the dot:
`m62.81` and `M6281` become `M62.81`), dates as `YYYY-MM-DD` (`01/21/2026`
becomes `2026-01-21`), amounts as JSON numbers (`96.00` becomes `96.0`).
A row that cannot be written as valid FHIR (a date or number that does not
parse, an empty required value) is left out and listed on stderr by row
number and column; the exit status is then 1.

Python 3.11, stdlib only; validate the output with validate_fhir.py.
"""
from __future__ import annotations

import argparse
import base64
import csv
import datetime as dt
import json
import re
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
CPT = "http://www.ama-assn.org/go/cpt"
HCPCS = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
NPI = "http://hl7.org/fhir/sid/us-npi"
ADJUDICATION = "http://terminology.hl7.org/CodeSystem/adjudication"
C4BB = "http://hl7.org/fhir/us/carin-bb/CodeSystem"
C4BB_PROFESSIONAL = ("http://hl7.org/fhir/us/carin-bb/StructureDefinition/"
                     "C4BB-ExplanationOfBenefit-Professional-NonClinician")
CLAIM_SYSTEM = "urn:claims-audit:claim-id"
NOTE_SYSTEM = "urn:claims-audit:note-id"
PAYER_SYSTEM = "urn:claims-audit:payer"

DX_COLUMNS = [f"dx{i}" for i in range(1, 13)]


class Skip(Exception):
    """A CSV row that cannot be written as valid FHIR: (column, reason)."""

    def __init__(self, column: str, reason: str):
        super().__init__(f"{column}: {reason}")
        self.column = column
        self.reason = reason


# ------------------------------------------------------------ value readers
def iso_date(text: str, column: str) -> str:
    """`YYYY-MM-DD` or `MM/DD/YYYY` (the contract's two spellings) as `YYYY-MM-DD`."""
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            pass
    raise Skip(column, "not a date")


def decimal(text: str, column: str) -> float:
    try:
        d = Decimal(text.strip())
    except InvalidOperation:
        raise Skip(column, "not a decimal") from None
    if not d.is_finite():
        raise Skip(column, "not a decimal")
    return float(d)


def integer(text: str, column: str, default: int | None = None) -> int | None:
    text = text.strip()
    if not text:
        return default
    if not re.fullmatch(r"[0-9]+", text):
        raise Skip(column, "not an integer")
    return int(text)


def required(row: dict, column: str) -> str:
    value = (row.get(column) or "").strip()
    if not value:
        raise Skip(column, "empty")
    return value


def split_list(text: str) -> list[str]:
    """The contract's list separators: `;`, `,`, `|` or spaces."""
    return [p for p in re.split(r"[;,|\s]+", text or "") if p]


def fhir_dx(code: str) -> str:
    """An ICD-10-CM code as FHIR writes it: upper case, dot after the category."""
    code = code.strip().upper().replace(".", "")
    return f"{code[:3]}.{code[3:]}" if len(code) > 3 else code


def fhir_id(text: str) -> str:
    """A string made into a FHIR id (`[A-Za-z0-9\\-.]{1,64}`)."""
    return re.sub(r"[^A-Za-z0-9\-.]", "-", text)[:64]


def coding(system: str, code: str, display: str | None = None) -> dict:
    c = {"system": system, "code": code}
    if display:
        c["display"] = display
    return c


def money(value: float) -> dict:
    return {"value": value, "currency": "USD"}


def dx_list(row: dict) -> list[str]:
    if "dx_codes" in row:
        return split_list(row["dx_codes"])
    return [row[c].strip() for c in DX_COLUMNS if (row.get(c) or "").strip()]


# ------------------------------------------------------------ claims
def render_eob(claim_id: str, lines: list[tuple[int, dict]], skipped: list) -> dict | None:
    """One ExplanationOfBenefit from the CSV lines of one claim."""
    first = lines[0][1]
    try:
        patient_id = required(first, "patient_id")
    except Skip as s:
        skipped.extend((n, s.column, f"{s.reason}: claim not rendered") for n, _ in lines)
        return None
    payer = (first.get("payer") or "").strip()
    codes = [fhir_dx(c) for c in dx_list(first)]

    care_team: list[str] = []  # provider ids, in order of first use
    items = []
    for n, row in lines:
        try:
            provider = required(row, "provider_id")
            date = iso_date(required(row, "service_date"), "service_date")
            cpt = required(row, "cpt_code")
            sequence = integer(required(row, "line_number"), "line_number")
            if sequence < 1:
                raise Skip("line_number", "not a positive integer")
            units = integer(row.get("units") or "", "units", default=1)
            charge = decimal(required(row, "charge_amount"), "charge_amount")
            paid_text = (row.get("paid_amount") or "").strip()
            paid = decimal(paid_text, "paid_amount") if paid_text else None
        except Skip as s:
            skipped.append((n, s.column, f"{s.reason}: line not rendered"))
            continue
        differs = [c for c in ("patient_id", "payer") if (row.get(c) or "").strip() != (first.get(c) or "").strip()]
        differs += ["dx_codes"] if [fhir_dx(c) for c in dx_list(row)] != codes else []
        if differs:
            # An EOB has one patient, insurer and diagnosis list for all its items.
            skipped.append((n, differs[0], "differs from the claim's first line: line not rendered"))
            continue
        pointers = []
        for p in split_list(row.get("dx_pointers") or ""):
            if p.isdigit() and 1 <= int(p) <= len(codes):
                pointers.append(int(p))
            else:
                skipped.append((n, "dx_pointers", f"pointer {p!r} names none of the claim's codes: left out"))
        if provider not in care_team:
            care_team.append(provider)
        adjudication = [{"category": {"coding": [coding(ADJUDICATION, "submitted", "Submitted Amount")]},
                         "amount": money(charge)}]
        if paid is not None:
            adjudication.append({"category": {"coding": [coding(f"{C4BB}/C4BBAdjudication", "paidtoprovider",
                                                                "Paid to provider")]},
                                 "amount": money(paid)})
        item = {
            "sequence": sequence,
            "careTeamSequence": [care_team.index(provider) + 1],
            # diagnosis sequence numbers: written 1..n in claim order below
            "diagnosisSequence": pointers,
            "productOrService": {"coding": [coding(CPT if cpt.isdigit() else HCPCS, cpt)]},
            "modifier": [{"coding": [coding(CPT if m.isdigit() else HCPCS, m)]}
                         for m in split_list(row.get("modifiers") or "")],
            "servicedDate": date,
            "quantity": {"value": units},
            "net": money(charge),
            "adjudication": adjudication,
        }
        items.append({k: v for k, v in item.items() if v != []})
    if not items:
        return None

    dates = sorted(i["servicedDate"] for i in items)
    submitted = sum(i["net"]["value"] for i in items)
    paid_items = [a["amount"]["value"] for i in items for a in i["adjudication"][1:]]
    totals = [{"category": {"coding": [coding(ADJUDICATION, "submitted", "Submitted Amount")]},
               "amount": money(round(submitted, 2))}]
    if paid_items:
        totals.append({"category": {"coding": [coding(f"{C4BB}/C4BBAdjudication", "paidtoprovider",
                                                      "Paid to provider")]},
                       "amount": money(round(sum(paid_items), 2))})
    insurer = ({"display": payer, "identifier": {"system": PAYER_SYSTEM, "value": payer}}
               if payer else {"type": "Organization"})
    billing = care_team[0]
    eob = {
        "resourceType": "ExplanationOfBenefit",
        "id": fhir_id(f"eob-{claim_id}"),
        "meta": {"profile": [C4BB_PROFESSIONAL]},
        "identifier": [{
            "type": {"coding": [coding(f"{C4BB}/C4BBIdentifierType", "uc", "Unique Claim ID")]},
            "system": CLAIM_SYSTEM,
            "value": claim_id,
        }],
        "status": "active",
        "type": {"coding": [coding("http://terminology.hl7.org/CodeSystem/claim-type", "professional",
                                   "Professional")]},
        "use": "claim",
        "patient": {"reference": f"Patient/{patient_id}"},
        "billablePeriod": {"start": dates[0], "end": dates[-1]},
        "created": dates[-1],
        "insurer": insurer,
        "provider": {"identifier": {"system": NPI, "value": billing}},
        "outcome": "complete" if paid_items else "queued",
        "careTeam": [{
            "sequence": i,
            "provider": {"reference": f"Practitioner/{fhir_id(p)}", "identifier": {"system": NPI, "value": p}},
            "role": {"coding": [coding(f"{C4BB}/C4BBClaimCareTeamRole", "performing", "Performing provider")]},
        } for i, p in enumerate(care_team, 1)],
        "diagnosis": [{
            "sequence": i,
            "diagnosisCodeableConcept": {"coding": [coding(ICD10CM, code)]},
            "type": [{"coding": [coding("http://terminology.hl7.org/CodeSystem/ex-diagnosistype",
                                        "principal" if i == 1 else "clinical")]}],
        } for i, code in enumerate(codes, 1)],
        "insurance": [{"focal": True, "coverage": {"reference": f"Coverage/{fhir_id('cov-' + patient_id)}"}}],
        "item": items,
        "total": totals,
    }
    return {k: v for k, v in eob.items() if v != []}  # FHIR has no empty arrays


def read_claims(path: Path, skipped: list) -> list[dict]:
    by_claim: dict[str, list[tuple[int, dict]]] = {}
    with open(path, newline="", encoding="utf-8-sig") as f:
        for n, row in enumerate(csv.DictReader(f), 1):
            claim_id = (row.get("claim_id") or "").strip()
            if not claim_id:
                skipped.append((n, "claim_id", "empty: line not rendered"))
                continue
            by_claim.setdefault(claim_id, []).append((n, row))
    eobs = []
    for claim_id, lines in by_claim.items():
        eob = render_eob(claim_id, lines, skipped)
        if eob:
            eobs.append(eob)
    return eobs


# ------------------------------------------------------------ notes
def render_document(row: dict) -> dict:
    note_id = required(row, "note_id")
    patient_id = required(row, "patient_id")
    note_date = iso_date(required(row, "note_date"), "note_date")
    text = row.get("text") or ""
    if not text.strip():
        raise Skip("text", "empty")
    doc = {
        "resourceType": "DocumentReference",
        "id": fhir_id(f"doc-{note_id}"),
        "identifier": [{"system": NOTE_SYSTEM, "value": note_id}],
        "status": "current",
        "docStatus": "final",
        "category": [{"coding": [coding("http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category",
                                        "clinical-note", "Clinical Note")]}],
        "subject": {"reference": f"Patient/{patient_id}"},
        # when the document was indexed; the encounter date is context.period.start
        "date": f"{note_date}T18:00:00Z",
        "content": [{"attachment": {
            "contentType": "text/plain; charset=utf-8",
            "data": base64.b64encode(text.encode("utf-8")).decode("ascii"),
        }}],
        "context": {"period": {"start": note_date}},
    }
    note_type = (row.get("note_type") or "").strip()
    if note_type:
        doc["type"] = {"text": note_type}
    provider = (row.get("provider_id") or "").strip()
    if provider:
        doc["author"] = [{"reference": f"Practitioner/{fhir_id(provider)}",
                          "identifier": {"system": NPI, "value": provider}}]
    claim_id = (row.get("claim_id") or "").strip()
    if claim_id:
        doc["context"]["related"] = [{"reference": f"ExplanationOfBenefit/{fhir_id('eob-' + claim_id)}",
                                      "identifier": {"system": CLAIM_SYSTEM, "value": claim_id}}]
    return doc


def read_notes(path: Path, skipped: list) -> list[dict]:
    docs = []
    with open(path, newline="", encoding="utf-8-sig") as f:
        for n, row in enumerate(csv.DictReader(f), 1):
            try:
                docs.append(render_document(row))
            except Skip as s:
                skipped.append((n, s.column, f"{s.reason}: note not rendered"))
    return docs


# ------------------------------------------------------------ patients and output
def patient(patient_id: str) -> dict:
    """A Patient without demographics (the sample data has none)."""
    return {
        "resourceType": "Patient",
        "id": fhir_id(patient_id),
        "identifier": [{
            "type": {"coding": [coding("http://terminology.hl7.org/CodeSystem/v2-0203", "MR",
                                       "Medical record number")]},
            "system": "urn:claims-audit:patient-id",
            "value": patient_id,
        }],
        "active": True,
    }


def write_ndjson(path: Path, resources: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for r in resources:
            f.write(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n")


def with_patient_in_the_middle(resources: list[dict], extra: dict) -> list[dict]:
    mid = len(resources) // 2
    return resources[:mid] + [extra] + resources[mid:]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--claims", required=True, type=Path)
    ap.add_argument("--notes", type=Path)
    ap.add_argument("--out", required=True, type=Path)
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)

    problems = []
    claim_skips: list = []
    eobs = read_claims(a.claims, claim_skips)
    problems += [(a.claims, *s) for s in claim_skips]
    docs = []
    if a.notes:
        note_skips: list = []
        docs = read_notes(a.notes, note_skips)
        problems += [(a.notes, *s) for s in note_skips]

    patient_ids = sorted({e["patient"]["reference"].removeprefix("Patient/") for e in eobs}
                         | {d["subject"]["reference"].removeprefix("Patient/") for d in docs})
    patients = [patient(p) for p in patient_ids]
    write_ndjson(a.out / "Patient.ndjson", patients)
    # One Patient mixed into each file, as a careless export might: to be skipped.
    write_ndjson(a.out / "ExplanationOfBenefit.ndjson",
                 with_patient_in_the_middle(eobs, patients[0]) if patients else eobs)
    if a.notes:
        write_ndjson(a.out / "DocumentReference.ndjson",
                     with_patient_in_the_middle(docs, patients[-1]) if patients else docs)

    items = sum(len(e["item"]) for e in eobs)
    print(f"{a.out}: {len(eobs)} ExplanationOfBenefit ({items} items), {len(docs)} DocumentReference, "
          f"{len(patients)} Patient (+1 Patient mixed into each file)")
    for path, row, column, reason in problems:
        print(f"{path}: row {row}: {column}: {reason}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
