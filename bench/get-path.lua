-- wrk script: GET one path (PATH, env) signed in with TOKEN (env).
-- Run:  TOKEN=… PATH_TO=/api/v1/orgs/2/appeals?queue=overdue wrk -t2 -c8 -d15s --latency -s bench/get-path.lua http://127.0.0.1:8091

local token = assert(os.getenv("TOKEN"))
local path = assert(os.getenv("PATH_TO"))

function request()
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end

function done(summary, latency, requests)
  local s = summary
  io.write(string.format("RESULT requests=%d duration_s=%.2f rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f non2xx=%d errors=%d\n",
    s.requests, s.duration / 1e6, s.requests / (s.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    s.errors.status, s.errors.connect + s.errors.read + s.errors.write + s.errors.timeout))
end
