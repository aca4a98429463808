-- auth-login.lua: wrk script for tests/bench/auth.sh: POST /api/v1/session with a demo account; counts 201s.
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  ok, limited, other = 0, 0, 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.body = string.format('{"username":"%s","password":"%s"}', os.getenv("BENCH_USER") or "clerk_a", os.getenv("BENCH_PASSWORD") or "Xueji@2026demo")
end
function response(status, headers, body)
  if status == 201 then ok = ok + 1 elseif status == 429 then limited = limited + 1 else other = other + 1 end
end
function done(summary, latency, requests)
  local o, l, x = 0, 0, 0
  for _, t in ipairs(threads) do o = o + t:get("ok"); l = l + t:get("limited"); x = x + t:get("other") end
  local s = summary.duration / 1e6
  io.write(string.format("login_ok %d\nlogin_429 %d\nlogin_other %d\nlogin_seconds %.1f\nlogins_per_s %.1f\nlogin_p50_ms %.1f\nlogin_p99_ms %.1f\n",
    o, l, x, s, o / s, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
