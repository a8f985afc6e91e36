#!/usr/bin/env bash
# PostGIS baseline for the nearest-station benchmark.
#
# Loads the same listed stations as the Waystation server (CSV from
# bench/postgis_data.py) into database ws_bench_postgis on the local
# PostgreSQL 15 (127.0.0.1:5432, user postgres), with a GiST index on a
# geography column, plus the query origins (bench/origins.py) as a table; then
# times the KNN query with pgbench (-M prepared, bounded by -T):
#   SELECT id FROM stations WHERE amenities & 4 = 4 AND open_now
#   ORDER BY geog <-> <origin n> LIMIT 10
# The origin is a scalar subquery on the origins table (an InitPlan, evaluated
# once, so the GiST index still drives the ordering; EXPLAIN is printed).
#
# Needs: apt-get install -y postgresql-15-postgis-3 (and pgbench from postgresql-client).
# Run:   bench/postgis.sh /tmp/bench/stations.csv /tmp/bench/origins.csv [seconds]
set -euo pipefail
STATIONS=${1:?stations.csv}; ORIGINS=${2:?origins.csv}; SECONDS_=${3:-20}
PG="-h 127.0.0.1 -p 5432 -U postgres"
DB=ws_bench_postgis
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT

psql $PG -q -v ON_ERROR_STOP=1 -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
awk -F, '{ printf "%d,%s,%s\n", NR, $1, $2 }' "$ORIGINS" > "$WORK/origins.csv"
start=$(date +%s.%N)
psql $PG -q -v ON_ERROR_STOP=1 -d $DB <<SQL
CREATE EXTENSION postgis;
CREATE TABLE stations_raw (id bigint, lng float8, lat float8, amenities int, open_now boolean);
\copy stations_raw FROM '$STATIONS' WITH (FORMAT csv)
CREATE TABLE stations (id bigint PRIMARY KEY, geog geography(Point,4326) NOT NULL, amenities int NOT NULL, open_now boolean NOT NULL);
INSERT INTO stations SELECT id, ST_SetSRID(ST_MakePoint(lng, lat), 4326)::geography, amenities, open_now FROM stations_raw;
DROP TABLE stations_raw;
CREATE INDEX stations_geog ON stations USING gist (geog);
CREATE TABLE origins (n int PRIMARY KEY, lat float8 NOT NULL, lng float8 NOT NULL);
\copy origins FROM '$WORK/origins.csv' WITH (FORMAT csv)
VACUUM ANALYZE stations;
VACUUM ANALYZE origins;
SQL
echo "load + index + analyze: $(echo "$(date +%s.%N) - $start" | bc) s"
psql $PG -At -d $DB -c "SELECT count(*), count(*) FILTER (WHERE open_now), pg_size_pretty(pg_total_relation_size('stations')) FROM stations"

N=$(wc -l < "$ORIGINS")
cat > "$WORK/query.sql" <<SQL
\set n random(1, $N)
SELECT id FROM stations WHERE amenities & 4 = 4 AND open_now
ORDER BY geog <-> (SELECT ST_SetSRID(ST_MakePoint(lng, lat), 4326)::geography FROM origins WHERE n = :n) LIMIT 10;
SQL
echo "--- plan"
psql $PG -d $DB -c "EXPLAIN (ANALYZE, BUFFERS) SELECT id FROM stations WHERE amenities & 4 = 4 AND open_now
ORDER BY geog <-> (SELECT ST_SetSRID(ST_MakePoint(lng, lat), 4326)::geography FROM origins WHERE n = 1) LIMIT 10"
echo "--- pgbench, 1 client (per-query latency)"
pgbench $PG -n -M prepared -f "$WORK/query.sql" -c 1 -j 1 -T "$SECONDS_" $DB 2>&1 | grep -E 'latency|tps|transactions actually'
echo "--- pgbench, 4 clients, 2 threads"
pgbench $PG -n -M prepared -f "$WORK/query.sql" -c 4 -j 2 -T "$SECONDS_" $DB 2>&1 | grep -E 'latency|tps|transactions actually'
echo "--- pgbench, 64 clients, 2 threads (the wrk concurrency)"
pgbench $PG -n -M prepared -f "$WORK/query.sql" -c 64 -j 2 -T "$SECONDS_" $DB 2>&1 | grep -E 'latency|tps|transactions actually'
