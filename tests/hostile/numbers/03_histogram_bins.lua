-- r:histogram with zero, negative, NaN, huge and integer-extreme bin counts
-- expect: any
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
local ok, r = sim{draws = {["rev.a@3Q02"] = kessan.normal(160, 5)}}
assert(ok, r)
for _, bins in ipairs{0, -1, 0/0, 1/0, 1e18, math.maxinteger, math.mininteger, 2^31, 2^32 + 1, 1.5, 1e9} do
  local ok2, counts, edges = pcall(r.histogram, r, "op_income@3Q02", bins)
  if ok2 and counts then assert(#edges == #counts + 1) end
end
