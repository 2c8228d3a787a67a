-- tornado with NaN, infinite and negative swings and bounds
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
for _, sw in ipairs{0/0, 1/0, -1, -1/0, 1e308, 0, math.mininteger} do
  local ok, t = pcall(s.tornado, s, {out = "op_income@3Q02", inputs = {"rev.a@3Q02", "rev.b@3Q02"}, swing = sw})
  if ok then pcall(tostring, t); for _, bar in ipairs(t) do assert(finite(bar.spread)) end end
end
for _, b in ipairs{{0/0, 1}, {1, 1/0}, {-1e308, 1e308}} do
  local ok, t = pcall(s.tornado, s, {out = "op_income@3Q02", inputs = {{"rev.a@3Q02", b[1], b[2]}}})
  if ok then pcall(tostring, t); for _, bar in ipairs(t) do assert(finite(bar.spread), "spread " .. tostring(bar.spread)) end end
end
