-- simulate with bad threads and seeds: each refused
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
-- refused: raised an error, or returned nil (and a message)
local function refused(f, ...)
  local ok, result = pcall(f, ...)
  return not ok or result == nil or result == false
end
local function finite(x)
  return x == nil or (type(x) == "number" and x == x and x > -math.huge and x < math.huge)
end
local function sim(opts)
  opts.trials = opts.trials or 2000
  opts.outputs = opts.outputs or {"op_income@3Q02", "rev.a@3Q02"}
  return pcall(m.simulate, m, opts)
end
for _, t in ipairs{0/0, 0, -1, 257, 1e9, 2^53, 1/0, 0.5} do
  assert(not sim{trials = 100, threads = t, draws = {["rev.a@3Q02"] = 1}}, "threads = " .. tostring(t))
end
for _, seed in ipairs{-1, 0/0, 1/0, 1e300, 0.5, math.mininteger} do
  assert(not sim{trials = 100, seed = seed, draws = {["rev.a@3Q02"] = 1}}, "seed = " .. tostring(seed))
end
