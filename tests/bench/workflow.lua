-- workflow.lua: wrk script for tests/bench/workflow.sh: each request approves the next pending member (R16) as a county bureau.
-- Member ids come from the file in env IDS_FILE; thread t of n takes ids t, t+n, t+2n, ...
local threads = {}
local nthreads = 0

function setup(thread)
  nthreads = nthreads + 1
  thread:set("tid", nthreads)
  table.insert(threads, thread)
end

function init(args)
  ids = {}
  for line in io.lines(os.getenv("IDS_FILE")) do ids[#ids + 1] = line end
  n = tonumber(os.getenv("WRK_THREADS"))
  k = 0
  errors = 0
  ok = 0
  exhausted = 0
  headers = {
    ["Content-Type"] = "application/json",
    ["Cookie"] = os.getenv("COOKIE"),
    ["X-CSRF-Token"] = os.getenv("CSRF"),
  }
end

function request()
  local i = tid + k * n
  k = k + 1
  local id = ids[i]
  if not id then
    exhausted = exhausted + 1
    return wrk.format("GET", "/api/v1/health")
  end
  return wrk.format("POST", "/api/v1/members/" .. id .. "/actions", headers, '{"action":"approve","expected_version":2}')
end

function response(status, headers, body)
  if status == 200 then ok = ok + 1 else errors = errors + 1 end
end

function done(summary, latency, requests)
  local oks, errs, ex = 0, 0, 0
  for _, t in ipairs(threads) do
    oks = oks + t:get("ok")
    errs = errs + t:get("errors")
    ex = ex + t:get("exhausted")
  end
  local secs = summary.duration / 1e6
  io.write(string.format("RESULT approvals=%d errors=%d exhausted=%d seconds=%.2f rate=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    oks, errs, ex, secs, oks / secs, latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
