#!/usr/bin/env python3
"""Writes the PostGIS copy of the stations (COPY-ready CSV) from a Waystation SQLite db.

One row per *listed* station (status open or suspended; planned and retired
stations are not searchable in Waystation either):
    id, lng, lat, amenities, open_now
`amenities` is the bitmask of waystation_domain::stations::AmenitySet: bit i is
Amenity::ALL[i], the order read from crates/domain/src/stations/amenity.rs.

`open_now` at the fixed benchmark time (OPEN_AT) is decided by Waystation
itself, not re-implemented here: a station's open state depends only on
(opening_hours, follows_working_calendar, status) and the time, so for each
distinct triple the script asks the running server about one station that has
it (GET /api/v1/stations/{id}?open_at=...) and gives its answer to every
station with the same triple (~60 requests instead of 200,000). Giving PostGIS
the flag precomputed is generous to PostGIS.

Run:  python3 bench/postgis_data.py /tmp/bench/ws.db http://127.0.0.1:8090 2025-06-10T21:40 > /tmp/bench/stations.csv
"""
import json
import pathlib
import re
import sqlite3
import sys
import urllib.request

db, base, open_at = sys.argv[1], sys.argv[2], sys.argv[3]
assert base.startswith("http://127.0.0.1"), "only the local server"

source = (pathlib.Path(__file__).resolve().parent.parent / "crates/domain/src/stations/amenity.rs").read_text()
block = re.search(r"pub const ALL: \[Amenity; \d+\] = \[(.*?)\];", source, re.S).group(1)
variants = re.findall(r"Amenity::(\w+)", block)
snake = [re.sub(r"(?<!^)([A-Z])", r"_\1", v).lower() for v in variants]
bit = {name: 1 << i for i, name in enumerate(snake)}

conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
rows = conn.execute(
    "SELECT id, lng, lat, amenities, opening_hours, follows_working_calendar, status FROM stations "
    "WHERE status IN ('open', 'suspended') ORDER BY id"
).fetchall()

open_by_key = {}
for hours, fwc, status, probe in conn.execute(
    "SELECT opening_hours, follows_working_calendar, status, MIN(id) FROM stations "
    "WHERE status IN ('open', 'suspended') GROUP BY 1, 2, 3"
):
    with urllib.request.urlopen(f"{base}/api/v1/stations/{probe}?open_at={open_at}") as r:
        open_by_key[(hours, fwc, status)] = json.load(r)["open"]
print(f"open states of {len(open_by_key)} (hours, calendar, status) kinds taken from the server", file=sys.stderr)

opened = 0
for sid, lng, lat, amenities, hours, fwc, status in rows:
    mask = 0
    for name in json.loads(amenities):
        mask |= bit[name]
    is_open = open_by_key[(hours, fwc, status)]
    opened += is_open
    print(f"{sid},{lng!r},{lat!r},{mask},{'t' if is_open else 'f'}")
print(f"{len(rows)} listed stations, {opened} open at {open_at}; phone_charging bit = {bit['phone_charging']}", file=sys.stderr)
