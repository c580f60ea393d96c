"""A client of the platform's one origin, as an outside program sees it: HTTP calls, tokens
from the real identity provider, and a world of its own (an organisation with an event on
sale) created through the public API. Shared by the security and fault suites."""

import base64
import hashlib
import http.cookiejar
import json
import os
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

BASE = os.environ.get("BASE", "http://127.0.0.1:8080")
ISSUER = os.environ.get("OIDC_ISSUER", "http://127.0.0.1:9400")
STATE = Path(os.environ.get("BOXOFFICE_STATE", Path(__file__).resolve().parents[2] / ".stack"))
DOCUMENTS = {
    "manage": "/api/manage/openapi.json",
    "catalog": "/api/catalog/openapi.json",
    "sales": "/api/sales/openapi.json",
    "check-in": "/api/check-in/openapi.json",
}
PASSWORD = "boxoffice"
USERS = {
    "admin": "admin@boxoffice.test",
    "organiser": "organiser@boxoffice.test",
    "organiser2": "organiser2@boxoffice.test",
    "staff": "staff@boxoffice.test",
    "attendee": "attendee@boxoffice.test",
}

class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def call(method, path, token=None, body=None, headers=None, raw=None, opener=None):
    """One request; answers (status, parsed JSON or text, headers)."""
    url = path if path.startswith("http") else BASE + path
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    request = urllib.request.Request(url, method=method, data=data)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        response = (opener or urllib.request.build_opener(NoRedirect)).open(request, timeout=60)
        status, payload, answer_headers = response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        status, payload, answer_headers = error.code, error.read(), error.headers
    try:
        parsed = json.loads(payload) if payload else None
    except ValueError:
        parsed = payload.decode(errors="replace")
    return status, parsed, answer_headers


# --- tokens ------------------------------------------------------------------------------

def service_token():
    credentials = base64.b64encode(b"boxoffice-services:boxoffice-services-secret").decode()
    status, body, _ = call("POST", f"{ISSUER}/token",
                           raw=urllib.parse.urlencode({"grant_type": "client_credentials"}).encode(),
                           headers={"Authorization": f"Basic {credentials}",
                                    "Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200, f"client credentials refused: {status} {body}"
    return body["access_token"]


def user_token(email):
    """Authorization code + PKCE through the provider's real login form."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    discovery = call("GET", f"{ISSUER}/.well-known/openid-configuration")[1]
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    redirect = "http://127.0.0.1:8080/callback"
    query = urllib.parse.urlencode({
        "client_id": "boxoffice-web", "response_type": "code", "redirect_uri": redirect,
        "scope": "openid profile email", "state": secrets.token_hex(8),
        "code_challenge": challenge, "code_challenge_method": "S256"})

    def location(response_headers):
        target = response_headers["Location"]
        return target if target.startswith("http") else ISSUER + target

    _, _, headers = call("GET", f"{discovery['authorization_endpoint']}?{query}", opener=opener)
    interaction = location(headers)
    form = urllib.parse.urlencode({"email": email, "password": PASSWORD}).encode()
    status, _, headers = call("POST", f"{interaction}/login", raw=form, opener=opener,
                              headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status in (302, 303), f"login of {email} answered {status}"
    _, _, headers = call("GET", location(headers), opener=opener)
    code = urllib.parse.parse_qs(urllib.parse.urlparse(headers["Location"]).query)["code"][0]
    form = urllib.parse.urlencode({
        "grant_type": "authorization_code", "code": code, "redirect_uri": redirect,
        "client_id": "boxoffice-web", "code_verifier": verifier}).encode()
    status, body, _ = call("POST", discovery["token_endpoint"], raw=form, opener=opener,
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200, f"token exchange for {email}: {status} {body}"
    return body["access_token"]


# --- the data the matrix acts on ---------------------------------------------------------

class World:
    """An organisation of the suite's own with an event on sale, a staff member, a guest
    order and a sold ticket; and organiser2's organisation beside it."""

    def __init__(self, tokens, rows=10, columns=40):
        self.tokens = tokens
        self.rows, self.columns = rows, columns
        organiser = tokens["organiser"]
        tag = uuid.uuid4().hex[:8]
        self.organisation = self.ok("POST", "/api/manage/organisations", organiser,
                                    {"name": f"Security suite {tag}"})["organisation_id"]
        self.ok("POST", f"/api/manage/organisations/{self.organisation}/members", organiser,
                {"email": USERS["staff"], "role": "staff"})
        if "organiser2" in tokens:
            self.other_organisation = self.ok("POST", "/api/manage/organisations", tokens["organiser2"],
                                              {"name": f"Security suite elsewhere {tag}"})["organisation_id"]
        self.venue = self.ok("POST", "/api/manage/venues", organiser, self.venue_body())["venue_id"]
        self.event = self.new_event()
        self.tier = self.new_tier(self.event)
        self.ok("PUT", f"/api/manage/events/{self.event}/layout", organiser, self.layout(self.tier))
        self.session = self.ok("POST", f"/api/manage/events/{self.event}/sessions", organiser,
                               self.session_body())["session_id"]
        self.discount = self.new_discount(self.event)
        self.template = self.ok("POST", f"/api/manage/organisations/{self.organisation}/seat-map-templates",
                                organiser, {"name": f"Grid {tag}", "layout": self.layout(self.tier)}
                                )["seat_map_template_id"]
        self.ok("POST", f"/api/manage/events/{self.event}/publish", organiser, {})
        self.ok("POST", f"/api/manage/sessions/{self.session}/status", organiser, {"status": "ON_SALE"})
        self.wait_for_catalogue()
        self.seat_index = 0
        sold = self.guest_order(pay=True)
        self.qr = sold["tickets"][0]["qr"]

    def ok(self, method, path, token, body=None):
        status, answer, _ = call(method, path, token, body)
        assert status in (200, 201), f"setting up: {method} {path} answered {status}: {answer}"
        return answer

    def venue_body(self):
        return {"organisation_id": self.organisation, "name": "Suite Hall", "address_line": "1 Test Row",
                "city": "Bristol", "country": "GB", "latitude": 51.45, "longitude": -2.58,
                "timezone": "Europe/London"}

    def event_body(self):
        return {"organisation_id": self.organisation, "title": "Security suite night",
                "description": "Made by the security suite.", "category_id": "music"}

    def new_event(self):
        return self.ok("POST", "/api/manage/events", self.tokens["organiser"], self.event_body())["event_id"]

    def tier_body(self):
        return {"name": f"Tier {uuid.uuid4().hex[:6]}", "colour": "#2f6fed", "price_minor": 1500, "currency": "GBP"}

    def new_tier(self, event):
        return self.ok("POST", f"/api/manage/events/{event}/tiers", self.tokens["organiser"],
                       self.tier_body())["tier_id"]

    def discount_body(self):
        return {"code": f"SUITE{uuid.uuid4().hex[:6].upper()}",
                "rule": {"kind": {"type": "percentage", "percent_bp": 1000}}, "is_public": False}

    def new_discount(self, event):
        return self.ok("POST", f"/api/manage/events/{event}/discounts", self.tokens["organiser"],
                       self.discount_body())["discount_id"]

    def layout(self, tier):
        rows, columns = self.rows, self.columns
        seats = [{"id": f"a-{row * columns + n}", "row": row, "column": n - 1, "label": f"R{row + 1}-{n}"}
                 for row in range(rows) for n in range(1, columns + 1)]
        return {"canvas": {"width": 40.0 + 20 * columns, "height": 40.0 + 20 * rows}, "blocks": [
            {"type": "seated_grid", "id": "a", "name": "A", "position": {"x": 20.0, "y": 20.0},
             "rotation": 0.0, "rows": rows, "columns": columns, "tier_id": tier, "seats": seats}]}

    def new_session_on_sale(self):
        """Another session of the event (a copy of its layout), on sale and in the catalogue."""
        organiser = self.tokens["organiser"]
        session = self.ok("POST", f"/api/manage/events/{self.event}/sessions", organiser,
                          self.session_body())["session_id"]
        self.ok("POST", f"/api/manage/sessions/{session}/status", organiser, {"status": "ON_SALE"})
        self.wait_for_catalogue(session)
        return session

    @staticmethod
    def session_body_for(venue):
        return {"venue_id": venue, "mode": "physical", "starts_at": "2027-09-01T19:00:00Z",
                "ends_at": "2027-09-01T22:00:00Z", "sales_start_at": "2026-01-01T00:00:00Z",
                "sales_end_at": "2027-09-01T18:00:00Z"}

    def session_body(self):
        return self.session_body_for(self.venue)

    def wait_for_catalogue(self, session=None):
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if call("GET", f"/api/catalog/sessions/{session or self.session}/seat-map")[0] == 200:
                    return
            except TimeoutError:
                pass  # a busy machine; the deadline decides
            time.sleep(0.2)
        raise AssertionError("the suite's session never reached the catalogue")

    def next_seat(self):
        self.seat_index += 1
        return f"a-{self.seat_index}"

    def hold(self, token=None):
        body = {"seats": [self.next_seat()]}
        if token is None:
            body["buyer_id"] = f"suite-{uuid.uuid4().hex[:12]}"
        return self.ok("POST", f"/api/sales/sessions/{self.session}/holds", token, body)

    def guest_order(self, pay=False):
        hold = self.hold()
        status, order, _ = call("POST", "/api/sales/orders", None,
                                {"hold_token": hold["hold_token"],
                                 "buyer": {"name": "Suite Buyer", "email": "suite@example.com"}},
                                headers={"Idempotency-Key": str(uuid.uuid4())})
        assert status == 201, f"setting up a guest order: {status} {order}"
        if pay:
            status, order, _ = call("POST", f"/api/sales/orders/{order['order_id']}/pay", None,
                                    {"payment_method": "4242 4242 4242 4242"},
                                    headers={"Order-Access-Token": order["access_token"]})
            assert status == 200, f"paying the suite's order: {status} {order}"
        return order


