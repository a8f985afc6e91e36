"""Drives Waystation's Open311 GeoReport v2 server with a client written by
someone else: civicbot (PyPI), whose Open311Client speaks GeoReport v2 over
plain HTTP. Lists services, reads a service definition, posts a request with
its attributes, reads it back alone and in a list, and checks the spec's
error list for an unknown request.

Run:  python client_check.py BASE_URL API_KEY
      (BASE_URL like http://127.0.0.1:8080/open311/v2; the integration test
      `appeals::open311` runs it against its own server)
Prints one line starting with OK, or raises.
"""
import json
import sys

from civicbot import Endpoint, HttpError, HttpTransport, Open311Client
from civicbot.http import RateLimiter

base, api_key = sys.argv[1], sys.argv[2]
endpoint = Endpoint(id="waystation", name="Waystation", base_url=base, write=True)
client = Open311Client(endpoint, transport=HttpTransport(rate_limiter=RateLimiter(min_interval=0)), fmt="json")

services = client.list_services()
codes = [s["service_code"] for s in services]
assert "wage_arrears" in codes and "parking_towing" in codes, codes

definition = client.get_service_definition("wage_arrears")
required = sorted(a["code"] for a in definition["attributes"] if a["required"])
assert required == ["amount_yuan", "employer_or_platform", "period"], required

posted = client.create_request(
    "wage_arrears",
    lat=22.5833,
    lng=113.0819,
    description="三个月工资未发",
    attributes={"employer_or_platform": "某配送站", "amount_yuan": "12800", "period": "2025-05..2025-07", "appeal_type": "help"},
    phone="13912340000",
    api_key=api_key,
    definition=definition,
    known_services=services,
    dry_run=False,
    confirm="SEND",
)
number = posted.response[0]["service_request_id"]
assert number.startswith("SQ-"), posted.response

# Read back by its number, as GeoReport v2 clients do (no key on reads): its
# status, category and union — but not the worker's text, place or phone.
one = client.get_request(number)
assert one["service_request_id"] == number and one["status"] == "open", one
assert one["service_code"] == "wage_arrears" and one["agency_responsible"], one
assert one["description"] == "" and one["lat"] is None, one
assert "13912340000" not in json.dumps(one, ensure_ascii=False), "the worker's phone never leaves"

listed = client.list_requests(service_request_ids=[number])
assert [r["service_request_id"] for r in listed] == [number], listed
token = client.get_token(number)
assert token[0]["service_request_id"] == number, token

# Listing by filters alone would show every case: it needs the key.
try:
    client.list_requests(status="open", service_code="wage_arrears")
    raise AssertionError("listing without a key must be refused")
except HttpError as error:
    assert error.status == 403, error.status

try:
    client.get_request("SQ-440700-20250101-99999")
    raise AssertionError("an unknown request must be a 404")
except HttpError as error:
    assert error.status == 404, error.status
    body = json.loads(error.body)
    assert body[0]["code"] == 404 and body[0]["description"], body

print(f"OK civicbot listed {len(services)} services, posted {number} and read it back")
