#!/usr/bin/env python3
"""Benchmark: claims-audit against DuckDB and Polars (Python) running the same checks.

    benches/run.sh                       # the one command (builds, then runs this)
    python3 benches/bench.py --sizes 1000000 10000000 --formats parquet csv --runs 3 [--bad-rate 0.005]

For each size (claim lines; notes in proportion) and format, on the same generated files:
1. agreement: claims-audit's findings and each peer's (check_id, claim_id) pairs must be equal
   (the benchmark stops otherwise: a race between programs that disagree is not fair);
2. timing: `runs` rounds; in each round every tool runs once, in rotating order (alternating, so
   a noisy neighbour hurts all tools alike). Wall time, peak RSS (the child's ru_maxrss from
   wait4, the number `/usr/bin/time -v` prints as "Maximum resident set size") and peak RssAnon
   (sampled every 20 ms from /proc: the process's own memory, without the page cache of
   memory-mapped input files) are recorded, with the load average before each run.

Tools: `floor` = `claims-audit validate` (read + parse + validate only), `floor-clean` = the
same on the same files less the rows claims-audit rejects (bad rows must cost what they are),
`floor-rewritten` = the same on all rows written by the writer of floor-clean's files,
`claims-audit` = `run` (the full audit with its report; the eight built-in checks, as the peers,
without the custom SQL checks of queries/checks), `duckdb` = peers/duckdb_checks.py, `polars` =
peers/polars_native.py (native Polars expressions: the honest peer), `polars-rowregex` =
peers/polars_rowregex.py (Python regular expressions per note: slow, not in the default set).
The data is `claims-audit generate --seed 1 --bad-rate R` (default 0.005).
Results go to --results (JSON lines) and a Markdown table to stdout.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# A frozen copy of the binary can be benchmarked while the tree is rebuilt: CLAIMS_AUDIT_BIN.
BIN = Path(os.environ.get("CLAIMS_AUDIT_BIN", Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
                         / "release" / "claims-audit"))
PY = sys.executable


SHARDS = 1  # claims-audit run --shards (set by --shards)
PEERS = {"duckdb": "duckdb_checks.py", "polars": "polars_native.py", "polars-rowregex": "polars_rowregex.py"}


def commands(tool: str, claims: Path, notes: Path, out: Path) -> list[str]:
    if tool.startswith("floor"):
        return [str(BIN), "validate", "--claims", str(claims), "--notes", str(notes)]
    # The eight built-in checks only, as the peers run (no custom SQL checks from queries/checks).
    same_checks = ["--checks-dir", str(ROOT / "benches" / "no_custom_checks")]
    if SHARDS > 1:
        same_checks += ["--shards", str(SHARDS)]
    if tool == "claims-audit":
        return [str(BIN), "run", "--claims", str(claims), "--notes", str(notes), "--out", str(out), "-q",
                *same_checks]
    if tool == "before":
        # an earlier build (CLAIMS_AUDIT_BEFORE_BIN), for before/after numbers
        return [os.environ["CLAIMS_AUDIT_BEFORE_BIN"], "run", "--claims", str(claims), "--notes", str(notes),
                "--out", str(out), "-q", *same_checks]
    if tool in PEERS:
        return [PY, str(ROOT / "benches/peers" / PEERS[tool]), "--claims", str(claims), "--notes", str(notes),
                "--out", str(out)]
    raise ValueError(tool)


def findings_file(tool: str, out: Path) -> Path:
    return out / "findings.csv" if tool in ("claims-audit", "before") else out


def measure(cmd: list[str]) -> dict:
    """Runs cmd; wall seconds, peak RSS (ru_maxrss) and peak RssAnon, in MiB."""
    load = os.getloadavg()[0]
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak_anon = 0
    status = f"/proc/{proc.pid}/status"
    while True:
        pid, st, ru = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        try:
            with open(status) as f:
                for line in f:
                    if line.startswith("RssAnon:"):
                        peak_anon = max(peak_anon, int(line.split()[1]))
        except OSError:
            pass
        time.sleep(0.02)
    wall = time.monotonic() - start
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    code = os.waitstatus_to_exitcode(st)
    if code != 0:
        raise SystemExit(f"failed ({code}): {' '.join(cmd)}\n{err[-2000:]}")
    return {"wall": wall, "maxrss_mib": ru.ru_maxrss / 1024, "anon_mib": peak_anon / 1024, "load": load}


def generate(size: int, fmt: str, data: Path, bad_rate: float) -> tuple[Path, Path]:
    d = data / f"{size}" / f"{fmt}-bad{bad_rate:g}"
    claims, notes = d / f"claims.{fmt}", d / f"notes.{fmt}"
    if not (claims.exists() and notes.exists()):
        print(f"# generating {size} lines ({fmt}, bad rate {bad_rate:g}) in {d}", file=sys.stderr)
        subprocess.run([str(BIN), "generate", "--lines", str(size), "--seed", "1", "--format", fmt,
                        "--bad-rate", f"{bad_rate:g}", "--out", str(d)], check=True)
    return claims, notes


def without_bad_rows(claims: Path, notes: Path, fmt: str, keep_bad: bool = False) -> tuple[Path, Path]:
    """The same files, same types, less the rows claims-audit rejects, written by Python Polars.
    keep_bad: all rows, written by the same writer (`floor-rewritten`): generate's batched writer
    lays out row groups otherwise, which alone changed read times by up to 2x, so only this
    pair (floor-rewritten / floor-clean) isolates what the bad rows cost."""
    import polars as pl
    d = claims.parent.parent / f"{claims.parent.name}-{'rewritten' if keep_bad else 'rows-kept'}"
    out = d / claims.name, d / notes.name
    if all(p.exists() for p in out):
        return out
    d.mkdir(parents=True, exist_ok=True)
    rejects = d / "rejects.csv"
    subprocess.run([str(BIN), "validate", "--claims", str(claims), "--notes", str(notes), "--rejects", str(rejects)],
                   check=True, stdout=subprocess.DEVNULL)
    bad = pl.read_csv(rejects, schema_overrides={"file": pl.String, "row": pl.Int64})
    for src, dst in zip((claims, notes), out):
        rows = bad.filter(pl.col("file") == str(src))["row"]
        if fmt == "parquet":
            df = pl.read_parquet(src)
        else:
            df = pl.read_csv(src, infer_schema=False)
        kept = df if keep_bad else \
            df.with_row_index("__row", offset=1).filter(~pl.col("__row").is_in(rows.implode())).drop("__row")
        if fmt == "parquet":
            kept.write_parquet(dst, compression="zstd", row_group_size=256 * 1024)
        else:
            kept.write_csv(dst)
    return out


def agree(tools: list[str], claims: Path, notes: Path, tmp: Path) -> str:
    files = []
    for tool in tools:
        if tool.startswith("floor"):
            continue
        out = tmp / f"agree-{tool}" if tool in ("claims-audit", "before") else tmp / f"agree-{tool}.csv"
        subprocess.run(commands(tool, claims, notes, out), check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        files.append(str(findings_file(tool, out)))
    if "claims-audit" in tools and ("duckdb" in tools or "polars" in tools):
        # The DuckDB and native Polars peers use a copy of the default text patterns: they must be claims-audit's.
        sys.path.insert(0, str(ROOT / "benches/peers"))
        import text_rules
        ev = json.loads((tmp / "agree-claims-audit" / "summary.json").read_text())["config"]["evidence"]
        stale = [k for k in ev if hasattr(text_rules, k.upper()) and ev[k] != getattr(text_rules, k.upper())]
        if stale:
            raise SystemExit(f"benches/peers/text_rules.py has stale text patterns: {stale}")
    res = subprocess.run([PY, str(ROOT / "benches/compare.py"), *files], capture_output=True, text=True)
    print(res.stdout.strip(), file=sys.stderr)
    if res.returncode != 0:
        raise SystemExit("the tools disagree: fix the wrong side before timing (see above)")
    return res.stdout.strip()


def mib(x: float) -> str:
    return f"{x / 1024:.2f} GiB" if x >= 1024 else f"{x:.0f} MiB"


def table(results: list[dict]) -> str:
    out = []
    keys = sorted({(r["size"], r["format"]) for r in results}, key=lambda k: (k[0], k[1] != "parquet"))
    out.append("| lines | format | tool | median wall (s) | runs (s) | peak RSS | peak RssAnon | "
               "claims-audit / tool (time) | claims-audit / tool (RSS) |")
    out.append("|---:|---|---|---:|---|---:|---:|---:|---:|")
    for size, fmt in keys:
        rows = [r for r in results if r["size"] == size and r["format"] == fmt]
        tools = [t for t in ["floor-clean", "floor-rewritten", "floor", "before", "claims-audit", "polars", "duckdb", "polars-rowregex"]
                 if any(r["tool"] == t for r in rows)]
        med = {}
        for t in tools:
            rs = [r for r in rows if r["tool"] == t]
            med[t] = (statistics.median(r["wall"] for r in rs), max(r["maxrss_mib"] for r in rs),
                      max(r["anon_mib"] for r in rs), sorted(round(r["wall"], 1) for r in rs))
        for t in tools:
            w, rss, anon, runs = med[t]
            if t in ("duckdb", "polars", "polars-rowregex", "before") and "claims-audit" in med:
                rt = f"{med['claims-audit'][0] / w:.2f}"
                rm = f"{med['claims-audit'][1] / rss:.2f}"
            elif t == "floor" and "claims-audit" in med:
                rt = f"audit / floor = {med['claims-audit'][0] / w:.2f}"
                rm = ""
            elif t == "floor-clean" and "floor-rewritten" in med:
                rt = f"floor-rewritten / floor-clean = {med['floor-rewritten'][0] / w:.2f}"
                rm = ""
            elif t == "floor-clean" and "floor" in med:
                rt = f"floor / floor-clean = {med['floor'][0] / w:.2f}"
                rm = ""
            else:
                rt = rm = ""
            label = {"floor": "floor (`validate`)", "floor-clean": "floor, no bad rows",
                     "floor-rewritten": "floor, all rows, same writer as no bad rows",
                     "before": "claims-audit before (main)", "polars": "polars (native)",
                     "polars-rowregex": "polars (per-row Python regex)"}.get(t, t)
            out.append(f"| {size:,} | {fmt} | {label} | {w:.1f} | {', '.join(map(str, runs))} | {mib(rss)} | "
                       f"{mib(anon)} | {rt} | {rm} |")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    ap.add_argument("--formats", nargs="+", default=["parquet", "csv"])
    ap.add_argument("--tools", nargs="+", default=["floor-clean", "floor", "claims-audit", "polars", "duckdb"],
                    choices=["floor", "floor-clean", "floor-rewritten", "claims-audit", "before", *PEERS])
    ap.add_argument("--bad-rate", type=float, default=0.005, help="share of bad rows in the generated data")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("BENCH_DATA", "/tmp/claims-audit-bench")))
    ap.add_argument("--results", type=Path, default=Path("/tmp/claims-audit-bench/results.jsonl"))
    ap.add_argument("--no-agree", action="store_true", help="skip the agreement check")
    ap.add_argument("--shards", type=int, default=1, help="claims-audit run --shards N (for 100M lines)")
    ap.add_argument("--keep-data", action="store_true", help="keep generated files (default: delete after each size)")
    a = ap.parse_args()
    global SHARDS
    SHARDS = a.shards
    a.results.parent.mkdir(parents=True, exist_ok=True)
    results = []
    tmp = a.data / "out"
    tmp.mkdir(parents=True, exist_ok=True)
    for size in a.sizes:
        for fmt in a.formats:
            claims, notes = generate(size, fmt, a.data, a.bad_rate)
            clean = without_bad_rows(claims, notes, fmt) if "floor-clean" in a.tools else None
            rewritten = without_bad_rows(claims, notes, fmt, keep_bad=True) if "floor-rewritten" in a.tools else None
            if not a.no_agree:
                agree(a.tools, claims, notes, tmp)
            for run in range(a.runs):
                order = a.tools[run % len(a.tools):] + a.tools[:run % len(a.tools)]
                for tool in order:
                    out = tmp / f"{tool}" if tool in ("claims-audit", "before") else tmp / f"{tool}.csv"
                    files = {"floor-clean": clean, "floor-rewritten": rewritten}.get(tool) or (claims, notes)
                    r = measure(commands(tool, *files, out))
                    r.update(size=size, format=fmt, tool=tool, run=run, bad_rate=a.bad_rate)
                    if tool == "claims-audit" and SHARDS > 1:
                        r.update(shards=SHARDS)
                    results.append(r)
                    with open(a.results, "a") as f:
                        f.write(json.dumps(r) + "\n")
                    print(f"# {size} {fmt} run {run} {tool}: {r['wall']:.1f} s, maxrss {mib(r['maxrss_mib'])}, "
                          f"anon {mib(r['anon_mib'])}, load {r['load']:.1f}", file=sys.stderr)
        if not a.keep_data:
            shutil.rmtree(a.data / f"{size}", ignore_errors=True)
    print(table(results))


if __name__ == "__main__":
    main()
