-- wrk script for the Flask baselines: picks the workload's path from WRK_WORKLOAD
-- (return1, point, twohop, stream), draws ids uniformly from 1..WRK_MAX_ID with a seeded
-- generator per thread (WRK_SEED + thread number), and on exit writes one JSON object with
-- requests, errors, bytes and p50/p90/p99/p99.9 latency (microseconds) to WRK_JSON.

local workload = os.getenv("WRK_WORKLOAD") or "point"
local max_id = tonumber(os.getenv("WRK_MAX_ID") or "10000")
local seed = tonumber(os.getenv("WRK_SEED") or "20240909")
local fixed_id = tonumber(os.getenv("WRK_FIXED_ID") or "")
local out = os.getenv("WRK_JSON")

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("thread_number", counter)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(seed + thread_number)
end

function request()
  if workload == "return1" or workload == "stream" then
    return wrk.format("GET", "/" .. workload)
  end
  local id = fixed_id or math.random(1, max_id)
  return wrk.format("GET", "/" .. workload .. "/" .. id)
end

function done(summary, latency, requests)
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.status + e.timeout
  local function q(p) return latency:percentile(p) end
  local json = string.format(
    '{"mode":"wrk","workload":"%s","requests":%d,"errors":%d,"errors_detail":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},"bytes":%d,"duration_s":%.6f,"latency_us":{"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d,"mean":%.1f}}',
    workload, summary.requests, errors, e.connect, e.read, e.write, e.status, e.timeout,
    summary.bytes, summary.duration / 1e6,
    q(50), q(90), q(99), q(99.9), latency.max, latency.mean)
  if out then
    local f = io.open(out, "w")
    f:write(json .. "\n")
    f:close()
  end
  io.stderr:write(json .. "\n")
end
