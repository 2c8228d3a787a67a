-- two finite draws whose sum overflows in every trial
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
-- a run either refuses the parameters or gives finite statistics (a draw
-- or an output that overflows is an invalid trial, never inf or NaN)
local function check(dist, label)
  local ok, r = sim{draws = {["rev.a@3Q02"] = dist}}
  if not ok then return end
  for _, c in ipairs(r:outputs()) do
    for _, f in ipairs{"mean", "sd", "min", "max"} do
      assert(finite(r[f](r, c)), label .. ": " .. f .. " of " .. c .. " = " .. tostring(r[f](r, c)))
    end
    for _, q in ipairs{0, 5, 50, 95, 100} do
      local v = r:percentile(c, q)
      assert(finite(v), label .. ": p" .. q .. " = " .. tostring(v))
    end
    assert(r:count(c) + r:invalid(c) == r:trials(), label .. ": counts")
    if r:count(c) > 0 then assert(r:mean(c) ~= nil, label .. ": no mean with " .. r:count(c) .. " numbers") end
  end
end
local function try(label, make, ...)
  local ok, d = pcall(make, ...)
  if ok then check(d, label) end
end
local ok, r = sim{draws = {["rev.a@3Q02"] = kessan.uniform(1e308, 1.7e308), ["rev.b@3Q02"] = kessan.uniform(1e308, 1.7e308)},
  outputs = {"rev.total@3Q02", "op_income@3Q02"}}
if ok then
  for _, c in ipairs(r:outputs()) do
    for _, f in ipairs{"mean", "sd", "min", "max"} do assert(finite(r[f](r, c)), f .. " of " .. c .. " = " .. tostring(r[f](r, c))) end
    assert(finite(r:percentile(c, 50)))
  end
end
