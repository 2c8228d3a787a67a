-- test_fuzz.lua -- thousands of random and wrong calls at every function
-- and metamethod of the kessan module (fixed seed): wrong types, nils,
-- userdata of other types, methods called with '.' instead of ':', use
-- after close, errors thrown from inside an operation (option tables whose
-- fields raise), and garbage collection in between.  Every call runs under
-- pcall; the test passes when nothing crashes, every error is a string,
-- and (under the sanitizer build) nothing leaks.
package.path = "tests/lua/?.lua;" .. package.path
local kessan = require "kessan"

local SEED = tonumber(arg and arg[1]) or 20021231
local CALLS = tonumber(arg and arg[2]) or 20000
math.randomseed(SEED)

local DIR = "tests/data/tiny"
local tmp = os.tmpname()

local function pick(list) return list[math.random(#list)] end

local raising = setmetatable({}, {__index = function(_, key)
  error("field " .. tostring(key) .. " raises")
end})

-- live objects, refreshed as the test goes
local live = {}
local function refresh()
  live.model = assert(kessan.open(DIR))
  live.other = assert(kessan.open(DIR))
  live.scenario = live.model:scenario("s" .. math.random(100))
  live.series = live.model["rev.total"]
  live.detached = live.series * 2
  live.closed = assert(kessan.open(DIR))
  live.closed:close()
  live.tree = live.model:explain("op_margin", "3Q02")
  live.comparison = kessan.compare{live.model, live.scenario}
end
refresh()

local strings = {
  "rev.total", "rev.a", "rev.b", "cost.total", "op_income", "op_margin",
  "bs.cash", "rev.totl", "", "@", "rev.total@", "@3Q02", "rev.total@3Q02",
  "rev.a@4Q02", "op_margin@FY02", "3Q02", "4Q02", "FY02", "9M01", "1H02",
  "5Q02", "3Q99", "FY2002", "x", "new.item", ("long"):rep(300),
  "rev.a + rev.b", "rev.total / 0", "op_income[-4]", "a -> b", "(((", "1e308",
  "rev.total@FY01 / rev.total@FY02 - 1", "gross", "if(rev.a > 1, 2, 3)",
  "sum(rev.a, rev.b)", "round(op_margin, 2)", "op_income * op_income",
  "sum", "last", "formula", "low", "base", "\0nul", "é",
}

local function value()
  local r = math.random(20)
  if r <= 6 then return pick(strings) end
  if r == 7 then return nil end
  if r == 8 then return pick{0, -1, 1, 2.5, 1e308, -1e308, 0 / 0, 1 / 0,
                             math.maxinteger, math.mininteger, 170} end
  if r == 9 then return pick{true, false} end
  if r == 10 then return {} end
  if r == 11 then return raising end
  if r == 12 then   -- the options of define, export and import
    return pick{{label = pick(strings), rule = pick(strings), unit = value()},
                {scenario = true, inputs_only = math.random(2) == 1},
                {reported = math.random(2) == 1}}
  end
  if r == 13 then return kessan.missing end
  if r == 14 then return print end
  if r == 15 then return io.stdout end
  if r == 16 then return coroutine.create(print) end
  local objects = {"model", "other", "scenario", "series", "detached",
                   "closed", "tree", "comparison"}
  return live[pick(objects)]
end

local function args(n)
  local list = {}
  for i = 1, n do list[i] = value() end
  return list
end

local method_names = {"get", "set", "define", "scenario", "explain", "items",
                      "item", "periods", "name", "series", "close"}
for _, name in ipairs{"check", "goalseek", "datatable", "tornado"} do
  if live.model[name] then method_names[#method_names + 1] = name end
end
local series_methods = {"get", "periods", "totable", "id", "detach"}
-- export never gets a path inside the checkout
local import_paths = {nil, tmp, "/no-such-directory/x.csv", DIR,
                      DIR .. "/values.csv", {}, true}
local export_paths = {nil, tmp, "/no-such-directory/x.csv", {}, true}

local actions = {
  -- a method of a handle, with ':' or with '.' and a random self
  function()
    local target = pick{live.model, live.scenario, live.closed, live.other}
    local name = pick(method_names)
    local a = args(4)
    if math.random(3) == 1 then
      return target[name](value(), table.unpack(a, 1, 4))
    end
    return target[name](target, table.unpack(a, 1, 4))
  end,
  -- import and export, with paths that cannot scribble in the checkout
  function()
    local target = pick{live.model, live.scenario, live.closed, value()}
    local method = pick{"import", "export"}
    local paths = method == "import" and import_paths or export_paths
    local path = paths[math.random(#paths)]
    local f = (live.model)[method]
    return f(target, path, pick{nil, {}, {scenario = true}, raising,
                                {inputs_only = true}, {reported = true},
                                {inputs_only = true, reported = true}})
  end,
  -- module functions
  function()
    local name = pick{"open", "compare", "format_explain", "new"}
    if name == "open" then
      return kessan.open(pick{DIR, "/no-such-directory", "", nil, 42, {}})
    elseif name == "compare" then
      local t = {}
      for i = 1, math.random(0, 3) do t[i] = value() end
      if math.random(2) == 1 then t.items = pick{{"op_income"}, {1}, value()} end
      if math.random(2) == 1 then t.periods = pick{{"3Q02"}, {"x"}, value()} end
      return kessan.compare(pick{t, value()})
    elseif name == "new" then
      return kessan.new(pick{{first_year = 2001, last_year = 2002},
                             {first_year = value()}, value()})
    end
    return kessan.format_explain(value())
  end,
  -- series: index, newindex, methods
  function()
    local s = pick{live.series, live.detached, value()}
    local r = math.random(3)
    if r == 1 then return s[value()] end
    if r == 2 then s[value()] = value(); return end
    local name = pick(series_methods)
    return live.series[name](s, value())
  end,
  -- metamethods with random operands
  function()
    local a, b = value(), value()
    local r = math.random(9)
    if r == 1 then return a + b end
    if r == 2 then return a - b end
    if r == 3 then return a * b end
    if r == 4 then return a / b end
    if r == 5 then return -a end
    if r == 6 then return a == b end
    if r == 7 then return #a end
    if r == 8 then return tostring(a) end
    local n = 0
    for _ in pairs(a) do n = n + 1; if n > 100 then break end end
    return n
  end,
  -- model indexing with random keys and series arithmetic chains
  function()
    local target = pick{live.model, live.scenario, live.closed}
    local s = target[value()]
    return s and (s * 2 - s / 3)
  end,
  -- a handle's metatable is out of reach: no forging a Model
  function()
    local target = pick{live.model, live.scenario, live.closed}
    local mt = getmetatable(target)
    assert(type(mt) == "string", "a handle's metatable is protected")
    return setmetatable(pick{{}, value()}, getmetatable(value()))
  end,
  -- simulations with specs right and wrong: distributions with bad
  -- arguments, cells that are not cells, trial counts out of range
  function()
    if not kessan.normal then return end
    local target = pick{live.model, live.scenario, live.closed, value()}
    local dist = pick{
      function() return kessan.normal(value(), value()) end,
      function() return kessan.normal(150, 10) end,
      function() return kessan.uniform(100, 200) end,
      function() return kessan.triangular(pick{1, 100, value()}, 150, 200) end,
      function() return kessan.lognormal(5, pick{0.1, -1, value()}) end,
      function() return kessan.pert(100, pick{150, 300, value()}, 200) end,
      function() return kessan.discrete(pick{{values = {1, 2}, weights = {1, 3}},
                                             {values = {}}, value()}) end,
      function() return pick{120, value()} end,
    }
    local draws = {}
    for _ = 1, math.random(0, 3) do
      local cell = pick{"rev.a@4Q02", "rev.b@4Q02", "rev.total@4Q02",
                        "rev.aa@4Q02", "rev.a", 7, value()}
      local ok, d = pcall(dist)
      if ok then draws[cell] = d end
    end
    local spec = {
      trials = pick{1, 10, 300, 0, -5, 1e12, 2.5, "10", value()},
      seed = pick{1, 0, -1, value()},
      threads = pick{nil, 1, 2, 0, 1000, value()},
      draws = pick{draws, draws, {}, value()},
      outputs = pick{{"rev.total@4Q02"}, {"op_income@4Q02", "rev.total@FY02"},
                     {}, {"nope@4Q02"}, value()},
      correlate = pick{nil, {{"rev.a@4Q02", "rev.b@4Q02", 0.5}},
                       {{"rev.a@4Q02", "rev.a@4Q02", 2}}, value()},
    }
    if math.random(2) == 1 then -- a spec that runs, to reach the result
      spec = { trials = pick{1, 10, 300}, seed = pick{1, 2}, threads = pick{1, 2},
               draws = { ["rev.a@4Q02"] = kessan.normal(150, 10),
                         ["rev.b@4Q02"] = kessan.uniform(80, 120) },
               outputs = { "rev.total@4Q02", pick{"op_income@4Q02", "rev.a@4Q02"} } }
      target = pick{live.model, live.scenario}
    end
    local r = target:simulate(pick{spec, spec, value()})
    local cell = pick{"rev.total@4Q02", "op_income@4Q02", "x", value()}
    local stat = pick{"mean", "sd", "percentile", "prob", "histogram", "min"}
    return r[stat](pick{r, value()}, cell, value(), value())
  end,
  -- lifecycle: close, collect, renew
  function()
    local r = math.random(10)
    if r == 1 then live.model:close() end
    if r == 2 then live.scenario:close() end
    if r <= 3 then collectgarbage(pick{"collect", "step"}) end
    if r == 4 then refresh() end
  end,
}

local errors = 0
for i = 1, CALLS do
  local ok, message = pcall(pick(actions))
  if not ok then
    errors = errors + 1
    assert(type(message) == "string",
           "call " .. i .. ": error object is a " .. type(message))
  end
  if i % 997 == 0 then refresh() end
end

-- the engine still answers correctly afterwards
refresh()
local m = live.model
assert(m:get("rev.total", "3Q02") == m:get("rev.a", "3Q02") + m:get("rev.b", "3Q02"))
os.remove(tmp)
live = nil
collectgarbage()
print(string.format("test_fuzz: ok (%d calls, %d errors, seed %d)",
                    CALLS, errors, SEED))
