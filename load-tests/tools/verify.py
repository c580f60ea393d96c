#!/usr/bin/env python3
"""After a scenario: checks what it left in Redis, PostgreSQL and the public API against what
k6 counted, then cleans up (releases race holds, cancels the run's events).

Usage: verify.py SCENARIO RESULTS_DIR   (reads RESULTS_DIR/SCENARIO.k6.json, writes verify.json)

Standard library only; PostgreSQL through psql (DATABASE_URL), Redis through redis-cli
(REDIS_PORT, HOLD_KEY_PREFIX), as the local stack sets them.
"""

import base64
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

BASE = os.environ.get("BASE", "http://127.0.0.1:8080").rstrip("/")
ISSUER = os.environ.get("OIDC_ISSUER", "http://127.0.0.1:9400").rstrip("/")
DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://boxoffice:boxoffice@127.0.0.1:15432/boxoffice")
REDIS_PORT = os.environ.get("REDIS_PORT", "16379")
PREFIX = os.environ.get("HOLD_KEY_PREFIX", "boxoffice:")


class Checks:
    def __init__(self):
        self.items = []

    def expect(self, name, ok, detail):
        self.items.append({"check": name, "ok": bool(ok), "detail": detail})
        return ok

    @property
    def ok(self):
        return all(item["ok"] for item in self.items)


def http(method, path, body=None, token=None, headers=None):
    request = urllib.request.Request(
        f"{BASE}{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {}), **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")[:300]


def service_token():
    credentials = base64.b64encode(b"boxoffice-services:boxoffice-services-secret").decode()
    request = urllib.request.Request(
        f"{ISSUER}/token",
        data=urllib.parse.urlencode({"grant_type": "client_credentials"}).encode(),
        headers={"Authorization": f"Basic {credentials}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["access_token"]


def sql(query):
    """Rows of a query as lists of strings (psql's unaligned output)."""
    result = subprocess.run(
        ["psql", DATABASE_URL, "-X", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", query],
        capture_output=True, text=True, timeout=120,
    )
    if result.returncode != 0:
        sys.exit(f"verify: psql failed: {result.stderr.strip()}")
    return [line.split("\t") for line in result.stdout.splitlines() if line]


def redis(*args):
    result = subprocess.run(["redis-cli", "-p", REDIS_PORT, *args], capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        sys.exit(f"verify: redis-cli failed: {result.stderr.strip()}")
    return result.stdout.splitlines()


def metric(summary, name, field="count"):
    return summary["metrics"].get(name, {}).get("values", {}).get(field, 0)


def live_holds(session_id):
    """seat id → hold token, from the session's seat keys, and token → hold record."""
    # Keys carry the session id as a Redis Cluster hash tag: `seat:{<session>}:<seat>`.
    keys = [key for key in redis("--scan", "--pattern", f"{PREFIX}seat:{{{session_id}}}:*") if key]
    seats = {}
    for key in keys:
        token = redis("GET", key)
        seats[key.split("}:", 1)[1]] = token[0] if token else ""
    records = {}
    for token in set(seats.values()):
        raw = redis("GET", f"{PREFIX}hold:{{{session_id}}}:{token}")
        records[token] = json.loads(raw[0]) if raw and raw[0] else None
    return seats, records


def seat_map(session_id):
    status, body = http("GET", f"/api/catalog/sessions/{session_id}/seat-map")
    return body if status == 200 else None


def sold_in_database(session_id):
    items = [row[0] for row in sql(f"select seat_id from order_item where session_id = '{session_id}' and live and seat_id is not null")]
    tickets = [row[0] for row in sql(f"select seat_id from ticket where session_id = '{session_id}' and status = 'valid' and seat_id is not null")]
    return items, tickets


def verify_race(summary, checks):
    data = summary["setup_data"]
    session, seats, buyers = data["session_id"], data["seats"], data["buyers"]
    attempts = buyers * len(seats)
    won, refused, other = metric(summary, "race_won"), metric(summary, "race_refused"), metric(summary, "race_unexpected")
    checks.expect("k6: exactly 16 holds succeeded", won == len(seats), f"{won} of {attempts} attempts answered 201")
    checks.expect("k6: every other attempt was a 409", refused == attempts - len(seats) and other == 0,
                  f"{refused} answered 409, {other} something else, {attempts - len(seats)} expected 409")
    held, records = live_holds(session)
    checks.expect("Redis: exactly the 16 seats are held", sorted(held) == sorted(seats), f"{len(held)} seat keys for the session")
    owners = {}
    for seat, token in held.items():
        record = records.get(token)
        if record and seat in record.get("seat_ids", []):
            owners.setdefault(seat, set()).add(token)
    twice = [seat for seat in seats if len(owners.get(seat, ())) != 1]
    held_by = {token for token in held.values()}
    checks.expect("Redis: each seat held by one hold, whose record names it", not twice and len(held_by) == len(seats),
                  f"{len(held_by)} distinct hold tokens; seats without exactly one owning record: {twice[:5]}")
    items, tickets = sold_in_database(session)
    checks.expect("PostgreSQL: nothing sold (the race only holds), so held + sold = 16 and none twice",
                  not items and not tickets and len(set(held) | set(items) | set(tickets)) == len(seats),
                  f"{len(items)} live order items, {len(tickets)} valid tickets")
    # The seat map of a session this new may not be projected yet (CDC is asynchronous): wait
    # for it, with a deadline; the live holds are merged in as soon as it is served.
    deadline = time.monotonic() + 60
    while True:
        view = seat_map(session)
        taken = sorted(seat for seat, status in (view or {}).get("seats", {}).items() if status != "available")
        if taken == sorted(seats) or time.monotonic() > deadline:
            break
        time.sleep(0.2)  # poll interval of a wait with a deadline
    checks.expect("API: the public seat map shows exactly the 16 seats taken", taken == sorted(seats),
                  f"seat map totals {view and view.get('totals')}")
    # Cleanup: release every hold as its buyer would (a guest's hold belongs to its token).
    released = sum(1 for token in held_by if http("DELETE", f"/api/sales/holds/{token}")[0] == 204)
    checks.expect("cleanup: every winning hold released through the API", released == len(held_by),
                  f"{released} of {len(held_by)} released")


def verify_purchase(summary, checks):
    data = summary["setup_data"]
    session = data["session_id"]
    confirmed = metric(summary, "purchase_confirmed")
    incomplete = metric(summary, "purchase_failed")
    broken = metric(summary, "idempotency_broken")
    checks.expect("k6: a repeated order request with the same Idempotency-Key returned the same order", broken == 0,
                  f"{broken} repeats answered differently")
    rows = sql(f"""
        select o.order_id, o.status,
               (select count(*) from order_item i where i.order_id = o.order_id and i.live) as items,
               (select count(*) from ticket t where t.order_id = o.order_id and t.status = 'valid') as tickets
        from purchase_order o where o.session_id = '{session}'""")
    paid = [row for row in rows if row[1] in ("paid", "ticketed")]
    checks.expect("k6: every purchase completed (hold → order → pay → tickets)", incomplete == 0 and confirmed > 0,
                  f"{confirmed} confirmed, {incomplete} failed at some step")
    checks.expect("PostgreSQL: paid orders = purchases k6 confirmed", len(paid) == confirmed,
                  f"{len(paid)} paid or ticketed orders, {len(rows)} orders in all")
    without = [row[0] for row in paid if int(row[3]) == 0]
    checks.expect("PostgreSQL: no paid order without tickets", not without, f"{len(without)} paid orders have no ticket")
    mismatched = [row[0] for row in paid if int(row[2]) != int(row[3])]
    checks.expect("PostgreSQL: each paid order has one ticket per seat paid", not mismatched,
                  f"{len(mismatched)} paid orders whose tickets differ from their seats")
    tickets = sql(f"select seat_id, count(*) from ticket where session_id = '{session}' and status = 'valid' group by seat_id")
    twice = [row[0] for row in tickets if int(row[1]) > 1]
    paid_seats = sql(f"""select count(*) from order_item i join purchase_order o using (order_id)
                        where o.session_id = '{session}' and o.status in ('paid', 'ticketed') and i.live""")[0][0]
    checks.expect("PostgreSQL: tickets = seats paid, no seat twice", not twice and len(tickets) == int(paid_seats),
                  f"{len(tickets)} ticketed seats, {paid_seats} seats paid, {len(twice)} seats ticketed twice")
    # The read side: sold seats reach the public seat map (announced at once, projected via CDC).
    deadline = time.monotonic() + 60
    while True:
        view = seat_map(session) or {}
        sold = sum(1 for status in view.get("seats", {}).values() if status == "sold")
        if sold == len(tickets) or time.monotonic() > deadline:
            break
        time.sleep(0.2)  # poll interval of a wait with a deadline
    checks.expect("API: the public seat map shows every ticketed seat sold", sold == len(tickets),
                  f"{sold} sold on the seat map, {len(tickets)} tickets")


def verify_load(summary, checks, scenario):
    """Scenarios judged by speed: the only correctness is that no seat was sold or held twice."""
    data = summary.get("setup_data") or {}
    for event in events_of(data):
        for session in event.get("sessions", []):
            dupes = sql(f"""select count(*) from (select seat_id from ticket where session_id = '{session['session_id']}'
                           and status = 'valid' and seat_id is not null group by seat_id having count(*) > 1) d""")[0][0]
            checks.expect(f"PostgreSQL: no seat ticketed twice in session {session['session_id'][:8]}", dupes == "0", f"{dupes} seats twice")
    # Scenarios that count answers outside the API's contract do so in `unexpected` (k6 leaves
    # a counter that never counted out of its summary).
    unexpected = metric(summary, "unexpected")
    if scenario in ("soak", "spike", "live"):
        checks.expect("k6: no answer outside the API's contract", unexpected == 0, f"{unexpected} unexpected answers")


def events_of(data):
    found = []
    for value in data.values() if isinstance(data, dict) else []:
        if isinstance(value, dict) and "event_id" in value:
            found.append(value)
    return found


def main():
    scenario, out = sys.argv[1], Path(sys.argv[2])
    summary = json.loads((out / f"{scenario}.k6.json").read_text())
    checks = Checks()
    if scenario == "race":
        verify_race(summary, checks)
    elif scenario == "purchase":
        verify_purchase(summary, checks)
    else:
        verify_load(summary, checks, scenario)
    token = service_token()
    for event in events_of(summary.get("setup_data") or {}):
        status, _ = http("POST", f"/api/manage/events/{event['event_id']}/cancel", {}, token)
        checks.expect(f"cleanup: event '{event['name']}' cancelled", status == 200, f"answered {status}")
    # Holds left behind expire with their TTL; until then they would slow every other session's
    # seat map (its snapshot scans the keyspace), so the run's own seat keys go now.
    for event in events_of(summary.get("setup_data") or {}):
        for session in event.get("sessions", []):
            subprocess.run(f"redis-cli -p {REDIS_PORT} --scan --pattern '{PREFIX}seat:{{{session['session_id']}}}:*' "
                           f"| xargs -r -n 500 redis-cli -p {REDIS_PORT} UNLINK >/dev/null", shell=True, check=False, timeout=300)
    (out / "verify.json").write_text(json.dumps({"ok": checks.ok, "checks": checks.items}, indent=2))


main()
