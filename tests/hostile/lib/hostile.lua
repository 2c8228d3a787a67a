-- hostile.lua: the helpers the hostile scripts share.  run_hostile.py
-- copies this file into every script's working directory, where a script
-- under --sandbox loads it with `local H = require "hostile"`.  Only the
-- checks and the tools of an attack live here; each attack stays in its
-- script.
local H = {}

-- refused: raised an error, or returned nil (and a message)
function H.refused(f, ...)
  local ok, result = pcall(f, ...)
  return not ok or result == nil or result == false
end

-- a statistic that is absent or a finite number (never inf or NaN)
function H.finite(x)
  return x == nil or (type(x) == "number" and x == x and x > -math.huge and x < math.huge)
end

-- sim(opts): m:simulate in a pcall, 2,000 trials and two outputs unless
-- opts says otherwise
function H.simulator(m)
  return function(opts)
    opts.trials = opts.trials or 2000
    opts.outputs = opts.outputs or {"op_income@3Q02", "rev.a@3Q02"}
    return pcall(m.simulate, m, opts)
  end
end

-- check(dist, label), try(label, make, ...): a run of m with dist drawn
-- for rev.a@3Q02 either refuses the parameters or gives finite statistics
-- (a draw or an output that overflows is an invalid trial, never inf or
-- NaN); try makes the distribution first and checks it if it was made
function H.distribution_checks(m)
  local sim = H.simulator(m)
  local finite = H.finite
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
  return check, try
end

-- a table that runs attack() on every read, length and pairs of it, then
-- answers as real does
function H.proxy(real, attack)
  return setmetatable({}, {
    __index = function(_, k) attack(); return real[k] end,
    __len = function() attack(); return #real end,
    __pairs = function() attack(); return next, real, nil end,
  })
end

-- an attack that closes the model m and the scenario s and collects
function H.closer(m, s)
  return function()
    pcall(m.close, m); pcall(s.close, s)
    collectgarbage(); collectgarbage()
  end
end

-- arm(n): n garbage tables whose finalizers close the model m and the
-- scenario s (the script sets the collector to step so that they run in
-- the middle of its next calls)
function H.armer(m, s)
  return function(n)
    for _ = 1, n do
      setmetatable({}, {__gc = function()
        pcall(m.close, m); pcall(s.close, s)
      end})
    end
  end
end

-- one value of every kind kessan hands out, made from the model m and its
-- scenario s: a Grid, a Simulation result, a tornado result, an Explain
-- tree, a Comparison, a Series and the same detached, and a list of one
-- distribution of each family; returned as values for the script's own
-- locals (no table here holds them), so the script can drop and collect
-- each one
function H.every_kind(m, s)
  local kessan = require "kessan"
  local g = s:datatable{rows = {"rev.a@3Q02", {1, 2}}, out = "op_income@3Q02"}
  local r = m:simulate{trials = 500, draws = {["rev.a@3Q02"] = kessan.normal(160, 5)},
                       outputs = {"op_income@3Q02"}}
  local t = s:tornado{out = "op_income@3Q02", inputs = {"rev.a@3Q02", "rev.b@3Q02"}}
  local tree = m:explain("op_income@3Q02")
  local cmp = kessan.compare{m, s}
  local series = m["rev.a"]
  local detached = series:detach()
  local dists = {kessan.normal(1, 2), kessan.lognormal(0, 1), kessan.uniform(0, 1),
    kessan.triangular(0, 1, 2), kessan.pert(0, 1, 2), kessan.fixed(3),
    kessan.discrete{values = {1, 2}}}
  return g, r, t, tree, cmp, series, detached, dists
end

-- take x's metatable if it is reachable and strip or replace what keeps
-- the handle sound: finalizer, close, index, tostring, length, equality;
-- true if it was reachable
function H.tamper(x)
  local mt = getmetatable(x)
  if type(mt) ~= "table" then return false end
  mt.__gc = nil; mt.__close = nil; mt.__len = nil
  mt.__index = function(self, k) return rawequal(self, x) and 42 or nil end
  mt.__tostring = function() return 1 end
  mt.__eq = function() error("tampered __eq") end
  mt.__name = 7
  return true
end

-- large_workbook(kessan, items, path): a model of `items` items by the
-- 400 quarters of 2000-2099, every cell an input, exported to the
-- workbook `path` (an Inputs sheet of about 32 KB of XML an item, so that
-- 300 items pass the 8 MB at which a sheet is read in two halves);
-- returns the model
function H.large_workbook(kessan, items, path)
  local m = kessan.new{first_year = 2000, last_year = 2099,
                       fiscal_year_end_month = 3}
  local periods = {}
  for year = 0, 99 do
    for q = 1, 4 do periods[#periods + 1] = string.format("%dQ%02d", q, year) end
  end
  for k = 1, items do
    local id = "a" .. k
    m:define(id, "", {statement = "is", rule = "sum"})
    for p, period in ipairs(periods) do m:set(id, period, k * 1000 + p + 0.25) end
  end
  assert(m:export(path, {format = "xlsx"}))
  return m
end

return H
