#!/usr/bin/env bash
# Appeals benchmarks on one backend: load N scale-set appeals, time the
# deadline sweep, then with the server running: filing over HTTP (wrk, new
# idempotency key each request: routing, case number, timeline, audit row and
# notifications included) and queue pages (wrk).
#
# Run:  bench/appeals.sh sqlite 100000
#       bench/appeals.sh postgres 100000      # database ws_bench_appeals on 127.0.0.1
# Needs target/release/waystation (cargo build --release -p waystation) and wrk.
set -euo pipefail
backend="${1:-sqlite}"
n="${2:-100000}"
bin="${WAYSTATION_BIN:-target/release/waystation}"
work="${BENCH_DIR:-/tmp/bench-appeals}"
port="${PORT:-8091}"
keep="${KEEP_DB:-}"   # KEEP_DB=1: reuse the database of an earlier run (no load)
mkdir -p "$work"
case "$backend" in
  sqlite) [ -n "$keep" ] || rm -f "$work"/ws.db*; db="sqlite:$work/ws.db" ;;
  postgres)
    [ -n "$keep" ] || psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS ws_bench_appeals" -c "CREATE DATABASE ws_bench_appeals" postgres
    db="postgres://postgres@127.0.0.1:5432/ws_bench_appeals" ;;
  *) echo "backend is sqlite or postgres" >&2; exit 2 ;;
esac

"$bin" --database-url "$db" migrate >/dev/null
if [ -z "$keep" ]; then
  echo "== load: demo (tree, accounts) then demo --appeals $n"
  start=$(date +%s.%N)
  "$bin" --database-url "$db" demo --appeals "$n" | head -1
  echo "RESULT load_s=$(echo "$(date +%s.%N) - $start" | bc)"
fi

echo "== the deadline sweep over every open case (twice: the first fires the lights, the second finds them fired)"
"$bin" --database-url "$db" appeals sweep
"$bin" --database-url "$db" appeals sweep

echo "== serve"
"$bin" --database-url "$db" serve --listen "127.0.0.1:$port" > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
rss_kb=$(ps -o rss= -p "$server")
echo "RESULT server_rss_mb=$((rss_kb / 1024)) (after start, $n appeals)"

# Sign in: a worker (the demo's 赵磊) and the Chongqing admin (陈静), codes from the log.
token_for() {
  curl -fs -XPOST -H 'content-type: application/json' -d "{\"phone\":\"$1\"}" "http://127.0.0.1:$port/api/v1/auth/code" >/dev/null
  sleep 0.3
  code=$(grep "phone=$1" "$work/server.log" | tail -1 | sed -E 's/.*code=([0-9]{6}).*/\1/')
  curl -fs -XPOST -H 'content-type: application/json' -d "{\"phone\":\"$1\",\"code\":\"$code\"}" \
    "http://127.0.0.1:$port/api/v1/auth/sign-in/code" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
worker=$(token_for 13800000007)
admin=$(token_for 13800000002)
chongqing=2

echo "== filing over HTTP (wrk -t2 -c16 -d20s)"
TOKEN="$worker" wrk -t2 -c16 -d20s --latency -s bench/file-appeal.lua "http://127.0.0.1:$port" | grep RESULT
for queue in all own supervised overdue green_channel escalated; do
  echo "== queue page: $queue (Chongqing's subtree, 50 a page)"
  TOKEN="$admin" PATH_TO="/api/v1/orgs/$chongqing/appeals?queue=$queue" wrk -t2 -c8 -d10s --latency -s bench/get-path.lua "http://127.0.0.1:$port" | grep RESULT
done
echo "== dashboard: Chongqing over the past year"
TOKEN="$admin" PATH_TO="/api/v1/orgs/$chongqing/appeals/dashboard" wrk -t2 -c4 -d10s --latency -s bench/get-path.lua "http://127.0.0.1:$port" | grep RESULT
echo "== the national queue (the biggest organisation: every case)"
national=1
sys=$(token_for 13800000001)
TOKEN="$sys" PATH_TO="/api/v1/orgs/$national/appeals?queue=overdue" wrk -t2 -c8 -d10s --latency -s bench/get-path.lua "http://127.0.0.1:$port" | grep RESULT
echo "== dashboard: the whole country over the past year"
TOKEN="$sys" PATH_TO="/api/v1/orgs/$national/appeals/dashboard" wrk -t2 -c4 -d10s --latency -s bench/get-path.lua "http://127.0.0.1:$port" | grep RESULT
rss_kb=$(ps -o rss= -p "$server")
echo "RESULT server_rss_mb_after=$((rss_kb / 1024))"
