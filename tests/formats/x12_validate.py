#!/usr/bin/env python3
"""Validates X12 files with pyx12 (pip install pyx12==4.0.0) against their
implementation guide (837P 5010: 005010X222A1).

    python3 tests/formats/x12_validate.py FILE...

For each file, pyx12 writes the acknowledgement it would send back (999 for
5010, 997 for 4010). A file passes when pyx12 reports it valid and the
acknowledgement accepts everything: no segment or element error (IK3/IK4,
AK3/AK4), every transaction accepted (IK5/AK5 = A) and the group accepted
(AK9 = A). Otherwise its errors are printed. Exit status: 0 when every file
passes, 1 otherwise, 2 when pyx12 is missing.
"""
from __future__ import annotations

import io
import json
import logging
import sys

try:
    import pyx12.params
    import pyx12.x12n_document
except ImportError:
    print("pyx12 is not installed: pip install pyx12==4.0.0", file=sys.stderr)
    sys.exit(2)


def acknowledgement_errors(ack: str) -> list[str]:
    """The segments of a 999/997 that report an error or a rejection."""
    if not ack.startswith("ISA") or len(ack) < 106:
        return ["no acknowledgement was written"]
    element, terminator = ack[3], ack[105]
    errors = []
    for segment in ack.split(terminator):
        fields = segment.strip().split(element)
        sid = fields[0]
        if sid in ("IK3", "IK4", "AK3", "AK4", "CTX"):
            errors.append(segment.strip())
        elif sid in ("IK5", "AK5", "AK9") and fields[1:2] != ["A"]:
            errors.append(segment.strip())
    return errors


def messages(errors_json: str) -> list[str]:
    """pyx12's own wording of the errors, each with where it is: the
    segment's number in the file and the element's position."""
    found: list[str] = []

    def walk(node: object, where: str) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item, where)
            return
        if not isinstance(node, dict):
            return
        if "trn_set_control_num" in node:
            where = f"transaction {node['trn_set_id']} {node['trn_set_control_num']}"
        elif "seg_id" in node:
            where = f"segment {node['cur_line']} ({node['seg_id']})"
        elif "ele_pos" in node:
            sub = f"-{node['subele_pos']}" if node.get("subele_pos") else ""
            where = f"{where} element {node['ele_pos']}{sub}"
        for error in node.get("errors", []):
            value = f" (value {error['err_val']!r})" if error.get("err_val") else ""
            found.append(f"{where}: {error['err_str']}{value}")
        for key in ("interchanges", "groups", "transactions", "segments", "elements"):
            walk(node.get(key, []), where)

    walk(json.loads(errors_json or "{}"), "envelope")
    return found


def validate(path: str) -> list[str]:
    """The file's errors; empty when it is valid."""
    param = pyx12.params.params()
    ack, errors_json = io.StringIO(), io.StringIO()
    valid = pyx12.x12n_document.x12n_document(
        param=param, src_file=path, fd_997=ack, fd_html=None, fd_json=errors_json
    )
    problems = acknowledgement_errors(ack.getvalue())
    if valid and not problems:
        return []
    return messages(errors_json.getvalue()) + [f"acknowledgement: {p}" for p in problems] or [
        "pyx12 reports the file invalid"
    ]


def main(paths: list[str]) -> int:
    if not paths:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    logging.getLogger("pyx12").setLevel(logging.CRITICAL)
    failed = 0
    for path in paths:
        try:
            errors = validate(path)
        except Exception as e:  # pyx12 raises on files it cannot read at all
            errors = [f"pyx12 could not read the file: {type(e).__name__}: {e}"]
        if errors:
            failed += 1
            print(f"{path}: INVALID")
            for error in errors:
                print(f"  {error}")
        else:
            print(f"{path}: OK")
    print(f"{len(paths) - failed} valid, {failed} invalid")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
