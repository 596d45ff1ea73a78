#!/usr/bin/env python3
"""Runs several claims_audit_spark jobs on one local[2] SparkSession (Spark
starts once): reads a JSON list of argument lists from argv[1], writes a JSON
list of {"code", "error"} to argv[2]. Exit 3 when pyspark cannot be imported."""

import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "spark"))

try:
    import pyspark  # noqa: F401
    import pyarrow  # noqa: F401
except ImportError as e:
    print(f"pyspark is not installed for python3 ({e})", file=sys.stderr)
    sys.exit(3)

import claims_audit_spark  # noqa: E402

jobs = json.load(open(sys.argv[1]))
spark = claims_audit_spark.session("local[2]")
results = []
for argv in jobs:
    code, error = claims_audit_spark.audit(argv, spark)
    results.append({"code": code, "error": error})
spark.stop()
json.dump(results, open(sys.argv[2], "w"))
