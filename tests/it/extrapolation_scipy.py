#!/usr/bin/env python3
"""Recomputes `claims-audit extrapolate` from its inputs with scipy and
compares with the extrapolation.json it wrote.

    python3 tests/it/extrapolation_scipy.py SAMPLE_DIR [SAMPLE_DIR ...]

Each SAMPLE_DIR holds sample.json (strata and frame sizes), the reviewed
sample.csv and extrapolation.json. The estimate is computed here from
CONTRACT.md's formulas only: overpayment = amount_paid - audited_amount;
per stratum mean, sample standard deviation (ddof 1), N_h x mean_h,
sqrt(N_h^2 (1 - n_h/N_h) s_h^2 / n_h), n_h - 1 degrees of freedom; the
whole sums them (standard error in quadrature), t from
scipy.stats.t.ppf(1 - (1 - confidence/100)/2, df), limits point -/+ t se,
precision = t se / point. Numbers must agree within 1e-9 (relative).
Exit 0 when all agree, 1 (differences on stderr) when not, 3 when scipy is
not installed.
"""
import csv
import json
import math
import sys
from pathlib import Path

try:
    import numpy as np
    from scipy import stats
except ImportError:
    sys.exit(3)


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def estimate(frame_size, x, confidence):
    n = len(x)
    mean = float(np.mean(x)) if n else 0.0
    sd = float(np.std(x, ddof=1)) if n > 1 else 0.0
    point = frame_size * mean
    se = math.sqrt(frame_size**2 * (1 - n / frame_size) * sd**2 / n) if n else 0.0
    return dict(frame_size=frame_size, sample_size=n, mean=mean, std_dev=sd,
                point_estimate=point, standard_error=se, degrees_of_freedom=max(n - 1, 0))


def interval(e, confidence):
    df = e["degrees_of_freedom"]
    t = float(stats.t.ppf(1 - (1 - confidence / 100) / 2, df)) if df > 0 else None
    se, point = e["standard_error"], e["point_estimate"]
    half = 0.0 if se == 0 else (t * se if t is not None else None)
    e["t_value"] = t
    e["lower_limit"] = None if half is None else point - half
    e["upper_limit"] = None if half is None else point + half
    e["precision"] = None if half is None or point == 0 else half / point
    return e


def check(d: Path):
    design = json.loads((d / "sample.json").read_text())
    got = json.loads((d / "extrapolation.json").read_text())
    conf = got["confidence"]
    rows = list(csv.DictReader((d / "sample.csv").open(newline="", encoding="utf-8-sig")))
    errors = []
    per = []
    for s in design["strata"]:
        x = [float(r["amount_paid"]) - float(r["audited_amount"])
             for r in rows if r["stratum"] == s["name"]]
        per.append(interval(estimate(s["frame_size"], x, conf), conf))
    frame_size = sum(e["frame_size"] for e in per)
    point = sum(e["point_estimate"] for e in per)
    allx = [float(r["amount_paid"]) - float(r["audited_amount"]) for r in rows]
    whole = interval(dict(
        frame_size=frame_size,
        sample_size=len(allx),
        mean=point / frame_size,
        std_dev=float(np.std(allx, ddof=1)),
        point_estimate=point,
        standard_error=math.sqrt(sum(e["standard_error"] ** 2 for e in per)),
        degrees_of_freedom=sum(e["degrees_of_freedom"] for e in per),
    ), conf)
    expected_method = "stratified" if len(design["strata"]) > 1 or design["strata"][0]["name"] else "unrestricted"
    if got["method"] != expected_method:
        errors.append(f"method {got['method']} != {expected_method}")
    for where, want, have in [("whole", whole, got)] + [
        (f"stratum {s['name']}", e, g) for s, e, g in zip(design["strata"], per, got["strata"])
    ]:
        for k, v in want.items():
            if not close(v, have.get(k)):
                errors.append(f"{d.name} {where} {k}: scipy {v!r}, claims-audit {have.get(k)!r}")
    return errors


def main():
    errors = []
    for arg in sys.argv[1:]:
        errors += check(Path(arg))
    for e in errors:
        print(e, file=sys.stderr)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
