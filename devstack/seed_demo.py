"""Seeds the demo event through the public API, as an organiser's wizard would.

Idempotent: does nothing when the demo organisation already exists. Uses the service client
(client credentials) and adds the demo organiser as a member, so organiser@boxoffice.test sees
and manages the event after signing in. Standard library only.
"""

import base64
import json
import sys
import urllib.error
import urllib.parse
import urllib.request

API, ISSUER = sys.argv[1], sys.argv[2]
DEMO_ORGANISATION = "Boxoffice Demo Productions"


def service_token():
    credentials = base64.b64encode(b"boxoffice-services:boxoffice-services-secret").decode()
    request = urllib.request.Request(
        f"{ISSUER}/token",
        data=urllib.parse.urlencode({"grant_type": "client_credentials"}).encode(),
        headers={"Authorization": f"Basic {credentials}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["access_token"]


TOKEN = service_token()


def call(method, path, body=None):
    request = urllib.request.Request(
        f"{API}{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        sys.exit(f"seeding failed: {method} {path} answered {error.code}: {error.read().decode()[:500]}")


def seat_grid(block_id, rows, columns, tier_id, y):
    row_labels = [chr(ord("A") + row) for row in range(rows)]
    seats = [
        {"id": f"{block_id}-{row_labels[row]}-{column + 1}", "row": row, "column": column,
         "label": f"{row_labels[row]}{column + 1}"}
        for row in range(rows) for column in range(columns)
    ]
    return {"type": "seated_grid", "id": block_id, "name": block_id.title(), "position": {"x": 60.0, "y": y},
            "rotation": 0.0, "rows": rows, "columns": columns, "tier_id": tier_id, "seats": seats}


def main():
    existing = call("GET", "/api/manage/organisations?per_page=100")
    if any(item["name"] == DEMO_ORGANISATION for item in existing["items"]):
        print("demo event already seeded")
        return
    organisation = call("POST", "/api/manage/organisations", {"name": DEMO_ORGANISATION})["organisation_id"]
    call("POST", f"/api/manage/organisations/{organisation}/members",
         {"email": "organiser@boxoffice.test", "role": "organiser"})
    call("POST", f"/api/manage/organisations/{organisation}/members",
         {"email": "staff@boxoffice.test", "role": "staff"})
    venue = call("POST", "/api/manage/venues", {
        "organisation_id": organisation, "name": "The Harbour Hall", "address_line": "1 Quay Street",
        "city": "Bristol", "postcode": "BS1 4DJ", "country": "GB", "latitude": 51.4545,
        "longitude": -2.5879, "timezone": "Europe/London"})["venue_id"]
    event = call("POST", "/api/manage/events", {
        "organisation_id": organisation, "title": "The Midnight Orchestra — Live",
        "description": "An evening of film scores under the harbour lights.", "category_id": "music"})["event_id"]
    stalls = call("POST", f"/api/manage/events/{event}/tiers",
                  {"name": "Stalls", "colour": "#2f6fed", "price_minor": 4500, "currency": "GBP"})["tier_id"]
    balcony = call("POST", f"/api/manage/events/{event}/tiers",
                   {"name": "Balcony", "colour": "#f08c2e", "price_minor": 2800, "currency": "GBP"})["tier_id"]
    standing = call("POST", f"/api/manage/events/{event}/tiers",
                    {"name": "Standing", "colour": "#22a06b", "price_minor": 2000, "currency": "GBP"})["tier_id"]
    call("PUT", f"/api/manage/events/{event}/layout", {
        "canvas": {"width": 1400.0, "height": 1000.0},
        "blocks": [
            {"type": "non_sellable", "id": "stage", "kind": "stage", "label": "Stage",
             "position": {"x": 300.0, "y": 10.0}, "size": {"width": 800.0, "height": 80.0}},
            seat_grid("stalls", 12, 24, stalls, 140.0),
            seat_grid("balcony", 6, 20, balcony, 620.0),
            {"type": "standing", "id": "floor", "name": "Standing floor", "position": {"x": 1000.0, "y": 140.0},
             "size": {"width": 300.0, "height": 400.0}, "capacity": 200, "tier_id": standing},
        ]})
    sessions = []
    for day in ("2027-06-11", "2027-06-12"):
        sessions.append(call("POST", f"/api/manage/events/{event}/sessions", {
            "venue_id": venue, "mode": "physical", "starts_at": f"{day}T19:30:00Z", "ends_at": f"{day}T22:30:00Z",
            "sales_start_at": "2026-01-01T09:00:00Z", "sales_end_at": f"{day}T19:00:00Z"})["session_id"])
    call("POST", f"/api/manage/events/{event}/discounts",
         {"code": "EARLYBIRD", "rule": {"kind": {"type": "percentage", "percent_bp": 1000}}, "is_public": True})
    call("POST", f"/api/manage/events/{event}/publish", {})
    for session in sessions:
        call("POST", f"/api/manage/sessions/{session}/status", {"status": "ON_SALE"})
    print(f"seeded demo event {event}")


main()
