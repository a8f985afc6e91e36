#!/usr/bin/env python3
"""Checks that Waystation and PostGIS give the same nearest-10 lists.

For the first N origins of the list it asks the server
  GET /api/v1/stations/nearest?lat&lng&limit=10&open=true&amenity=phone_charging&open_at=T
and PostGIS (database ws_bench_postgis, from bench/postgis.sh)
  SELECT id FROM stations WHERE amenities & 4 = 4 AND open_now ORDER BY geog <-> origin LIMIT 10
(one psql call, a correlated subquery per origin), and counts identical id
lists. A list that differs only by the order of stations at the same distance
(within 1 mm, PostGIS's sphere distance) is counted separately as a tie.

Run:  python3 bench/compare.py http://127.0.0.1:8090 2025-06-10T21:40 [N=200]
"""
import json
import subprocess
import sys
import urllib.request

base, open_at = sys.argv[1], sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 200
assert base.startswith("http://127.0.0.1"), "only the local server"

sql = f"""
SELECT o.n, o.lat, o.lng, (SELECT json_agg(json_build_array(k.id, k.d) ORDER BY k.knn, k.pos) FROM (
    SELECT id, ST_Distance(geog, p.g, false) AS d, geog <-> p.g AS knn, row_number() OVER () AS pos
    FROM stations, (SELECT ST_SetSRID(ST_MakePoint(o.lng, o.lat), 4326)::geography AS g) p
    WHERE amenities & 4 = 4 AND open_now ORDER BY geog <-> p.g LIMIT 10) k)
FROM origins o WHERE o.n <= {n} ORDER BY o.n
"""
out = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "ws_bench_postgis", "-At", "-F", "\t", "-c", sql],
                     check=True, capture_output=True, text=True).stdout
same = ties = differ = 0
max_dist_gap = 0.0
for line in out.splitlines():
    num, lat, lng, js = line.split("\t")
    pg = json.loads(js)
    pg_ids = [i for i, _ in pg]
    url = f"{base}/api/v1/stations/nearest?lat={lat}&lng={lng}&limit=10&open=true&amenity=phone_charging&open_at={open_at}"
    with urllib.request.urlopen(url) as r:
        items = json.load(r)["items"]
    ws_ids = [it["id"] for it in items]
    for it, (_, d) in zip(items, pg):
        max_dist_gap = max(max_dist_gap, abs(it["distance_m"] - d))
    if ws_ids == pg_ids:
        same += 1
    elif sorted(ws_ids) == sorted(pg_ids) and all(
        abs(dict(pg)[a] - dict(pg)[b]) < 1e-3 for a, b in zip(ws_ids, pg_ids) if a != b
    ):
        ties += 1
    else:
        differ += 1
        print(f"origin {num} ({lat},{lng}) differs:\n  waystation {ws_ids}\n  postgis    {pg_ids} {[round(d, 2) for _, d in pg]}")
print(f"RESULT origins={same + ties + differ} identical={same} tie_order_only={ties} different={differ} "
      f"max_distance_gap_m={max_dist_gap:.2f} (API distances are rounded to 0.1 m)")
