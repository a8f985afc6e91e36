#!/usr/bin/env bash
# Runs every station-search benchmark in one go, in the order BENCHMARKS.md
# reports them: criterion (in process), wrk against the running server, PostGIS
# with pgbench, then the result-identity check. Expects the release server on
# 127.0.0.1:8090 over the 200,000-station scale set, and the files written by
# bench/origins.py and bench/postgis_data.py (see BENCHMARKS.md, Commands).
#
# Run:  bench/run-all.sh [/tmp/bench]
set -euo pipefail
WORK=${1:-/tmp/bench}
HERE=$(cd "$(dirname "$0")" && pwd)
PID=$(pgrep -f "serve --listen 127.0.0.1:8090" | head -n1)
echo "start $(date -u +%FT%TZ), $(uptime)"
(cd "$HERE/.." && cargo bench -p waystation-domain --bench nearest 2>&1 | grep -E '^[a-z0-9_]+/|time:|thrpt:')
echo "--- http $(date -u +%FT%TZ), $(uptime)"
"$HERE/run-http.sh" "$PID" "$WORK/origins.csv" 20 64
echo "--- postgis $(date -u +%FT%TZ), $(uptime)"
"$HERE/postgis.sh" "$WORK/stations.csv" "$WORK/origins.csv" 20
echo "--- identity $(date -u +%FT%TZ)"
python3 "$HERE/compare.py" http://127.0.0.1:8090 2025-06-10T21:40 1000
echo "end $(date -u +%FT%TZ)"
