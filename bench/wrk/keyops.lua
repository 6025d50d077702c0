-- wrk script for bench/verify.ts (driven by bench/wrk.ts; read by wrk's LuaJIT, not by Node).
--
-- Each thread takes every Nth line of KEYOPS_WRK_ITEMS (N = threads) and builds its requests once,
-- in init, so sending costs wrk nothing but a table index. KEYOPS_WRK_MODE says what a line is:
--   verify     a key: POST {"key": "<line>"} with Authorization: Bearer KEYOPS_WRK_TOKEN
--   authorize  a key: GET with Authorization: Bearer <line> and X-Keyops-Gateway-Token
--   body       a whole JSON body: POST it with Authorization: Bearer KEYOPS_WRK_TOKEN
-- A thread that used all its lines starts over and counts a wrap (reported as "wrapped": a run
-- that must not repeat keys checks it). KEYOPS_WRK_DELAY_MS paces each connection (the flood).
-- done() prints one JSON line; latencies are wrk's, in microseconds.

local mode = os.getenv("KEYOPS_WRK_MODE") or "verify"
local items_file = os.getenv("KEYOPS_WRK_ITEMS")
local token = os.getenv("KEYOPS_WRK_TOKEN") or ""
local threads_total = tonumber(os.getenv("KEYOPS_WRK_THREADS") or "1")
local delay_ms = tonumber(os.getenv("KEYOPS_WRK_DELAY_MS") or "0")

local threads = {}
local counter = 0

function setup(thread)
  thread:set("index", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  requests = {}
  wrapped = 0
  position = 0
  local n = 0
  local path = wrk.path
  for line in io.lines(items_file) do
    if n % threads_total == index then
      local r
      if mode == "verify" then
        r = wrk.format("POST", path, { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, '{"key":"' .. line .. '"}')
      elseif mode == "authorize" then
        r = wrk.format("GET", path, { ["Authorization"] = "Bearer " .. line, ["X-Keyops-Gateway-Token"] = token })
      else
        r = wrk.format("POST", path, { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, line)
      end
      table.insert(requests, r)
    end
    n = n + 1
  end
  if #requests == 0 then error("no requests for thread " .. index .. " in " .. items_file) end
end

function request()
  position = position + 1
  if position > #requests then
    position = 1
    wrapped = wrapped + 1
  end
  return requests[position]
end

if delay_ms > 0 then
  function delay()
    return delay_ms
  end
end

function done(summary, latency, requests)
  local wraps = 0
  for _, thread in ipairs(threads) do wraps = wraps + (thread:get("wrapped") or 0) end
  local e = summary.errors
  io.write(string.format(
    '{"keyopsWrk":true,"requests":%d,"durationUs":%d,"p50Us":%d,"p90Us":%d,"p99Us":%d,"maxUs":%d,"connectErrors":%d,"readErrors":%d,"writeErrors":%d,"statusErrors":%d,"timeouts":%d,"wrapped":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout, wraps))
end
