-- wrk script: GET /api/v1/stations/nearest, cycling through a fixed origin list.
--
-- Each wrk thread starts at a different offset of the list (written by
-- bench/origins.py) and walks it round-robin. The query is nearest 10, one
-- amenity (phone_charging), open now; OPEN_AT (env) pins "now" so that the
-- answers are comparable with PostGIS; LIMIT (env) overrides limit=10.
--
-- Run:  ORIGINS=/tmp/bench/origins.csv OPEN_AT=2025-06-10T21:40 \
--       wrk -t2 -c64 -d20s --latency -s bench/nearest.lua http://127.0.0.1:8090

local origins = {}
local file = assert(io.open(os.getenv("ORIGINS") or "/tmp/bench/origins.csv"))
for line in file:lines() do
  local lat, lng = line:match("([^,]+),([^,]+)")
  if lat then origins[#origins + 1] = { lat, lng } end
end
file:close()
assert(#origins > 0, "no origins")

local open_at = os.getenv("OPEN_AT")
local limit = os.getenv("LIMIT") or "10"
local suffix = "&limit=" .. limit .. "&open=true&amenity=phone_charging"
if open_at and open_at ~= "" then suffix = suffix .. "&open_at=" .. open_at end

local counter = 0
local next_id = 0
function setup(thread)
  thread:set("offset", next_id * 397)
  next_id = next_id + 1
end

function request()
  counter = counter + 1
  local o = origins[((offset or 0) + counter) % #origins + 1]
  return wrk.format("GET", "/api/v1/stations/nearest?lat=" .. o[1] .. "&lng=" .. o[2] .. suffix)
end

function done(summary, latency, requests)
  local s = summary
  io.write(string.format("RESULT requests=%d duration_s=%.2f rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f non2xx=%d errors=%d\n",
    s.requests, s.duration / 1e6, s.requests / (s.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    s.errors.status, s.errors.connect + s.errors.read + s.errors.write + s.errors.timeout))
end
