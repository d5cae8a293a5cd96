-- POSTs one cramp per request, each with its own start time: no "already logged" refusals.
-- wrk gives every thread its own Lua state; the thread number keeps their times apart.
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  thread_id = tonumber(id) or 0
  base = tonumber(os.getenv("BENCH_BASE_EPOCH"))
end

request = function()
  counter = counter + 1
  -- 1,000,000 seconds (11.5 days) per thread: far more requests than one run makes.
  local t = base + thread_id * 1000000 + counter
  local body = string.format('{"started_at": "%s", "severity": 5}', os.date("!%Y-%m-%dT%H:%M:%S+00:00", t))
  return wrk.format("POST", nil, nil, body)
end
