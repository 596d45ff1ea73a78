#!/usr/bin/env bash
# The one command behind BENCHMARKS.md:
#   benches/run.sh                          # 1M and 10M lines, Parquet and CSV, 0.5% bad rows, 3 alternating runs
#   benches/run.sh --sizes 1000000 --runs 5 # any option of benches/bench.py
# Builds claims-audit (release), installs the peers' Python packages if missing, records the
# machine, then runs benches/bench.py (generation, agreement check, alternating timed runs).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
python3 -c "import duckdb, polars" 2>/dev/null || python3 -m pip install --quiet -r benches/requirements.txt
echo "# machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB memory, $(lscpu | sed -n 's/^Model name: *//p')"
echo "# duckdb $(python3 -c 'import duckdb; print(duckdb.__version__)'), polars $(python3 -c 'import polars; print(polars.__version__)'), $("${CARGO_TARGET_DIR:-target}/release/claims-audit" --version)"
echo "# start: $(date -u +%FT%TZ), $(uptime | sed 's/.*load/load/')"
python3 benches/bench.py "$@"
echo "# end: $(date -u +%FT%TZ), $(uptime | sed 's/.*load/load/')"
