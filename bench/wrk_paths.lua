-- wrk script for bench/http_bench.py: GETs that cycle through the paths in $BENCH_PATHS, or, with
-- $BENCH_FRESH=1, with a new number appended to every request (so no cache can answer).
-- Prints one JSON line of figures when done.
local paths, headers, fresh, start = {}, {}, os.getenv("BENCH_FRESH") == "1", tonumber(os.getenv("BENCH_START") or "0")
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
if os.getenv("BENCH_ACCEPT") ~= "" then headers["Accept"] = os.getenv("BENCH_ACCEPT") end

local threads, counter = {}, 0
function setup(thread)
  thread:set("id", #threads)
  threads[#threads + 1] = thread
end

function init()
  counter = start + id * 100000000
end

function request()
  counter = counter + 1
  local path = paths[(counter % #paths) + 1]
  if fresh then
    return wrk.format("GET", path .. counter, headers)
  end
  return wrk.format("GET", path, headers)
end

function done(summary, latency)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %f, "p50_ms": %f, "p99_ms": %f, "errors": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    errors.connect + errors.read + errors.write + errors.status + errors.timeout))
end
