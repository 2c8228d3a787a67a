-- a calendar of 1950-2060: period ids must stay unique, or the calendar is refused
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
local ok, x = pcall(kessan.new, {first_year = 1950, last_year = 2060, fiscal_year_end_month = 12})
if ok and x then
  local seen = {}
  for _, p in ipairs(x:periods()) do assert(not seen[p], "period id " .. p .. " twice"); seen[p] = true end
end
