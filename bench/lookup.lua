-- wrk script of bench/bench_lookup.py: each request looks up a random (code, last four digits)
-- pair of the file given after "--" (one "code secret" pair a line; about one in ten pairs
-- carries wrong digits, as citizens mistype). With "--" FILE page TOKEN it POSTs the portal's
-- form /tra-cuu/ instead of GET /api/v1/lookup (TOKEN: "csrftoken-cookie form-token").
-- At the end it prints the answers by status and the exact latency percentiles as one line
-- the benchmark reads: "RESULT requests=… 200=… 404=… 429=… other=… p50=… p95=… p99=…".

local pairs_ = {}
local mode = "api"
local cookie, form_token = "", ""
counts = { ["200"] = 0, ["404"] = 0, ["429"] = 0, other = 0 }
local threads = {}

local function load(path)
  local list = {}
  for line in io.lines(path) do
    local code, secret = line:match("^(%S+)%s+(%d+)$")
    if code then list[#list + 1] = { code, secret } end
  end
  return list
end

function setup(thread)
  thread:set("id", #threads + 1)
  threads[#threads + 1] = thread
end

function init(args)
  pairs_ = load(args[1])
  mode = args[2] or "api"
  if mode == "page" then cookie, form_token = args[3], args[4] end
  math.randomseed(os.time() + id * 7919)
end

function request()
  local pair = pairs_[math.random(#pairs_)]
  if mode == "page" then
    local body = "csrfmiddlewaretoken=" .. form_token .. "&ma=" .. pair[1] .. "&so_cuoi=" .. pair[2]
    return wrk.format("POST", "/tra-cuu/", {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Cookie"] = "csrftoken=" .. cookie,
    }, body)
  end
  return wrk.format("GET", "/api/v1/lookup?code=" .. pair[1] .. "&secret=" .. pair[2])
end

function response(status, headers, body)
  local key = tostring(status)
  if counts[key] then counts[key] = counts[key] + 1 else counts.other = counts.other + 1 end
end

function done(summary, latency, requests)
  local total = { ["200"] = 0, ["404"] = 0, ["429"] = 0, other = 0 }
  for _, thread in ipairs(threads) do
    local c = thread:get("counts")
    for k, v in pairs(c) do total[k] = total[k] + v end
  end
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f 200=%d 404=%d 429=%d other=%d errors=%d " ..
    "p50=%.2f p95=%.2f p99=%.2f max=%.2f\n",
    summary.requests, summary.duration / 1e6, total["200"], total["404"], total["429"],
    total.other,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
end
