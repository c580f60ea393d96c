"""The fault suite: each fault is injected into the running platform in the middle of a
purchase load made through the origin, the stack brings back what died, and then it checks
that nothing was lost (one fault instead adds latency between order-service and its engines,
on a network path of its own, and checks that the purchase steps slowed down under it):

- no seat is sold twice; no paid order is without tickets; no ticket is without a paid order;
- every purchase a buyer was told succeeded is still there, ticketed;
- the public seat map converges to the tickets in PostgreSQL, and a live seat-stream watcher
  (reconnecting with Last-Event-ID, resynchronising when told) converges to it too.

It prints a table: per fault, what was checked, the time to recover and the verdict. It kills
and restarts processes of the stack it runs on: run it on a stack nobody else is using.
"""

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from client import BASE, STATE, USERS, World, call, user_token
from latency import LatencyPath

# Unbuffered lines, so a long run shows its progress.
sys.stdout.reconfigure(line_buffering=True)

ROOT = Path(__file__).resolve().parents[2]
STACK = ROOT / "devstack" / "stack"
DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://boxoffice:boxoffice@127.0.0.1:15432/boxoffice")
REDIS_PORT = os.environ.get("REDIS_PORT", "16379")
BUYERS = int(os.environ.get("FAULT_BUYERS", "6"))
LOAD_SECONDS = float(os.environ.get("FAULT_LOAD_SECONDS", "6"))
CONVERGE_SECONDS = 120
LATENCY_ONE_WAY_MS = max(1, int(os.environ.get("FAULT_LATENCY_MS", "50")))
LATENCY_JITTER_MS = LATENCY_ONE_WAY_MS // 5
LATENCY_WINDOW_PAYMENTS = 12  # payments measured under latency before it is taken away
ROWS, COLUMNS = 40, 50


def sql(query):
    return subprocess.run(["psql", DATABASE_URL, "-X", "-At", "-v", "ON_ERROR_STOP=1", "-c", query],
                          check=True, capture_output=True, text=True).stdout.strip()


def pid_of(name):
    try:
        return int((STATE / "run" / f"{name}.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def kill_hard(name):
    pid = pid_of(name)
    if pid is None:
        raise RuntimeError(f"{name} is not running")
    try:
        os.killpg(pid, signal.SIGKILL)  # the whole group: a runner script and its JVM
    except ProcessLookupError:
        pass


def stack(*arguments):
    result = subprocess.run([str(STACK), *arguments], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"devstack/stack {' '.join(arguments)} failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")


def restart_postgres():
    subprocess.run(["bash", "-c", f"source {ROOT}/devstack/lib/common.sh; source {ROOT}/devstack/lib/engines.sh; stop_postgres"],
                   check=True, capture_output=True)


def flush_and_restart_redis():
    subprocess.run(["redis-cli", "-p", REDIS_PORT, "FLUSHALL"], check=True, capture_output=True)
    kill_hard("redis")


def restart_broker():
    # The local broker's log is in memory: Debezium goes with it and snapshots afresh.
    kill_hard("debezium")
    kill_hard("kafka")


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


class EngineLatency:
    """Latency between order-service and its engines: order-service is restarted, exactly as the
    stack started it but with PostgreSQL and Redis reached through a delayed network path (see
    latency.py), kept there while the purchase load runs, then restarted as it was. Fails unless
    the purchase steps were measurably slower under it."""

    SERVICE = "order-service"
    ENGINES = {15432: ("127.0.0.1", 15432), 16379: ("127.0.0.1", 16379)}

    def __call__(self, purchases):
        fault_started = time.monotonic()
        path = LatencyPath(self.ENGINES, LATENCY_ONE_WAY_MS, LATENCY_JITTER_MS)
        delayed = None
        try:
            path.open()
            print(f"    {path.note}")
            binary, directory, environment = self.as_running()
            bytes_before = path.bytes_through()
            delayed = self.start(binary, directory, self.through(environment, path.address),
                                 f"engines through {path.address}")
            window_started = time.monotonic()
            wait("payments under latency",
                 lambda: len(purchases.steps("pay", window_started)) >= LATENCY_WINDOW_PAYMENTS, seconds=60)
            window_ended = time.monotonic()
            return [self.applied(purchases, fault_started, window_started, window_ended,
                                 path.bytes_through() - bytes_before)]
        except (OSError, RuntimeError, subprocess.SubprocessError) as error:
            return [("latency applied", False, f"the fault could not be set up: {error}")]
        finally:
            if delayed is not None:
                # Back as it was at once (the origin is shared); if that fails, `stack up` starts it.
                stop_group(delayed.pid)
                delayed.wait()
                restarted = time.monotonic()
                try:
                    self.start(binary, directory, environment, "latency removed")
                    print(f"    {self.SERVICE} ready again without latency in {time.monotonic() - restarted:.1f}s")
                except (OSError, RuntimeError) as error:
                    (STATE / "run" / f"{self.SERVICE}.pid").unlink(missing_ok=True)
                    print(f"    {self.SERVICE} did not come back ({error}); devstack/stack up will start it")
            path.close()

    def as_running(self):
        """The stack's order-service as it runs: binary, working directory and environment."""
        pid = pid_of(self.SERVICE)
        if pid is None:
            raise RuntimeError(f"{self.SERVICE} is not running")
        binary = os.readlink(f"/proc/{pid}/exe").removesuffix(" (deleted)")
        directory = os.readlink(f"/proc/{pid}/cwd")
        environment = dict(entry.split("=", 1) for entry in
                           Path(f"/proc/{pid}/environ").read_bytes().decode().split("\0") if "=" in entry)
        return binary, directory, environment

    def through(self, environment, address):
        """The environment with the engine URLs pointing at the delayed path."""
        changed = dict(environment)
        for name in ("DATABASE_URL", "REDIS_URL"):
            if "@127.0.0.1:" not in changed[name] and "//127.0.0.1:" not in changed[name]:
                raise RuntimeError(f"{self.SERVICE}'s {name} does not point at this host: {changed[name]}")
            changed[name] = changed[name].replace("127.0.0.1:", f"{address}:", 1)
        return changed

    def start(self, binary, directory, environment, why):
        """Stops the running order-service and starts the binary as devstack's spawn does (its own
        session, the service's log and pid file); answers the process once it is ready."""
        pid = pid_of(self.SERVICE)
        if pid is not None:
            stop_group(pid)
        with open(STATE / "log" / f"{self.SERVICE}.log", "a") as log:
            log.write(f"\n--- {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} start: {binary} "
                      f"(fault suite: {why})\n")
            log.flush()
            process = subprocess.Popen([binary], env=environment, cwd=directory, stdin=subprocess.DEVNULL,
                                       stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        (STATE / "run" / f"{self.SERVICE}.pid").write_text(f"{process.pid}\n")
        port = environment["LISTEN_ADDR"].rsplit(":", 1)[1]

        def ready():
            if process.poll() is not None:
                raise RuntimeError(f"{self.SERVICE} exited with {process.returncode}; see its log")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=5) as answer:
                    return answer.status == 200 or f"/ready answered {answer.status}"
            except (OSError, urllib.error.URLError) as error:
                return str(error)
        ok, detail = wait(f"{self.SERVICE} ready ({why})", ready, seconds=60)
        if not ok:
            stop_group(process.pid)
            process.wait()
            raise RuntimeError(detail)
        return process

    @staticmethod
    def applied(purchases, fault_started, window_started, window_ended, bytes_through):
        # Every step makes at least one round trip to an engine, so its median must grow by about
        # a round trip; jitter and noise are allowed a fifth of it.
        needed_ms = 2 * LATENCY_ONE_WAY_MS * 0.8
        ok, figures = True, []
        for step in ("hold", "order", "pay"):
            before = [taken for started, ended, taken in purchases.steps(step) if ended < fault_started]
            during = [taken for started, ended, taken in purchases.steps(step, window_started)
                      if ended <= window_ended]
            enough = len(before) >= 3 and len(during) >= 3
            grew = enough and percentile(during, 0.5) - percentile(before, 0.5) >= needed_ms
            ok = ok and grew
            figures.append(f"{step} p50 {percentile(before, 0.5):.0f}→{percentile(during, 0.5):.0f} ms, "
                           f"p95 {percentile(before, 0.95):.0f}→{percentile(during, 0.95):.0f} ms "
                           f"(n {len(before)}→{len(during)})")
        if bytes_through == 0:
            ok = False
        figures.append(f"{bytes_through / 1024:.0f} KiB through the veth pair "
                       f"in {window_ended - window_started:.1f}s")
        return ("latency applied (before→during)", ok, "; ".join(figures))


def stop_group(pid, seconds=15):
    """SIGTERM to a process group, SIGKILL if it has not gone in time (as devstack's stop_pid)."""
    def gone():
        try:
            return Path(f"/proc/{pid}/stat").read_text().split(") ")[-1].startswith("Z") or "running"
        except OSError:
            return True
    for signal_number in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, signal_number)
        except ProcessLookupError:
            return
        if wait(f"process {pid} stops", gone, seconds=seconds)[0]:
            return


FAULTS = [
    ("kill -9 the projector", lambda purchases: kill_hard("projector")),
    ("kill -9 the Debezium runner", lambda purchases: kill_hard("debezium")),
    ("kill -9 order-service", lambda purchases: kill_hard("order-service")),
    ("kill -9 query-service", lambda purchases: kill_hard("query-service")),
    ("restart PostgreSQL", lambda purchases: restart_postgres()),
    ("FLUSHALL and restart Redis", lambda purchases: flush_and_restart_redis()),
    ("restart the broker (and Debezium)", lambda purchases: restart_broker()),
    (f"{2 * LATENCY_ONE_WAY_MS} ms latency between order-service and its engines", EngineLatency()),
]


class Purchases:
    """Guest buyers racing through hold → order → pay while a fault happens."""

    def __init__(self, world, session):
        self.world, self.session = world, session
        self.lock = threading.Lock()
        self.next_seat = 0
        self.confirmed: dict[str, list[str]] = {}
        self.errors: dict[str, int] = {}
        self.timings: dict[str, list[tuple[float, float, float]]] = {}  # step → (started, ended, ms)
        self.stop = threading.Event()

    def seat(self):
        with self.lock:
            self.next_seat += 1
            if self.next_seat > ROWS * COLUMNS:
                return None
            return f"a-{self.next_seat}"

    def timed(self, step, *request, **options):
        """One call of a purchase step; a successful one's duration is kept."""
        started = time.monotonic()
        status, body, headers = call(*request, **options)
        ended = time.monotonic()
        if 200 <= status < 300:
            with self.lock:
                self.timings.setdefault(step, []).append((started, ended, (ended - started) * 1000))
        return status, body, headers

    def steps(self, step, since=None):
        """The successful calls of a step, (started, ended, ms), those started after `since`."""
        with self.lock:
            return [timing for timing in self.timings.get(step, []) if since is None or timing[0] >= since]

    def failed(self, step, status):
        with self.lock:
            key = f"{step} {status}"
            self.errors[key] = self.errors.get(key, 0) + 1
        if status in (502, 503, 504):
            time.sleep(0.2)  # the origin has no service behind it; do not spin through the seats

    def buyer(self):
        while not self.stop.is_set():
            seat = self.seat()
            if seat is None:
                return
            try:
                status, hold, _ = self.timed("hold", "POST", f"/api/sales/sessions/{self.session}/holds", None,
                                       {"seats": [seat], "buyer_id": f"fault-{uuid.uuid4().hex[:12]}"})
                if status != 201:
                    self.failed("hold", status)
                    continue
                status, order, _ = self.timed("order", "POST", "/api/sales/orders", None,
                                        {"hold_token": hold["hold_token"],
                                         "buyer": {"name": "Fault Buyer", "email": "fault@example.com"}},
                                        headers={"Idempotency-Key": str(uuid.uuid4())})
                if status != 201:
                    self.failed("order", status)
                    continue
                status, paid, _ = self.timed("pay", "POST", f"/api/sales/orders/{order['order_id']}/pay", None,
                                       {"payment_method": "4242 4242 4242 4242"},
                                       headers={"Order-Access-Token": order["access_token"]})
                if status == 200 and paid.get("status") == "ticketed":
                    with self.lock:
                        self.confirmed[order["order_id"]] = [seat]
                else:
                    self.failed("pay", status)
            except (OSError, urllib.error.URLError, TimeoutError, ValueError, http.client.HTTPException) as error:
                self.failed("connection", type(error).__name__)
                time.sleep(0.2)  # the service is down; do not spin

    def run(self, seconds, fault):
        threads = [threading.Thread(target=self.buyer, daemon=True) for _ in range(BUYERS)]
        for thread in threads:
            thread.start()
        time.sleep(seconds / 2)  # load before the fault, and after it
        checks = fault(self) or []
        time.sleep(seconds / 2)
        return threads, checks

    def finish(self, threads):
        self.stop.set()
        for thread in threads:
            thread.join(timeout=90)


class Watcher(threading.Thread):
    """A browser's seat-stream client: keeps the seat states, reconnects with Last-Event-ID."""

    def __init__(self, session):
        super().__init__(daemon=True)
        self.session = session
        self.sold: set[str] = set()
        self.lock = threading.Lock()
        self.last_id = None
        self.reconnects = 0
        self.resyncs = 0
        self.stopped = threading.Event()

    def apply(self, name, data):
        with self.lock:
            if name == "snapshot":
                self.sold = {seat for seat, state in data.get("seats", {}).items() if state == "sold"}
            elif name == "sold":
                self.sold.update(data.get("seat_ids", []))
            elif name == "resync":
                self.resyncs += 1

    def run(self):
        while not self.stopped.is_set():
            request = urllib.request.Request(f"{BASE}/api/catalog/sessions/{self.session}/seats/stream")
            if self.last_id:
                request.add_header("Last-Event-ID", self.last_id)
            try:
                with urllib.request.urlopen(request, timeout=30) as stream:
                    name, data = None, []
                    for raw in stream:
                        line = raw.decode().rstrip("\n")
                        if line.startswith("event:"):
                            name = line[6:].strip()
                        elif line.startswith("data:"):
                            data.append(line[5:].strip())
                        elif line.startswith("id:"):
                            self.last_id = line[3:].strip()
                        elif line == "" and name:
                            try:
                                self.apply(name, json.loads("\n".join(data)) if data else {})
                            except ValueError:
                                pass
                            name, data = None, []
                        if self.stopped.is_set():
                            return
            except (OSError, urllib.error.URLError, TimeoutError, http.client.HTTPException):
                pass  # the stream broke (the service died, or the proxy gave up): reconnect
            self.reconnects += 1
            time.sleep(0.5)  # a browser's EventSource retry delay

    def sold_seats(self):
        with self.lock:
            return set(self.sold)


def wait(what, check, seconds=CONVERGE_SECONDS):
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        try:
            last = check()
            if last is True:
                return True, None
        except Exception as error:  # noqa: BLE001 — a service still coming back
            last = error
        time.sleep(0.5)
    return False, f"{what}: {last}"


def invariants(session, purchases, watcher):
    """What must hold once the platform is back; each entry (name, ok, detail)."""
    results = []
    twice = sql(f"""select count(*) from (select seat_id from ticket where session_id = '{session}'
                    and status = 'valid' and seat_id is not null group by seat_id having count(*) > 1) d""")
    results.append(("no seat sold twice", twice == "0", f"{twice} seats twice"))

    def orders_settled():
        without = sql(f"""select count(*) from purchase_order o where o.session_id = '{session}'
                          and o.status in ('paid', 'ticketed')
                          and not exists (select 1 from ticket t where t.order_id = o.order_id)""")
        return True if without == "0" else f"{without} paid orders without tickets"
    ok, detail = wait("paid orders get their tickets", orders_settled)
    results.append(("no paid order without tickets", ok, detail))
    orphans = sql(f"""select count(*) from ticket t join purchase_order o using (order_id)
                      where t.session_id = '{session}' and t.status = 'valid'
                      and o.status not in ('paid', 'ticketed')""")
    results.append(("no ticket without a paid order", orphans == "0", f"{orphans} tickets"))
    confirmed = dict(purchases.confirmed)
    if confirmed:
        ids = ",".join(f"'{order}'" for order in confirmed)
        kept = sql(f"""select count(*) from purchase_order o where o.order_id in ({ids}) and o.status = 'ticketed'
                       and exists (select 1 from ticket t where t.order_id = o.order_id and t.status = 'valid')""")
        results.append(("every confirmed purchase kept", kept == str(len(confirmed)),
                         f"{kept} of {len(confirmed)}"))
    sold_in_postgres = set(filter(None, sql(
        f"select seat_id from ticket where session_id = '{session}' and status = 'valid'").split("\n")))

    def catalogue_converged():
        status, seat_map, _ = call("GET", f"/api/catalog/sessions/{session}/seat-map")
        if status != 200:
            return f"seat map answered {status}"
        sold = {seat for seat, state in seat_map.get("seats", {}).items() if state == "sold"}
        return True if sold == sold_in_postgres else f"{len(sold)} sold on the map, {len(sold_in_postgres)} in PostgreSQL"
    started = time.monotonic()
    ok, detail = wait("the seat map converges", catalogue_converged)
    results.append(("seat map = PostgreSQL", ok, detail or f"in {time.monotonic() - started:.1f}s"))
    ok, detail = wait("the live watcher converges",
                      lambda: True if watcher.sold_seats() == sold_in_postgres else
                      f"watcher has {len(watcher.sold_seats())}, PostgreSQL {len(sold_in_postgres)}")
    results.append(("live watcher = PostgreSQL", ok, detail or
                    f"{watcher.reconnects} reconnects, {watcher.resyncs} resyncs"))
    return results


def main():
    chosen = [word.lower() for word in sys.argv[1:]]
    faults = [fault for fault in FAULTS if not chosen or any(word in fault[0].lower() for word in chosen)]
    for name in ("kafka", "debezium", "projector", "order-service", "query-service"):
        if pid_of(name) is None:
            sys.exit(f"error: {name} is not running; start the platform with devstack/stack up")
    tokens = {"organiser": user_token(USERS["organiser"])}
    world = World(tokens, rows=ROWS, columns=COLUMNS)
    rows = []
    for fault_name, fault in faults:
        # Access tokens outlive no more than a few faults.
        world.tokens["organiser"] = user_token(USERS["organiser"])
        session = world.new_session_on_sale()
        watcher = Watcher(session)
        watcher.start()
        purchases = Purchases(world, session)
        print(f"==> {fault_name}")
        threads, fault_checks = purchases.run(LOAD_SECONDS, fault)
        started = time.monotonic()
        stack("up")  # brings back whatever is down, waiting for readiness
        recovered = time.monotonic() - started
        purchases.finish(threads)
        results = fault_checks + invariants(session, purchases, watcher)
        watcher.stopped.set()
        ok = all(result[1] for result in results)
        refusals = ", ".join(f"{key} ×{count}" for key, count in sorted(purchases.errors.items()))
        print(f"    refused: {refusals or 'none'}")
        for name, passed_check, detail in results:
            print(f"    {'ok  ' if passed_check else 'FAIL'}  {name}  ({detail})")
        rows.append((fault_name, recovered, len(purchases.confirmed), sum(purchases.errors.values()), ok))
    print()
    width = max([36] + [len(row[0]) for row in rows])
    print(f"{'fault':<{width}} {'recovered in':>12} {'confirmed':>9} {'refused':>8}  verdict")
    for fault_name, recovered, confirmed, refused, ok in rows:
        print(f"{fault_name:<{width}} {recovered:>11.1f}s {confirmed:>9} {refused:>8}  "
              f"{'nothing lost' if ok else 'LOST OR INCONSISTENT'}")
    failed = sum(1 for row in rows if not row[4])
    print(f"faults: {len(rows) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
