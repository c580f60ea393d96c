#!/usr/bin/env python3
"""Markdown lines of the latest run of each scenario, for load-tests/README.md.

Usage: figures.py [RESULTS_DIR]   (default: load-tests/results)
Reads each <scenario>-*/summary.json (the newest per scenario that has one) and prints its
targets (measured, wanted, verdict) and correctness verdict.
"""

import json
import sys
from pathlib import Path

results = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "results"
latest = {}
for summary in sorted(results.glob("*/summary.json"), key=lambda path: path.stat().st_mtime):
    data = json.loads(summary.read_text())
    if not data.get("smoke"):
        latest[data["scenario"]] = (summary.parent.name, data)

for scenario, (run, data) in latest.items():
    print(f"\n### {scenario} ({run})\n")
    print("| target | measured | wanted | |")
    print("|---|---|---|---|")
    for row in data["targets"]:
        verdict = "–" if row["ok"] is None else ("pass" if row["ok"] else "missed")
        print(f"| {row['target']} | {row['measured']} | {row['wanted']} | {verdict} |")
    print(f"\ncorrectness: {'pass' if data['correctness_ok'] else 'FAIL'}")
