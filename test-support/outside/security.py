"""The security suite, run through the origin as an outside client would.

1. Tokens: every route that reads a bearer token refuses a missing, forged, expired,
   wrong-audience and `alg: none` token with a JSON 401 (routes taken from the served OpenAPI
   documents, so a new route is covered the day it is added).
2. Authorization matrix: every route of every document, called with a token of each role and
   of another organisation's organiser, against data this run creates; the expected outcome of
   each route is stated in ROUTES below, and a route missing from ROUTES fails the suite.
3. Bad input: NUL bytes, huge strings, deep nesting, oversize bodies and injection strings in
   search parameters: never a 5xx, always the JSON error shape.
4. Fuzzing: schemathesis on each document with the token of the role the document is for:
   no 5xx, no undocumented status, responses match their schemas (bounded budget).

Prints what it checked and a closing `N passed, N failed` line; exits non-zero on a failure.
"""

import base64
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from client import BASE, DOCUMENTS, STATE, USERS, World, call, service_token, user_token

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))

passed = 0
failures: list[str] = []


def check(ok: bool, what: str) -> bool:
    global passed
    if ok:
        passed += 1
    else:
        failures.append(what)
        print(f"  FAIL  {what}")
    return ok


def bad_tokens(genuine):
    """Tokens a service must refuse, made from a genuine one."""
    header = jwt.get_unverified_header(genuine)
    claims = jwt.decode(genuine, options={"verify_signature": False})
    provider_keys = json.loads((STATE / "data/oidc/jwks.json").read_text())["keys"]
    provider_key = next(key for key in provider_keys if key["kid"] == header["kid"])
    signing_key = jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(provider_key))
    headers = {"kid": header["kid"], "typ": header.get("typ", "at+jwt")}
    now = int(time.time())
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    unsigned = ".".join(
        base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()
        for part in ({"alg": "none", "typ": "at+jwt"}, claims)) + "."
    return {
        "no token": None,
        "garbage": "not.a.token",
        "forged (another key, same kid)": jwt.encode(claims, stranger, "RS256", headers),
        "expired": jwt.encode({**claims, "iat": now - 7200, "exp": now - 3600}, signing_key, "RS256", headers),
        "wrong audience": jwt.encode({**claims, "aud": "urn:elsewhere:api"}, signing_key, "RS256", headers),
        "alg none": unsigned,
    }


# --- the stated outcome of every route ---------------------------------------------------

EVERYONE = {"anonymous", "admin", "organiser", "organiser2", "staff", "attendee"}
SIGNED_IN = EVERYONE - {"anonymous"}
READERS = {"admin", "organiser", "staff"}      # members of the organisation, and admins
WRITERS = {"admin", "organiser"}                # its organisers, and admins
CREATORS = {"admin", "organiser", "organiser2"}  # holders of the platform role `organiser`
GATE = {"admin", "organiser", "staff"}          # who may admit at the event's gates


def routes(world: World):
    """(method, path) → (who is allowed, a request factory giving path and body).

    A factory makes fresh data where the call would consume it, so each caller's attempt
    meets the same state."""
    w = world
    event, session, tier, discount = w.event, w.session, w.tier, w.discount
    org, venue = w.organisation, w.venue

    def fixed(path, body=None):
        return lambda: (path, body, {})

    def fresh_tier():
        return f"/api/manage/tiers/{w.new_tier(w.new_event())}", None, {}

    def fresh_discount():
        return f"/api/manage/discounts/{w.new_discount(w.new_event())}", None, {}

    def fresh_event(suffix="", body=None):
        return lambda: (f"/api/manage/events/{w.new_event()}{suffix}", body, {})

    def guest_order(suffix, body=None, with_secret=True):
        def make():
            order = w.guest_order()
            headers = {"Order-Access-Token": order["access_token"]} if with_secret else {}
            return f"/api/sales/orders/{order['order_id']}{suffix}", body, headers
        return make

    def guest_hold(suffix, method_body=None):
        def make():
            return f"/api/sales/holds/{w.hold()['hold_token']}{suffix}", method_body, {}
        return make

    def new_guest_order_body():
        return "/api/sales/orders", {"hold_token": w.hold()["hold_token"],
                                     "buyer": {"name": "Suite Buyer", "email": "suite@example.com"}}, {
            "Idempotency-Key": str(uuid.uuid4())}

    def fresh_member(body=None):
        # A member of its own for each caller, so a removal or change is open to everyone allowed.
        def make():
            email = f"member-{uuid.uuid4().hex[:8]}@example.com"
            w.ok("POST", f"/api/manage/organisations/{org}/members", w.tokens["organiser"],
                 {"email": email, "role": "staff"})
            return f"/api/manage/organisations/{org}/members/{email}", body, {}
        return make

    def new_session():
        return f"/api/manage/events/{event}/sessions", w.session_body(), {}

    def scan_once():
        # A ticket of its own for each caller, so "admitted" is open to everyone allowed.
        order = w.guest_order(pay=True)
        return "/api/check-in/scans", {"qr": order["tickets"][0]["qr"], "gate": "suite"}, {}

    return {
        # command-service: members read, organisers write, everyone else finds nothing.
        ("GET", "/api/manage/organisations"): (SIGNED_IN, fixed("/api/manage/organisations")),
        ("POST", "/api/manage/organisations"): (CREATORS, lambda: (
            "/api/manage/organisations", {"name": f"Suite made {uuid.uuid4().hex[:6]}"}, {})),
        ("GET", "/api/manage/organisations/{id}"): (READERS, fixed(f"/api/manage/organisations/{org}")),
        ("POST", "/api/manage/organisations/{id}/members"): (WRITERS, lambda: (
            f"/api/manage/organisations/{org}/members",
            {"email": f"member-{uuid.uuid4().hex[:8]}@example.com", "role": "staff"}, {})),
        ("PATCH", "/api/manage/organisations/{id}/members/{email}"): (WRITERS, fresh_member({"role": "staff"})),
        ("DELETE", "/api/manage/organisations/{id}/members/{email}"): (WRITERS, fresh_member()),
        ("GET", "/api/manage/organisations/{id}/seat-map-templates"): (
            READERS, fixed(f"/api/manage/organisations/{org}/seat-map-templates")),
        ("POST", "/api/manage/organisations/{id}/seat-map-templates"): (WRITERS, lambda: (
            f"/api/manage/organisations/{org}/seat-map-templates",
            {"name": f"Grid {uuid.uuid4().hex[:6]}", "layout": w.layout(tier)}, {})),
        ("GET", "/api/manage/seat-map-templates/{id}"): (
            READERS, fixed(f"/api/manage/seat-map-templates/{w.template}")),
        ("POST", "/api/manage/venues"): (WRITERS, lambda: ("/api/manage/venues", w.venue_body(), {})),
        ("GET", "/api/manage/venues/{id}"): (READERS, fixed(f"/api/manage/venues/{venue}")),
        ("PATCH", "/api/manage/venues/{id}"): (WRITERS, fixed(f"/api/manage/venues/{venue}", {"name": "Suite Hall"})),
        ("GET", "/api/manage/events"): (SIGNED_IN, fixed("/api/manage/events")),
        ("POST", "/api/manage/events"): (WRITERS, lambda: ("/api/manage/events", w.event_body(), {})),
        ("GET", "/api/manage/events/{id}"): (READERS, fixed(f"/api/manage/events/{event}")),
        ("PATCH", "/api/manage/events/{id}"): (WRITERS, fixed(f"/api/manage/events/{event}",
                                                               {"description": "Made by the security suite."})),
        ("DELETE", "/api/manage/events/{id}"): (WRITERS, fresh_event()),
        ("POST", "/api/manage/events/{id}/cancel"): (WRITERS, fresh_event("/cancel", {})),
        ("POST", "/api/manage/events/{id}/publish"): (WRITERS, fresh_event("/publish", {})),
        ("GET", "/api/manage/events/{id}/layout"): (READERS, fixed(f"/api/manage/events/{event}/layout")),
        ("PUT", "/api/manage/events/{id}/layout"): (WRITERS, lambda: (
            f"/api/manage/events/{w.new_event()}/layout", w.layout(w.new_tier(event)), {})),
        ("POST", "/api/manage/events/{id}/layout/from-template"): (WRITERS, lambda: (
            f"/api/manage/events/{w.new_event()}/layout/from-template", {"template_id": w.template}, {})),
        ("GET", "/api/manage/events/{id}/tiers"): (READERS, fixed(f"/api/manage/events/{event}/tiers")),
        ("POST", "/api/manage/events/{id}/tiers"): (WRITERS, lambda: (
            f"/api/manage/events/{event}/tiers", w.tier_body(), {})),
        ("PATCH", "/api/manage/tiers/{id}"): (WRITERS, fixed(f"/api/manage/tiers/{tier}", {"colour": "#2f6fed"})),
        ("DELETE", "/api/manage/tiers/{id}"): (WRITERS, fresh_tier),
        ("GET", "/api/manage/events/{id}/sessions"): (READERS, fixed(f"/api/manage/events/{event}/sessions")),
        ("POST", "/api/manage/events/{id}/sessions"): (WRITERS, new_session),
        ("GET", "/api/manage/sessions/{id}"): (READERS, fixed(f"/api/manage/sessions/{session}")),
        ("PATCH", "/api/manage/sessions/{id}"): (WRITERS, fixed(f"/api/manage/sessions/{session}",
                                                                 {"ends_at": "2027-09-01T22:00:00Z"})),
        ("GET", "/api/manage/sessions/{id}/layout"): (READERS, fixed(f"/api/manage/sessions/{session}/layout")),
        ("PUT", "/api/manage/sessions/{id}/layout"): (WRITERS, lambda: (
            f"/api/manage/sessions/{w.ok('POST', f'/api/manage/events/{event}/sessions', w.tokens['organiser'], w.session_body())['session_id']}/layout",
            w.layout(tier), {})),
        ("POST", "/api/manage/sessions/{id}/status"): (WRITERS, lambda: (
            f"/api/manage/sessions/{w.ok('POST', f'/api/manage/events/{event}/sessions', w.tokens['organiser'], w.session_body())['session_id']}/status",
            {"status": "CANCELLED"}, {})),
        ("GET", "/api/manage/sessions/{id}/waiting-room"): (READERS, fixed(f"/api/manage/sessions/{session}/waiting-room")),
        # Left off: a waiting room on the suite's session would make its holds need a pass.
        ("PUT", "/api/manage/sessions/{id}/waiting-room"): (WRITERS, fixed(
            f"/api/manage/sessions/{session}/waiting-room", {"enabled": False, "admit_per_minute": 500})),
        ("GET", "/api/manage/events/{id}/discounts"): (READERS, fixed(f"/api/manage/events/{event}/discounts")),
        ("POST", "/api/manage/events/{id}/discounts"): (WRITERS, lambda: (
            f"/api/manage/events/{event}/discounts", w.discount_body(), {})),
        ("PATCH", "/api/manage/discounts/{id}"): (WRITERS, fixed(f"/api/manage/discounts/{discount}", {"is_public": False})),
        ("DELETE", "/api/manage/discounts/{id}"): (WRITERS, fresh_discount),
        # query-service: the catalogue is public; revenue is for organisers and admins.
        ("GET", "/api/catalog/events"): (EVERYONE, fixed("/api/catalog/events?q=suite")),
        ("GET", "/api/catalog/events/{id}"): (EVERYONE, fixed(f"/api/catalog/events/{event}")),
        ("GET", "/api/catalog/events/{id}/sessions"): (EVERYONE, fixed(f"/api/catalog/events/{event}/sessions")),
        ("GET", "/api/catalog/sessions/{id}/seat-map"): (EVERYONE, fixed(f"/api/catalog/sessions/{session}/seat-map")),
        ("GET", "/api/catalog/trending"): (EVERYONE, fixed("/api/catalog/trending")),
        ("GET", "/api/catalog/events/{id}/sales"): (WRITERS, fixed(f"/api/catalog/events/{event}/sales")),
        ("GET", "/api/catalog/events/{id}/sales/stream"): (WRITERS, fixed(f"/api/catalog/events/{event}/sales/stream")),
        ("GET", "/api/catalog/sessions/{id}/seats/stream"): (EVERYONE, fixed(f"/api/catalog/sessions/{session}/seats/stream")),
        # A queue stream is opened by a visitor id from order-service; an unknown one is 404 for anyone.
        ("GET", "/api/catalog/sessions/{id}/queue/stream"): (set(), fixed(
            f"/api/catalog/sessions/{session}/queue/stream?visitor={uuid.uuid4().hex}")),
        # order-service: a guest's order is opened by its own secret, whoever calls; a
        # signed-in caller without it finds nothing.
        ("POST", "/api/sales/sessions/{id}/holds"): (EVERYONE, lambda: (
            f"/api/sales/sessions/{session}/holds", {"seats": [w.next_seat()], "buyer_id": f"suite-{uuid.uuid4().hex[:12]}"}, {})),
        # The waiting room: its state, joining (409: the suite's session has no room) and one's
        # place are public; its figures are for the event's organisers.
        ("GET", "/api/sales/sessions/{id}/queue"): (EVERYONE, fixed(f"/api/sales/sessions/{session}/queue")),
        ("POST", "/api/sales/sessions/{id}/queue"): (EVERYONE, lambda: (
            f"/api/sales/sessions/{session}/queue", {"buyer_id": f"suite-{uuid.uuid4().hex[:12]}"}, {})),
        ("GET", "/api/sales/sessions/{id}/queue/me"): (EVERYONE, lambda: (
            f"/api/sales/sessions/{session}/queue/me?buyer_id=suite-{uuid.uuid4().hex[:12]}", None, {})),
        ("GET", "/api/sales/sessions/{id}/queue/stats"): (WRITERS, fixed(f"/api/sales/sessions/{session}/queue/stats")),
        ("DELETE", "/api/sales/holds/{token}"): (EVERYONE, guest_hold("")),
        ("POST", "/api/sales/holds/{token}/extend"): (EVERYONE, guest_hold("/extend")),
        ("POST", "/api/sales/orders"): (EVERYONE, new_guest_order_body),
        ("GET", "/api/sales/orders/{id}"): (EVERYONE, guest_order("")),
        ("POST", "/api/sales/orders/{id}/cancel"): (EVERYONE, guest_order("/cancel")),
        ("POST", "/api/sales/orders/{id}/pay"): (EVERYONE, guest_order("/pay", {"payment_method": "4242 4242 4242 4242"})),
        # Refunds are for the event's organisers (others find no such order).
        ("POST", "/api/sales/orders/{id}/refunds"): (WRITERS, lambda: (
            f"/api/sales/orders/{w.guest_order(pay=True)['order_id']}/refunds", {"reason": "suite"}, {})),
        ("POST", "/api/sales/sessions/{id}/refunds"): (WRITERS, lambda: (
            f"/api/sales/sessions/{w.ok('POST', f'/api/manage/events/{event}/sessions', w.tokens['organiser'], w.session_body())['session_id']}/refunds",
            {"reason": "suite"}, {})),
        ("POST", "/api/sales/sessions/{id}/reminders"): (WRITERS, fixed(f"/api/sales/sessions/{session}/reminders")),
        ("GET", "/api/sales/events/{id}/orders"): (WRITERS, fixed(f"/api/sales/events/{event}/orders")),
        ("GET", "/api/sales/events/{id}/attendees"): (WRITERS, fixed(f"/api/sales/events/{event}/attendees")),
        ("GET", "/api/sales/me/tickets"): (SIGNED_IN, fixed("/api/sales/me/tickets")),
        ("GET", "/api/sales/ticket-signing-key"): (EVERYONE, fixed("/api/sales/ticket-signing-key")),
        # The webhook is authenticated by Stripe's signature, which no caller here has.
        ("POST", "/api/sales/payments/stripe/webhook"): (set(), fixed("/api/sales/payments/stripe/webhook", {"id": "evt_suite"})),
        ("POST", "/api/check-in/scans"): (GATE, scan_once),
        # A batch is accepted from anyone signed in and refused scan by scan (see
        # batch_refusals): an offline phone syncs whatever it queued.
        ("POST", "/api/check-in/scans/batch"): (SIGNED_IN, lambda: ("/api/check-in/scans/batch", {"scans": []}, {})),
        ("GET", "/api/check-in/sessions/{id}/manifest"): (GATE, fixed(f"/api/check-in/sessions/{session}/manifest")),
        ("GET", "/api/check-in/sessions/{id}/counts"): (GATE, fixed(f"/api/check-in/sessions/{session}/counts")),
    }


def streaming(path):
    return path.endswith("/stream")


def open_stream(path, token):
    """The status of a stream request; the stream itself is closed at once."""
    request = urllib.request.Request(BASE + path)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (TimeoutError, OSError):
        return 0  # no answer: counted as a failure by whoever expected one


def documented_operations():
    operations = {}
    for name, path in DOCUMENTS.items():
        status, document, _ = call("GET", path)
        check(status == 200 and isinstance(document, dict), f"{path} is served")
        for route, item in (document or {}).get("paths", {}).items():
            for method, operation in item.items():
                if method in ("get", "post", "put", "patch", "delete"):
                    operations[(method.upper(), route)] = (name, operation)
    return operations


def is_error_shape(body):
    return isinstance(body, dict) and isinstance(body.get("error"), dict) and "code" in body["error"]


def token_checks(operations, world, bad):
    print("tokens: every route that reads a bearer token refuses bad ones")
    before = passed
    stated = routes(world)
    for (method, route), (_, operation) in sorted(operations.items()):
        requirements = operation.get("security") or []
        if not any("bearer" in requirement for requirement in requirements):
            continue
        optional = any(requirement == {} for requirement in requirements)
        make = stated.get((method, route), (None, None))[1]
        if make is None:
            continue
        for kind, token in bad.items():
            if optional and token is None:
                continue  # anonymous use is allowed; the matrix covers it
            path, body, headers = make()
            if streaming(path):
                status = open_stream(path, token)
                check(status == 401, f"{method} {route} with {kind}: {status}, wanted 401")
                continue
            status, answer, _ = call(method, path, token, body, headers)
            check(status == 401 and is_error_shape(answer),
                  f"{method} {route} with {kind}: {status} {str(answer)[:120]}, wanted a JSON 401")
    print(f"  {passed - before} refusals checked")


def matrix_checks(operations, world, tokens):
    print("authorization matrix: every route × every role, against the suite's own data")
    stated = routes(world)
    before = passed
    for key in sorted(operations):
        check(key in stated, f"{key[0]} {key[1]} has a stated outcome in the matrix")
    for (method, route), (allowed, make) in sorted(stated.items()):
        if (method, route) not in operations:
            check(False, f"{method} {route} is in the matrix but not in any served document")
            continue
        requirements = operations[(method, route)][1].get("security") or []
        bearer_only = bool(requirements) and all("bearer" in requirement for requirement in requirements)
        for role in sorted(EVERYONE):
            token = tokens.get(role)
            path, body, headers = make()
            try:
                if streaming(path):
                    status, answer = open_stream(path, token), None
                else:
                    status, answer, _ = call(method, path, token, body, headers)
            except (TimeoutError, OSError) as error:
                check(False, f"{method} {route} as {role}: no answer ({error})")
                continue
            what = f"{method} {route} as {role}: {status} {str(answer)[:160]}"
            if status >= 500:
                check(False, what + " (a 5xx)")
            elif role in allowed:
                check(status not in (401, 403, 404), what + " (should be allowed)")
            elif role == "anonymous" and bearer_only:
                check(status == 401, what + " (should be 401)")
            else:
                check(status in (400, 401, 403, 404), what + " (should be refused)")
    print(f"  {passed - before} cells checked")


def batch_refusals(world, tokens):
    print("offline batches: scans of people who may not admit are refused one by one")
    order = world.guest_order(pay=True)
    qr = order["tickets"][0]["qr"]
    for role in sorted(SIGNED_IN - GATE):
        body = {"scans": [{"scan_id": f"suite-{uuid.uuid4().hex}", "qr": qr, "gate": "suite",
                           "scanned_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}]}
        status, answer, _ = call("POST", "/api/check-in/scans/batch", tokens[role], body)
        outcome = (answer or {}).get("results", [{}])[0].get("outcome") if status == 200 else None
        check(outcome == "forbidden", f"a batch scan by {role}: {status} {str(answer)[:160]}, wanted `forbidden`")
    status, answer, _ = call("GET", f"/api/sales/orders/{order['order_id']}", None,
                             headers={"Order-Access-Token": order["access_token"]})
    check(status == 200 and all(ticket.get("checked_in_at") is None for ticket in answer.get("tickets", [])),
          f"nobody was admitted by refused scans: {status} {str(answer)[:160]}")


def hostile_input_checks(world, tokens):
    print("bad input: never a 5xx, always the JSON error shape")
    organiser = tokens["organiser"]
    deep = {"name": "x"}
    for _ in range(2000):
        deep = {"nested": deep}
    probes = [
        ("POST", "/api/manage/organisations", {"name": "nul\u0000byte"}),
        ("POST", "/api/manage/organisations", {"name": "x" * 200_000}),
        ("POST", "/api/manage/organisations", deep),
        ("PATCH", f"/api/manage/events/{world.event}", {"title": "\u0000"}),
        ("POST", "/api/manage/venues", {**world.venue_body(), "timezone": "Mars/Olympus"}),
        ("POST", "/api/manage/venues", {**world.venue_body(), "latitude": 1e308 * 10}),
        ("POST", f"/api/sales/sessions/{world.session}/holds", {"seats": ["a-1\u0000"], "buyer_id": "suite-nul-buyer"}),
        ("POST", "/api/check-in/scans/batch", {"scans": [{"scan_id": "\u0000", "qr": "x", "gate": "g",
                                                          "scanned_at": "2026-01-01T00:00:00Z"}]}),
        ("POST", "/api/check-in/scans", {"qr": "x" * 100_000, "gate": "g"}),
    ]
    for method, path, body in probes:
        try:
            raw = json.dumps(body).encode()
        except (RecursionError, ValueError):
            raw = ("{\"nested\":" * 2000 + "1" + "}" * 2000).encode()
        status, answer, _ = call(method, path, organiser, raw=raw)
        check(400 <= status < 500 and is_error_shape(answer),
              f"{method} {path} with {json.dumps(body)[:60] if len(raw) < 200 else f'{len(raw)} bytes'}: {status} {str(answer)[:120]}")
    injections = ["' OR 1=1 --", "{\"$ne\": null}", "[$regex]=.*", ".*" * 500, "%00", "\\", "(?i)(a+)+$",
                  "<script>alert(1)</script>", "../../etc/passwd", "a" * 5000]
    for text in injections:
        for parameter in ("q", "city", "category", "sort", "near", "from", "page"):
            query = urllib.parse.urlencode({parameter: text})
            status, answer, _ = call("GET", f"/api/catalog/events?{query}")
            check(status < 500 and (status == 200 or is_error_shape(answer)),
                  f"GET /api/catalog/events?{parameter}={text[:30]!r}: {status} {str(answer)[:120]}")
    huge = b"[" + b"1," * (9 * 1024 * 1024) + b"1]"
    for path in ("/api/sales/orders", "/api/check-in/scans/batch", "/api/manage/organisations"):
        status, answer, _ = call("POST", path, organiser, raw=huge)
        check(status == 413 and is_error_shape(answer), f"an 18 MB body to {path}: {status} {str(answer)[:120]}")


def fuzz(tokens):
    print(f"fuzzing: schemathesis on every document ({FUZZ_EXAMPLES} examples an operation)")
    # The command API is fuzzed as the platform's service client: fuzzing creates organisations
    # (named after ones it has seen), which must not land in a person's own list.
    who = {"manage": service_token(), "catalog": tokens["organiser"],
           "sales": tokens["attendee"], "check-in": tokens["staff"]}
    binary = Path(sys.executable).parent / "schemathesis"
    for name, path in DOCUMENTS.items():
        command = [str(binary), "run", BASE + path, "--origin", BASE,
                   "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,"
                               "response_schema_conformance",
                   "--max-examples", str(FUZZ_EXAMPLES), "--phases", "examples,coverage,fuzzing",
                   "--workers", "2", "--exclude-path-regex", ".*/stream$",
                   "--header", f"Authorization: Bearer {who[name]}", "--no-color"]
        # A run that only hit a runtime error of the tool itself (no failed check) is tried
        # once more, with one worker: such errors come from generating operations side by side
        # (hypothesis parses source with Python 3.11's parser, which is not thread-safe).
        # A failed check is never retried.
        for attempt in (1, 2):
            status, text = run_schemathesis(command)
            if status == 0 or "FAILURES" in text or attempt == 2:
                break
            print(f"  {name}: schemathesis stopped on an error of its own; trying once more with one worker")
            print(section(text, "ERRORS"))
            command[command.index("--workers") + 1] = "1"
        summary = [line for line in text.splitlines() if "generated" in line and "passed" in line]
        print(f"  {name}: {summary[-1].strip() if summary else 'no summary'}")
        if not check(status == 0, f"schemathesis on {path} (exit {status})"):
            print(section(text, "FAILURES") or section(text, "ERRORS") or
                  "\n".join("    | " + line for line in text.splitlines()[-60:]))


def run_schemathesis(command):
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "out.txt"
        with report.open("w") as out:
            status = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, timeout=600).returncode
        return status, report.read_text()


def section(text, title):
    """A `=== TITLE ===` section of schemathesis's report, indented."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("=") and f" {title} " in line), None)
    if start is None:
        return ""
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("===")), len(lines))
    return "\n".join("    | " + line for line in lines[start:end][:120])


def main():
    tokens = {role: user_token(email) for role, email in USERS.items()}
    tokens["anonymous"] = None
    bad = bad_tokens(tokens["organiser"])
    world = World(tokens)
    operations = documented_operations()
    token_checks(operations, world, bad)
    matrix_checks(operations, world, tokens)
    batch_refusals(world, tokens)
    hostile_input_checks(world, tokens)
    if os.environ.get("FUZZ", "1") != "0":
        fuzz(tokens)
    print(f"security: {passed} passed, {len(failures)} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
