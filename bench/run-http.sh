#!/usr/bin/env bash
# HTTP benchmark of GET /api/v1/stations/nearest against a running Waystation.
#
# Runs wrk (Debian package `wrk`) with bench/nearest.lua, which cycles through
# the origins written by bench/origins.py: nearest 10 with amenity=phone_charging
# and open=true at a fixed open_at; then the same with limit=1 (to separate the
# index search from loading the stations' records), then GET /healthz as a
# ceiling for the HTTP stack. Prints the server's RSS before and after.
# wrk and the server share this machine's cores.
#
# Run:  bench/run-http.sh <server pid> /tmp/bench/origins.csv [seconds=20] [connections=64]
set -euo pipefail
PID=${1:?server pid}; ORIGINS=${2:?origins.csv}; SECS=${3:-20}; CONNS=${4:-64}
URL=http://127.0.0.1:8090
HERE=$(cd "$(dirname "$0")" && pwd)
export ORIGINS OPEN_AT=${OPEN_AT:-2025-06-10T21:40}
curl -sf "$URL/readyz" >/dev/null || { echo "server not ready at $URL" >&2; exit 1; }
echo "RSS before: $(ps -o rss= -p "$PID") KiB"
for limit in 10 1; do
  echo "--- nearest limit=$limit, wrk -t2 -c$CONNS -d${SECS}s"
  LIMIT=$limit timeout $((SECS + 30)) wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s "$HERE/nearest.lua" "$URL" | grep -E 'RESULT|Transfer/sec'
  echo "RSS after: $(ps -o rss= -p "$PID") KiB"
done
echo "--- nearest limit=10, 4 connections (pgbench -c4 comparison)"
LIMIT=10 timeout $((SECS + 30)) wrk -t2 -c4 -d"${SECS}s" --latency -s "$HERE/nearest.lua" "$URL" | grep RESULT
echo "--- GET /healthz, wrk -t2 -c$CONNS -d${SECS}s"
timeout $((SECS + 30)) wrk -t2 -c"$CONNS" -d"${SECS}s" --latency "$URL/healthz" | grep -E 'Requests/sec|50%|99%'
echo "RSS end: $(ps -o rss= -p "$PID") KiB"
