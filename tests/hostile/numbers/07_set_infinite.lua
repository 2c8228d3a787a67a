-- infinite and NaN inputs (also as strings such as 1e309) are refused
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
for _, v in ipairs{math.huge, -math.huge, 0/0, "1e309", "-1e400", "nan", "inf", "0x1p2000"} do
  assert(refused(m.set, m, "rev.a@3Q02", v), "set " .. tostring(v) .. " accepted")
  local a = m["rev.b"]
  assert(not pcall(function() a["3Q02"] = v end), "series set " .. tostring(v) .. " accepted")
end
local v = m:get("rev.total@FY02")
assert(finite(v), "FY02 total " .. tostring(v))
