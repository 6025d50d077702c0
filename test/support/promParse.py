"""Parses a Prometheus text exposition (stdin) with the official client's parser; prints JSON.

Used by test/support/scrapeMetrics.ts: a malformed exposition makes this exit non-zero.
"""
import json
import math
import sys

from prometheus_client.parser import text_string_to_metric_families

families = [
    {
        "name": family.name,
        "type": family.type,
        # NaN and ±Inf are valid sample values but not JSON: they travel as "nan", "inf", "-inf".
        "samples": [{"name": s.name, "labels": s.labels, "value": s.value if math.isfinite(s.value) else str(s.value)} for s in family.samples],
    }
    for family in text_string_to_metric_families(sys.stdin.read())
]
json.dump(families, sys.stdout)
