-- wrk script: POST /api/v1/appeals, each request a new filing with its own
-- Idempotency-Key (so none is replayed), signed in with TOKEN (env).
-- Categories alternate so that some filings take the green channel.
--
-- Run:  TOKEN=… wrk -t2 -c16 -d20s --latency -s bench/file-appeal.lua http://127.0.0.1:8091

local token = assert(os.getenv("TOKEN"), "TOKEN is the bearer token of a signed-in worker")
local categories = { "other", "hardship", "platform_rules" }
local counter = 0
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

function request()
  counter = counter + 1
  local category = categories[counter % #categories + 1]
  local fields = category == "platform_rules" and '{"platform":"某平台"}' or '{}'
  local body = '{"appeal_type":"help","category":"' .. category .. '","text":"压测诉求 ' .. counter ..
    '","fields":' .. fields .. ',"division":"500103"}'
  local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
    ["Idempotency-Key"] = string.format("bench-%d-%d-%d", os.time(), id or 0, counter),
  }
  return wrk.format("POST", "/api/v1/appeals", headers, body)
end

function done(summary, latency, requests)
  local s = summary
  io.write(string.format("RESULT requests=%d duration_s=%.2f rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f non2xx=%d errors=%d\n",
    s.requests, s.duration / 1e6, s.requests / (s.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    s.errors.status, s.errors.connect + s.errors.read + s.errors.write + s.errors.timeout))
end
