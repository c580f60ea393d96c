#!/usr/bin/env python3
"""Samples the machine and every stack process while a scenario runs.

Usage: sample.py STATE_DIR OUT.jsonl [INTERVAL_SECONDS]

Each line: the time, the machine's busy and total CPU ticks (/proc/stat), and for each process
the stack recorded in STATE_DIR/run/<name>.pid, the CPU ticks and resident memory of its whole
session (the stack starts each engine and service with setsid, so children such as PostgreSQL's
backends count towards their engine). Runs until it is terminated.
"""

import json
import os
import signal
import sys
import time
from pathlib import Path


def machine_ticks():
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    values = [int(value) for value in fields]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return sum(values) - idle, sum(values)


def sessions():
    """cpu ticks and RSS (KiB) per session id, over every process."""
    totals = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_text()
            fields = stat.rsplit(")", 1)[1].split()
            session = int(fields[3])
            ticks = int(fields[11]) + int(fields[12])
            rss_kib = int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 1024
        except (OSError, IndexError, ValueError):
            continue
        cpu, rss = totals.get(session, (0, 0))
        totals[session] = (cpu + ticks, rss + rss_kib)
    return totals


def main():
    state, out = Path(sys.argv[1]), Path(sys.argv[2])
    interval = float(sys.argv[3]) if len(sys.argv) > 3 else 1.0
    running = True

    def stop(*_):
        nonlocal running
        running = False

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    with out.open("a") as sink:
        while running:
            pids = {}
            for pid_file in (state / "run").glob("*.pid"):
                try:
                    pids[pid_file.stem] = int(pid_file.read_text().split()[0])
                except (OSError, ValueError, IndexError):
                    continue
            by_session = sessions()
            busy, total = machine_ticks()
            procs, seen = {}, set()
            # Shortest name first: nginx's own pid file (proxy-nginx) shares the proxy's session.
            for name, pid in sorted(pids.items(), key=lambda item: len(item[0])):
                if pid in by_session and pid not in seen:
                    seen.add(pid)
                    procs[name] = {"cpu_ticks": by_session[pid][0], "rss_kib": by_session[pid][1]}
            sink.write(json.dumps({"t": time.time(), "busy": busy, "total": total, "procs": procs}) + "\n")
            sink.flush()
            deadline = time.monotonic() + interval
            while running and time.monotonic() < deadline:
                time.sleep(0.1)


main()
