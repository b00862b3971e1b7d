-- Replays a request file written by `manage.py bench_setup`: one request a line,
-- METHOD \t PATH \t COOKIE \t CSRF \t BODY \t HTMX. Each thread starts at its own offset.
-- At the end, prints one JSON line with throughput, latency percentiles and errors.
local file = os.getenv("BENCH_REQUESTS")
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local lines = {}
local index = 1

function init(args)
  for line in io.lines(file) do
    if #line > 0 then table.insert(lines, line) end
  end
  index = (id * 7919) % #lines + 1
end

local function split(line)
  local fields = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do table.insert(fields, field) end
  return fields
end

function request()
  local f = split(lines[index])
  index = index % #lines + 1
  local headers = {Cookie = f[3], ["X-CSRFToken"] = f[4], Host = "127.0.0.1"}
  if f[6] == "1" then headers["HX-Request"] = "true" end
  local body = nil
  if f[1] == "POST" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    body = f[5]
  end
  return wrk.format(f[1], f[2], headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    e.connect, e.read, e.write, e.status, e.timeout))
end
