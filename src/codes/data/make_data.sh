#!/bin/sh
# Rebuilds the embedded ICD-10-CM tables in this folder from the shared
# reference TSVs (see README.md). Deterministic: `gzip -n` stores no name or
# timestamp, so rerunning on the same input gives byte-identical files.
#
# usage: sh make_data.sh [REFERENCE_DIR]   (default /work/shared/reference)
set -eu
REF=${1:-/work/shared/reference}
OUT=$(cd "$(dirname "$0")" && pwd)

# FY2026 code table: all five columns are used (code, billable, description,
# chapter, block); kept as is.
gzip -9 -n -c "$REF/icd10cm_codes.tsv" > "$OUT/icd10cm_codes.tsv.gz"

# Excludes1 table: kept as is (code, excluded, note).
gzip -9 -n -c "$REF/icd10cm_excludes1.tsv" > "$OUT/icd10cm_excludes1.tsv.gz"

# Billable spans: only code, valid_from, valid_to (first_fy/last_fy follow
# from the dates and are dropped).
cut -f1,4,5 "$REF/years/icd10cm_billable_by_year.tsv" | gzip -9 -n -c > "$OUT/icd10cm_billable_by_year.tsv.gz"

ls -l "$OUT"/*.tsv.gz
sha256sum "$OUT"/*.tsv.gz
