#!/usr/bin/env python3
"""Compares findings (check_id, claim_id pairs) of claims-audit and the peers.

    python3 benches/compare.py A.csv B.csv [C.csv ...]

Each file needs check_id and claim_id columns (claims-audit's findings.csv or a peer's output).
Exit 0 when all files hold the same pairs; otherwise prints the differences per check.
"""
import csv
import sys
from collections import Counter


def pairs(path):
    with open(path, newline="", encoding="utf-8") as f:
        return {(r["check_id"], r["claim_id"]) for r in csv.DictReader(f)}


def main():
    files = sys.argv[1:]
    sets = [pairs(f) for f in files]
    ok = True
    for f, s in zip(files[1:], sets[1:]):
        a, b = sets[0] - s, s - sets[0]
        if a or b:
            ok = False
            print(f"DIFFER {files[0]} vs {f}: {len(a)} only in the first, {len(b)} only in the second")
            for name, d in (("only first", a), ("only second", b)):
                for check, n in sorted(Counter(c for c, _ in d).items()):
                    print(f"  {name}: {check}: {n}  e.g. {sorted(x for c, x in d if c == check)[:3]}")
    if ok:
        counts = Counter(c for c, _ in sets[0])
        print(f"AGREE: {len(sets[0])} findings in {len(files)} files: "
              + ", ".join(f"{c} {n}" for c, n in sorted(counts.items())))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
