#!/usr/bin/env python3
"""Writes the Bulk FHIR edge-case fixtures into tests/fixtures/fhir/.

    python3 tests/formats/make_fhir_fixtures.py [--out DIR]

Each line of the two NDJSON files is written below next to what CONTRACT.md
("Bulk FHIR R4 NDJSON") says claims-audit must read from it, so the expected
rows are stated by hand, not computed by a reader:

    claims.ndjson, notes.ndjson     the fixtures (row = 1-based line number)
    expected_claims.csv             `row` + the claims columns the EOBs give (empty = no value)
    expected_notes.csv              `row` + the notes columns
    expected_rejects.csv            `file,row,column,reason` of the lines that cannot be read
    README.md                       the same, as tables, with what each line exercises

Python 3.11, stdlib only, deterministic.
"""
from __future__ import annotations

import argparse
import base64
import csv
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE.parent / "fixtures" / "fhir"

ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
CPT = "http://www.ama-assn.org/go/cpt"
HCPCS = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
NPI = "http://hl7.org/fhir/sid/us-npi"
ADJ = "http://terminology.hl7.org/CodeSystem/adjudication"
C4BB = "http://hl7.org/fhir/us/carin-bb/CodeSystem"

CLAIM_COLUMNS = ["claim_id", "line_number", "patient_id", "provider_id", "service_date", "cpt_code",
                 "modifiers", "units", "charge_amount", "paid_amount", "payer", "dx_codes", "dx_pointers"]
NOTE_COLUMNS = ["note_id", "patient_id", "note_date", "note_type", "claim_id", "provider_id", "text"]


# ------------------------------------------------------------ building blocks
def cc(system: str, code: str, display: str | None = None) -> dict:
    c = {"system": system, "code": code}
    if display:
        c["display"] = display
    return {"coding": [c]}


def adjudication(category: str, value: float) -> dict:
    system = ADJ if category in ("submitted", "benefit") else f"{C4BB}/C4BBAdjudication"
    return {"category": cc(system, category), "amount": {"value": value, "currency": "USD"}}


def dx(sequence: int, code: str, *other_codings: dict) -> dict:
    return {"sequence": sequence,
            "diagnosisCodeableConcept": {"coding": [*other_codings, {"system": ICD10CM, "code": code}]}}


def eob(id_: str, *, identifier=None, patient="Patient/PAT-1", insurer=None, provider=None,
        billable=("2026-03-01", "2026-03-31"), care_team=(), diagnosis=(), items=()) -> dict:
    """An ExplanationOfBenefit with the elements R4 requires; None leaves one out."""
    r = {"resourceType": "ExplanationOfBenefit", "id": id_}
    if identifier is not None:
        r["identifier"] = identifier
    r |= {"status": "active", "type": cc("http://terminology.hl7.org/CodeSystem/claim-type", "professional"),
          "use": "claim", "patient": {"reference": patient} if isinstance(patient, str) else patient}
    if billable:
        r["billablePeriod"] = {"start": billable[0], "end": billable[1]}
    r |= {"created": "2026-04-01",
          "insurer": insurer or {"display": "ACME HEALTH"},
          "provider": provider or {"identifier": {"system": NPI, "value": "1000000004"}},
          "outcome": "complete"}
    if care_team:
        r["careTeam"] = [{"sequence": i, "provider": p} for i, p in care_team]
    if diagnosis:
        r["diagnosis"] = list(diagnosis)
    r["insurance"] = [{"focal": True, "coverage": {"reference": "Coverage/cov-1"}}]
    if items:
        r["item"] = list(items)
    return r


def item(sequence: int, cpt: str, **fields) -> dict:
    return {"sequence": sequence, **fields, "productOrService": cc(CPT, cpt)}


def modifiers(*codes: str) -> list:
    return [cc(CPT if m.isdigit() else HCPCS, m) for m in codes]


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def document(id_: str, *, identifier=None, subject="Patient/PAT-1", date=None, type_=None, author=None,
             content=(), context=None) -> dict:
    r = {"resourceType": "DocumentReference", "id": id_}
    if identifier is not None:
        r["identifier"] = identifier
    r["status"] = "current"
    if type_ is not None:
        r["type"] = type_
    if subject is not None:
        r["subject"] = {"reference": subject}
    if date is not None:
        r["date"] = date
    if author is not None:
        r["author"] = author
    r["content"] = list(content)
    if context is not None:
        r["context"] = context
    return r


def plain(text: bytes, content_type: str = "text/plain; charset=utf-8") -> dict:
    return {"attachment": {"contentType": content_type, "data": b64(text)}}


PATIENT = {"resourceType": "Patient", "id": "PAT-1", "active": True}
NOTE_1_TEXT = 'Initial evaluation. Pt says "legs feel weak", MMT hip flexors 4-/5.\nPlan: PT 2x/week, café.'

# ------------------------------------------------------------ claims.ndjson
# (line, what it exercises, expected rows [dicts], expected reject (column, reason) or None, skipped type)
CLAIMS = [
    (eob("eob-a1",
         identifier=[{"type": cc("http://terminology.hl7.org/CodeSystem/v2-0203", "FILL"), "value": "FILLER-1"},
                     {"type": cc(f"{C4BB}/C4BBIdentifierType", "uc"), "value": "CLM-A1"}],
         insurer={"display": "ACME HEALTH", "identifier": {"value": "ACME-01"}, "reference": "Organization/acme"},
         care_team=[(1, {"reference": "Practitioner/pr-1", "identifier": {"system": NPI, "value": "1093817462"}}),
                    (2, {"reference": "Practitioner/1548203979"})],
         diagnosis=[dx(2, "R26.2"), dx(3, "Z74.09", {"system": "http://snomed.info/sct", "code": "26544005"}),
                    dx(1, "M62.81")],
         items=[item(1, "97110", careTeamSequence=[1], diagnosisSequence=[1, 2], modifier=modifiers("GP"),
                     servicedDate="2026-03-02", quantity={"value": 2}, net={"value": 999.0},
                     adjudication=[adjudication("submitted", 96.00), adjudication("benefit", 70.00),
                                   adjudication("paidtoprovider", 73.87)]),
                item(2, "97140", careTeamSequence=[2], diagnosisSequence=[3, 1], modifier=modifiers("GP", "59"),
                     servicedDate="2026-03-02", quantity={"value": 1},
                     adjudication=[adjudication("submitted", 44.00), adjudication("paidtoprovider", 33.5)])]),
     "CARIN shape: `uc` identifier (not the first one); insurer display; care-team provider by identifier "
     "(item 1) and by reference only (item 2); diagnosis sorted by sequence, the non-ICD coding ignored; "
     "diagnosisSequence as positions; submitted over net; paidtoprovider over benefit",
     [dict(claim_id="CLM-A1", line_number="1", patient_id="PAT-1", provider_id="1093817462",
           service_date="2026-03-02", cpt_code="97110", modifiers="GP", units="2", charge_amount="96",
           paid_amount="73.87", payer="ACME HEALTH", dx_codes="M62.81;R26.2;Z74.09", dx_pointers="1;2"),
      dict(claim_id="CLM-A1", line_number="2", patient_id="PAT-1", provider_id="1548203979",
           service_date="2026-03-02", cpt_code="97140", modifiers="GP;59", units="1", charge_amount="44",
           paid_amount="33.5", payer="ACME HEALTH", dx_codes="M62.81;R26.2;Z74.09", dx_pointers="3;1")],
     None, None),
    (eob("CLM-B2",
         identifier=[{"type": cc(f"{C4BB}/C4BBIdentifierType", "payerid"), "value": "PAYER-CLAIM-9"}],
         patient="Patient/PAT-2",
         insurer={"identifier": {"system": "urn:payer", "value": "PAYER-77"}, "reference": "Organization/org-77"},
         care_team=[(1, {"reference": "Practitioner/1184629305"})],
         diagnosis=[dx(1, "M62.81"), dx(2, "M17.11")],
         items=[item(1, "97162", careTeamSequence=[1], diagnosisSequence=[1, 2], modifier=modifiers("GP"),
                     servicedPeriod={"start": "2026-03-03", "end": "2026-03-04"}, quantity={"value": 1},
                     adjudication=[adjudication("submitted", 175.0), adjudication("paidtoprovider", 130.0)])]),
     "identifier without `uc` -> `id`; insurer by identifier; servicedPeriod.start",
     [dict(claim_id="CLM-B2", line_number="1", patient_id="PAT-2", provider_id="1184629305",
           service_date="2026-03-03", cpt_code="97162", modifiers="GP", units="1", charge_amount="175",
           paid_amount="130", payer="PAYER-77", dx_codes="M62.81;M17.11", dx_pointers="1;2")],
     None, None),
    (eob("CLM-C3", patient="Patient/PAT-3",
         insurer={"reference": "Organization/org-55"},
         provider={"reference": "Organization/clinic-9"},
         diagnosis=[dx(1, "R53.1")],
         items=[item(1, "99213", diagnosisSequence=[1],
                     servicedPeriod={"start": "2026-03-05T09:00:00-05:00", "end": "2026-03-05T10:00:00-05:00"},
                     quantity={"value": 1}, net={"value": 135.0},
                     adjudication=[adjudication("benefit", 99.1)])]),
     "no identifier -> `id`; insurer by reference only; no careTeamSequence -> EOB provider by reference; "
     "servicedPeriod.start with a time (date part as written); net instead of submitted; "
     "benefit instead of paidtoprovider",
     [dict(claim_id="CLM-C3", line_number="1", patient_id="PAT-3", provider_id="clinic-9",
           service_date="2026-03-05", cpt_code="99213", units="1", charge_amount="135",
           paid_amount="99.1", payer="org-55", dx_codes="R53.1", dx_pointers="1")],
     None, None),
    (eob("eob-d4",
         identifier=[{"type": cc(f"{C4BB}/C4BBIdentifierType", "uc"), "value": "CLM-D4"}],
         patient="Patient/PAT-1", billable=("2026-03-06", "2026-03-06"),
         provider={"identifier": {"system": NPI, "value": "1821746397"}},
         care_team=[(1, {"reference": "Practitioner/1093817462"})],
         diagnosis=[dx(1, "M62.81"), dx(2, "I50.9")],
         items=[item(1, "99214", careTeamSequence=[9], diagnosisSequence=[2],
                     quantity={"value": 1}, net={"value": 195.0},
                     adjudication=[adjudication("submitted", 195.0)])]),
     "billablePeriod.start (no servicedDate or servicedPeriod); careTeamSequence naming no member -> "
     "EOB provider by identifier; no paid amount",
     [dict(claim_id="CLM-D4", line_number="1", patient_id="PAT-1", provider_id="1821746397",
           service_date="2026-03-06", cpt_code="99214", units="1", charge_amount="195",
           payer="ACME HEALTH", dx_codes="M62.81;I50.9", dx_pointers="2")],
     None, None),
    (PATIENT, "a Patient: counted in `skipped` and skipped", [], None, "Patient"),
    ('{"resourceType": "ExplanationOfBenefit", "id": "eob-broken", "patient": {"reference": "Patient/PAT-1"',
     "invalid JSON (cut short): rejected, reading goes on", [], ("", "line is not valid JSON"), None),
    (eob("CLM-E5", diagnosis=[dx(1, "M62.81")]),
     "an EOB without item: rejected", [], ("", "ExplanationOfBenefit has no item"), None),
    (eob("CLM-F6", patient={"identifier": {"value": "PAT-1"}}, diagnosis=[dx(1, "M62.81")],
         items=[item(1, "97110", servicedDate="2026-03-09", quantity={"value": 1}, net={"value": 48.0})]),
     "patient without reference: rejected", [], ("patient_id", "no patient.reference"), None),
    (document("doc-in-claims", subject="Patient/PAT-1", content=[plain(b"misfiled")]),
     "a DocumentReference in the claims file: skipped", [], None, "DocumentReference"),
    ("", "a blank line: not a row, but counted in the line numbers", [], None, None),
    (eob("eob-g7",
         identifier=[{"type": cc(f"{C4BB}/C4BBIdentifierType", "uc"), "value": "CLM-G7"}],
         patient="Patient/PAT-2", billable=None,
         diagnosis=[dx(1, "M62.81")],
         items=[item(1, "97530", diagnosisSequence=[1], quantity={"value": 3}, net={"value": 165.0})]),
     "no service date anywhere (left empty: validation rejects it); no paid amount; no modifiers",
     [dict(claim_id="CLM-G7", line_number="1", patient_id="PAT-2", provider_id="1000000004",
           cpt_code="97530", units="3", charge_amount="165", payer="ACME HEALTH",
           dx_codes="M62.81", dx_pointers="1")],
     None, None),
]

# ------------------------------------------------------------ notes.ndjson
NOTES = [
    (document("doc-1", identifier=[{"system": "urn:notes", "value": "N-1"}, {"value": "N-1-other"}],
              date="2026-03-10T12:00:00Z",
              type_={"text": "initial evaluation", "coding": [{"system": "http://loinc.org", "code": "11506-3",
                                                                "display": "Progress note"}]},
              author=[{"reference": "Practitioner/pr-1", "identifier": {"system": NPI, "value": "1093817462"}},
                      {"reference": "Practitioner/1548203979"}],
              content=[{"attachment": {"contentType": "application/pdf", "data": b64(b"%PDF-1.4")}},
                       plain(NOTE_1_TEXT.encode("utf-8")),
                       plain(b"a second text/plain attachment: not read", "text/plain")],
              context={"period": {"start": "2026-03-02"},
                       "related": [{"reference": "ExplanationOfBenefit/eob-a1", "identifier": {"value": "CLM-A1"}}]}),
     "full shape: identifier[0]; context.period.start over date; type.text over coding; author[0] by identifier; "
     "related[0] by identifier; the first text/plain attachment (after a PDF), charset parameter ignored",
     dict(note_id="N-1", patient_id="PAT-1", note_date="2026-03-02", note_type="initial evaluation",
          claim_id="CLM-A1", provider_id="1093817462", text=NOTE_1_TEXT),
     None, None),
    (document("N-2", subject="Patient/PAT-2", date="2026-03-03T08:15:00Z",
              type_={"coding": [{"system": "http://loinc.org", "code": "11506-3", "display": "Progress note"}]},
              author=[{"reference": "Practitioner/1184629305"}],
              content=[plain(b"Daily note. Gait training 150 ft.", "TEXT/PLAIN")],
              context={"related": [{"reference": "ExplanationOfBenefit/CLM-B2"}]}),
     "no identifier -> `id`; `date` only (UTC); type.coding[0].display; author and related by reference only; "
     "media type in upper case",
     dict(note_id="N-2", patient_id="PAT-2", note_date="2026-03-03", note_type="Progress note",
          claim_id="CLM-B2", provider_id="1184629305", text="Daily note. Gait training 150 ft."),
     None, None),
    (document("N-3", identifier=[{"value": "N-3"}], subject="Patient/PAT-3", date="2026-03-04T23:30:00-05:00",
              content=[plain(b"Physician note without type, author or claim.")]),
     "`date` only with a time zone that is the next day in UTC: the date as written; "
     "no type, author or related",
     dict(note_id="N-3", patient_id="PAT-3", note_date="2026-03-04",
          text="Physician note without type, author or claim."),
     None, None),
    (PATIENT, "a Patient: counted in `skipped` and skipped", None, None, "Patient"),
    (document("N-5", identifier=[{"value": "N-5"}], date="2026-03-05T12:00:00Z",
              content=[{"attachment": {"contentType": "text/plain", "data": "bm90IGJhc2U2NA=!*"}}]),
     "bad base64: rejected", None, ("text", "attachment data is not valid base64"), None),
    ('{"resourceType": "DocumentReference", "id": "N-6", "subject": {"reference": "Patient/PAT-1"},}',
     "invalid JSON (trailing comma): rejected", None, ("", "line is not valid JSON"), None),
    (document("N-7", identifier=[{"value": "N-7"}], date="2026-03-07T12:00:00Z",
              content=[{"attachment": {"contentType": "application/pdf", "data": b64(b"%PDF-1.4")}}]),
     "no text/plain attachment: rejected", None, ("text", "no text/plain attachment"), None),
    (document("N-8", identifier=[{"value": "N-8"}], date="2026-03-08T12:00:00Z",
              content=[plain("Latin-1 text: café".encode("latin-1"), "text/plain; charset=ISO-8859-1")]),
     "text that is not UTF-8: rejected", None, ("text", "attachment text is not valid UTF-8"), None),
    (document("N-9", identifier=[{"value": "N-9"}], subject=None, date="2026-03-09T12:00:00Z",
              content=[plain(b"No subject.")]),
     "no subject reference: rejected", None, ("patient_id", "no subject.reference"), None),
    (eob("eob-in-notes", items=[item(1, "97110", quantity={"value": 1}, net={"value": 48.0})]),
     "an ExplanationOfBenefit in the notes file: skipped", None, None, "ExplanationOfBenefit"),
]


# ------------------------------------------------------------ output
def line_text(resource) -> str:
    return resource if isinstance(resource, str) else json.dumps(resource, ensure_ascii=False)


def cell(value: str | None) -> str:
    if value is None:
        return ""
    return value.replace("|", "\\|").replace("\n", "\\n")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    out = ap.parse_args().out
    out.mkdir(parents=True, exist_ok=True)

    for name, entries in (("claims.ndjson", CLAIMS), ("notes.ndjson", NOTES)):
        with open(out / name, "w", encoding="utf-8", newline="\n") as f:
            for resource, *_ in entries:
                f.write(line_text(resource) + "\n")

    claim_rows = [(n, r) for n, (_, _, rows, _, _) in enumerate(CLAIMS, 1) for r in rows]
    note_rows = [(n, r) for n, (_, _, r, _, _) in enumerate(NOTES, 1) if r]
    rejects = [(file, n, rej[0], rej[1]) for file, entries in (("claims.ndjson", CLAIMS), ("notes.ndjson", NOTES))
               for n, (_, _, _, rej, _) in enumerate(entries, 1) if rej]

    for name, columns, rows in (("expected_claims.csv", CLAIM_COLUMNS, claim_rows),
                                ("expected_notes.csv", NOTE_COLUMNS, note_rows)):
        with open(out / name, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["row", *columns])
            for n, r in rows:
                w.writerow([n, *(r.get(c, "") for c in columns)])
    with open(out / "expected_rejects.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["file", "row", "column", "reason"])
        w.writerows(rejects)

    write_readme(out, claim_rows, note_rows, rejects)
    print(f"{out}: claims.ndjson ({len(CLAIMS)} lines, {len(claim_rows)} rows), "
          f"notes.ndjson ({len(NOTES)} lines, {len(note_rows)} rows), {len(rejects)} rejects")


def skipped_of(entries) -> str:
    kinds: dict[str, int] = {}
    for *_, kind in entries:
        if kind:
            kinds[kind] = kinds.get(kind, 0) + 1
    return ", ".join(f"`{k}`: {v}" for k, v in sorted(kinds.items()))


def write_readme(out: Path, claim_rows, note_rows, rejects) -> None:
    L = ["# Bulk FHIR edge cases", "",
         "Written by `tests/formats/make_fhir_fixtures.py` (do not edit by hand). Each line of",
         "`claims.ndjson` (read as `--claims`) and `notes.ndjson` (`--notes`) exercises one or more",
         "rules of CONTRACT.md \"Bulk FHIR R4 NDJSON\"; the expected reading is stated by hand beside",
         "each resource in the script, and written as `expected_claims.csv`, `expected_notes.csv`",
         "(`row` = 1-based line number, then the contract columns; empty = no value) and",
         "`expected_rejects.csv`.", "",
         "Amounts are JSON numbers (`96.0`): the expected text is the shortest that reads back to the",
         "same number (`96`). A reject's reason is this implementation's wording (the expected value is",
         "how the reason starts); compare `row` and `column` exactly. Rows that the contract's validation",
         "rejects afterwards (claims.ndjson line 11 has no service date) are listed as read.", "",
         f"Skipped (counted by `resourceType`): claims.ndjson {skipped_of(CLAIMS)}; "
         f"notes.ndjson {skipped_of(NOTES)}.", "",
         "`validate_fhir.py` reports exactly these lines as invalid FHIR: claims.ndjson line 6 (invalid JSON),",
         "notes.ndjson lines 5 (bad base64) and 6 (invalid JSON); every other line is valid R4B",
         "(a resource the tool rejects can be valid FHIR: an EOB without item, a note without subject).", "",
         "## claims.ndjson", "", "| line | exercises |", "|---|---|"]
    L += [f"| {n} | {what} |" for n, (_, what, *_) in enumerate(CLAIMS, 1)]
    L += ["", "Expected rows:", "", "| row | " + " | ".join(CLAIM_COLUMNS) + " |",
          "|---" * (len(CLAIM_COLUMNS) + 1) + "|"]
    L += [f"| {n} | " + " | ".join(cell(r.get(c)) for c in CLAIM_COLUMNS) + " |" for n, r in claim_rows]
    L += ["", "## notes.ndjson", "", "| line | exercises |", "|---|---|"]
    L += [f"| {n} | {what} |" for n, (_, what, *_) in enumerate(NOTES, 1)]
    L += ["", "Expected rows (`\\n` = a line break in the text):", "",
          "| row | " + " | ".join(NOTE_COLUMNS) + " |", "|---" * (len(NOTE_COLUMNS) + 1) + "|"]
    L += [f"| {n} | " + " | ".join(cell(r.get(c)) for c in NOTE_COLUMNS) + " |" for n, r in note_rows]
    L += ["", "## Rejects", "", "| file | row | column | reason starts with |", "|---|---|---|---|"]
    L += [f"| {f} | {n} | {c or '(whole line)'} | {reason} |" for f, n, c, reason in rejects]
    (out / "README.md").write_text("\n".join(L) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
