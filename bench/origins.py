#!/usr/bin/env python3
"""Deterministic query origins for the station-search benchmarks.

Takes every 200th station (by id) of a Waystation SQLite database, jitters its
WGS-84 coordinates by up to ±0.02° with a fixed seed, and writes `lat,lng`
lines, so the HTTP run (wrk), the PostGIS run (pgbench) and the result check
all ask the same questions.

Run:  python3 bench/origins.py /tmp/bench/ws.db /tmp/bench/origins.csv [count]
"""
import random
import sqlite3
import sys

db, out = sys.argv[1], sys.argv[2]
count = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
rows = sqlite3.connect(f"file:{db}?mode=ro", uri=True).execute("SELECT lat, lng FROM stations ORDER BY id").fetchall()
step = max(1, len(rows) // count)
rng = random.Random(20250610)
with open(out, "w") as f:
    for lat, lng in rows[::step][:count]:
        f.write(f"{lat + rng.uniform(-0.02, 0.02):.6f},{lng + rng.uniform(-0.02, 0.02):.6f}\n")
print(f"{min(count, len(rows[::step]))} origins from {len(rows)} stations written to {out}")
