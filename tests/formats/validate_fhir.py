#!/usr/bin/env python3
"""Validates Bulk FHIR NDJSON files against the FHIR R4B models of fhir.resources.

    pip install fhir.resources==8.3.0
    python3 tests/formats/validate_fhir.py OUT/ExplanationOfBenefit.ndjson OUT/DocumentReference.ndjson

Every non-empty line must be one JSON object whose resourceType is a FHIR
R4B resource that validates. Errors are printed as FILE:LINE: message (the
message may quote values: run it on test data only). Exit status 0 when
every line is valid, 1 when any is not, 2 on a usage error.
"""
from __future__ import annotations

import json
import sys
from collections import Counter

try:
    from fhir.resources.R4B import get_fhir_model_class
except ImportError:
    sys.exit("validate_fhir.py needs fhir.resources: pip install fhir.resources==8.3.0")


def validate_line(line: str) -> tuple[str | None, list[str]]:
    """(resourceType, errors) of one NDJSON line."""
    try:
        resource = json.loads(line)
    except json.JSONDecodeError as e:
        return None, [f"not valid JSON: {e.msg} at character {e.pos}"]
    if not isinstance(resource, dict):
        return None, ["not a JSON object"]
    kind = resource.get("resourceType")
    if not isinstance(kind, str):
        return None, ["no resourceType"]
    try:
        model = get_fhir_model_class(kind)
    except (KeyError, ValueError):
        return kind, [f"{kind!r} is not an R4B resource type"]
    try:
        model.model_validate(resource)
    except Exception as e:  # pydantic.ValidationError, and the models' own ValueErrors
        return kind, [" ".join(str(e).split())]
    return kind, []


def main(paths: list[str]) -> int:
    if not paths:
        print(__doc__, file=sys.stderr)
        return 2
    bad = 0
    for path in paths:
        kinds: Counter = Counter()
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                kind, errors = validate_line(line)
                kinds[kind or "?"] += 1
                for error in errors:
                    print(f"{path}:{n}: {kind or '?'}: {error}")
                bad += bool(errors)
        counts = ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
        print(f"{path}: {sum(kinds.values())} resources ({counts})")
    print(f"{bad} invalid" if bad else "all valid")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
