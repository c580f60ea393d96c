#!/usr/bin/env python3
"""The idle stack: how much of the machine the engines and services use with no load.

Usage: idle.py DURATION(e.g. 30s) OUT.json   (reads the stack's pid files under BOXOFFICE_STATE)

Measures each stack process's CPU (its whole session, as tools/sample.py counts it) over the
window, and the share of the whole machine (all cores) the stack used.
"""

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
STATE = Path(os.environ.get("BOXOFFICE_STATE") or Path(__file__).resolve().parents[2] / ".stack")


def session_ticks():
    totals = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry.name}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        totals[int(fields[3])] = totals.get(int(fields[3]), 0) + int(fields[11]) + int(fields[12])
    return totals


def stack_pids():
    pids = {}
    for pid_file in sorted((STATE / "run").glob("*.pid"), key=lambda p: len(p.stem)):
        try:
            pid = int(pid_file.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            continue
        if pid not in pids.values():
            pids[pid_file.stem] = pid
    return pids


def main():
    seconds = float(sys.argv[1].rstrip("s"))
    out = Path(sys.argv[2])
    pids = stack_pids()
    if not pids:
        sys.exit(f"idle: no stack processes recorded in {STATE}/run; is the stack up?")
    before, started = session_ticks(), time.monotonic()
    time.sleep(seconds)  # the measurement window itself
    after, elapsed = session_ticks(), time.monotonic() - started
    per_core = {name: 100.0 * (after.get(pid, 0) - before.get(pid, 0)) / 100.0 / elapsed for name, pid in pids.items()}
    cores = os.cpu_count() or 1
    result = {"seconds": elapsed, "cores": cores, "per_process_pct_of_core": per_core,
              "stack_pct_of_machine": sum(per_core.values()) / cores}
    out.write_text(json.dumps(result, indent=2))


main()
