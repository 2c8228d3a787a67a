-- test_attack_binding.lua -- the binding under attack from the script that
-- uses it (docs/lua-api.md, "What the binding guarantees"):
--  1. metamethods of option tables, of the tables inside them and of the
--     list of kessan.compare are never invoked (they would close the model
--     or drop it and collect it), and the calls give the right results;
--  2. finalizers armed to fire during a call close the model (or the
--     Simulation result) and try to change it: the call finishes correctly
--     or raises a clean error, the change is refused while it runs, and
--     the model reads as closed afterwards;
--  3. every userdata and result table has a protected metatable;
--  4. an embedded zero in every string argument is refused;
--  5. NaN, infinities, huge, fractional and negative numbers are refused
--     wherever the binding takes a count, an index or a value.
-- Run it in the sanitizer build too: that is where a use after free shows.
package.path = "tests/lua/?.lua;" .. package.path
local check = require "check"
local kessan = require "kessan"

local TINY = "tests/data/tiny"
local HAVE_SIM = kessan.normal ~= nil

local function open() return assert(kessan.open(TINY)) end

local function closed(m)
  local ok, err = pcall(m.get, m, "rev.a@3Q02")
  return not ok and tostring(err):find("closed model", 1, true) ~= nil
end

-- A table (or `t`) every metamethod of which records its use and closes
-- `victim`, then drops it and asks for a collection.
local touched = {}
local EVENTS = {"__index", "__newindex", "__len", "__pairs", "__eq", "__lt",
                "__le", "__tostring", "__call", "__concat", "__close",
                "__name", "__unm", "__add"}
local function trap(t, victim)
  local mt = {}
  for _, event in ipairs(EVENTS) do
    mt[event] = function()
      touched[#touched + 1] = event
      if victim then victim:close() end
      victim = nil
      collectgarbage()
      return nil
    end
  end
  return setmetatable(t or {}, mt)
end

local function untouched(what)
  if #touched > 0 then
    error(what .. ": the binding invoked " .. table.concat(touched, ", "), 2)
  end
end

-- ---- 1. metamethods are never invoked ------------------------------------
do
  local m = open()
  local tmp = check.tmpname(".csv")
  -- define: options with every metamethod; the fields given raw apply
  m:define("gross", "rev.total - cost.total",
           trap({label = "Gross", rule = "sum"}, m))
  untouched("define")
  check.eq(m:item("gross").label, "Gross", "define read its raw options")
  check.eq(m:get("gross@3Q02"), 60, "define")
  -- a field only reachable through __index is not seen
  m:define("g2", "1", setmetatable({}, {__index = function()
    touched[#touched + 1] = "__index"; return "sum" end}))
  untouched("define through __index")
  check.eq(m:item("g2").rule, "formula", "inherited option not seen")
  -- export / import options
  assert(m:export(tmp, trap({inputs_only = true}, m)))
  untouched("export")
  assert(m:import(tmp, trap({reported = true}, m)))
  untouched("import")
  assert(m:export(tmp, trap({scenario = true}, m)))
  untouched("export scenario")
  -- what-if options and the tables inside them
  local x = m:goalseek(trap({target = "op_income@3Q02", value = 0,
                             vary = "rev.a@3Q02"}, m))
  untouched("goalseek")
  check.near(x, 100, "goalseek", 1e-6)
  local g = m:datatable(trap({rows = trap({"rev.a@3Q02", trap({1, 2}, m)}, m),
                              out = trap({"op_income@3Q02"}, m)}, m))
  untouched("datatable")
  check.eq(g[2][1], 2 + 80 - 180, "datatable")
  local bars = m:tornado(trap({out = "op_income@3Q02",
                               inputs = trap({"rev.a@3Q02",
                                              trap({"cost.total@3Q02", 170,
                                                    190}, m)},
                                             m)}, m))
  untouched("tornado")
  check.eq(#bars, 2, "tornado bars")
  -- compare: the list, items and periods
  local s = m:scenario("low")
  s:set("rev.a@3Q02", 150)
  local c = kessan.compare(trap({m, s, items = trap({"rev.a"}, m),
                                 periods = trap({"3Q02"}, m)}, m))
  untouched("compare")
  check.eq(c.rows[1].values[2], 150, "compare")
  check.eq(tostring(c):match("kessan.Comparison") ~= nil, true, "compare text")
  -- kessan.new and discrete
  local n = kessan.new(trap({first_year = 2001}, m))
  untouched("new")
  check.eq(#n:periods(), #kessan.new{first_year = 2001}:periods(),
           "kessan.new read its raw options")
  if HAVE_SIM then
    local d = kessan.discrete(trap({values = trap({1, 3}, m),
                                    weights = trap({3, 1}, m)}, m))
    untouched("discrete")
    check.near(d:mean(), 1.5, "discrete")
    local r = m:simulate(trap({trials = 100, seed = 1, progress = false,
                               draws = trap({["rev.a@3Q02"] =
                                               kessan.fixed(7)}, m),
                               outputs = trap({"rev.a@3Q02"}, m),
                               correlate = trap({}, m)}, m))
    untouched("simulate")
    check.eq(r:mean("rev.a@3Q02"), 7, "simulate read its raw options")
    check.eq(r:count("rev.a@3Q02"), 100, "simulate count")
  end
  -- printers of result tables read raw, without __tostring of entries
  c.names[2] = trap({}, m)
  tostring(c)
  untouched("Comparison __tostring")
  local tree = m:explain("op_income@3Q02")
  tree.text = trap({}, m)
  tree.children = trap({}, m)
  kessan.format_explain(tree)
  untouched("format_explain")
  -- the model was never closed by any of it
  check.eq(closed(m), false, "model still open")
  m:close()
end

-- ---- 2. finalizers that fire during a call ----------------------------------
-- The collector is set so that, once it runs finalizers, it runs the next
-- ones only after about 550 more bytes are allocated (incremental, pause
-- 1000, step multiplier 100, step size 2^9: some 130 finalizers a step).
-- Before each call: the collector is drained, 400 objects with __gc are
-- made, the collector is stepped until the first of them has run, and a
-- string of `k` bytes is made, so the next ones run after about 550 - k
-- bytes of the call's allocations.  The first finalizer run during the
-- call attacks: it tries to change the victim (refusals recorded) and
-- closes it.  Round after round, k strikes at successive allocations of
-- the first 550 bytes the call allocates.
local GC_GAP, PAD_STEP, GARBAGE = 576, 16, 400
local in_call, victim, hits, refusals = false, nil, 0, {}
local fired = false
local function arm(count, k)
  collectgarbage()
  for _ = 1, count do
    setmetatable({}, {__gc = function()
      fired = true
      if not (in_call and victim) then return end
      local v = victim
      victim = nil
      hits = hits + 1
      if v.set then
        local ok, err = pcall(v.set, v, "rev.a@3Q02", 1)
        refusals[#refusals + 1] = ok and "accepted" or tostring(err)
        ok, err = pcall(v.define, v, "attack", "1")
        refusals[#refusals + 1] = ok and "accepted" or tostring(err)
      end
      v:close()
    end})
  end
  fired = false
  repeat collectgarbage("step", 0) until fired
  return k > 0 and string.rep("x", k) or nil
end

-- `make()` returns the object the finalizer attacks and a function making
-- the call (options built beforehand); `verify(result, target)` checks a
-- call that returned.
local function attack(name, make, verify)
  local before, inside = hits, 0
  refusals = {}
  collectgarbage("incremental", 1000, 100, 9)
  for k = 0, GC_GAP, PAD_STEP do
    local target, call = make()
    local pad = arm(GARBAGE, k)
    victim = target
    in_call = true
    local mark = #refusals
    local ok, result = pcall(call)
    in_call = false
    assert(pad or k == 0)
    local struck = victim == nil
    victim = nil
    -- struck by the pin's own allocation, before the call held anything:
    -- the change went through and the call then found the model closed
    if not ok and result:find("attempt to use a closed model", 1, true) then
      for k = mark + 1, #refusals do refusals[k] = "before the pin" end
    end
    if struck and (ok or not result:find("closed model", 1, true)) then
      inside = inside + 1   -- struck after the call held the model
    end
    if not ok then
      assert(type(result) == "string", name .. ": error is not a message")
      assert(not result:find("model is in use", 1, true),
             name .. ": the call itself was refused: " .. result)
    elseif verify then
      verify(result, target)
    end
    if struck and target.get and getmetatable(target) ~= "kessan.Series" then
      assert(closed(target), name .. ": closed by the finalizer, yet open")
    end
    if not struck and target.close then target:close() end
  end
  collectgarbage("incremental", 200, 100, 13)
  for _, message in ipairs(refusals) do
    if not message:find("model is in use by a running call", 1, true) and
       message ~= "before the pin" then
      error(name .. ": a change during the call was not refused: " .. message)
    end
  end
  assert(hits > before, name .. ": no finalizer fired during the call")
  return inside
end

-- For calls that allocate after they pin, some strikes must land inside.
local function attack_inside(name, make, verify)
  assert(attack(name, make, verify) > 0,
         name .. ": no finalizer struck while the call held the model")
end

local function simple(method, ...)
  local args = table.pack(...)
  return function()
    local m = open()
    return m, function() return m[method](m, table.unpack(args, 1, args.n)) end
  end
end

local tmp = check.tmpname(".csv")
do
  local m = open()
  assert(m:export(tmp))
  m:close()
end

attack_inside("define", simple("define", "gross", "rev.total - cost.total",
                        {label = "Gross", unit = "JPY", rule = "sum"}))
attack_inside("items", simple("items"),
              function(r) check.eq(#r, 8, "items") end)
attack_inside("item", simple("item", "rev.a"),
       function(r) check.eq(r.id, "rev.a", "item") end)
attack_inside("periods", simple("periods"),
       function(r) check.eq(#r, 16, "periods") end)
attack("scenarios", simple("scenarios"))
attack("scenario", simple("scenario", "low"),
       function(r) check.eq(r:name(), "low", "scenario") end)
attack_inside("tostring", function()
  local m = open()
  return m, function() return tostring(m) end
end, function(r) assert(r:find("rev.total", 1, true), "tostring") end)
attack_inside("explain", simple("explain", "op_income@3Q02"),
       function(r) check.eq(r.value, 60, "explain") end)
attack_inside("check", simple("check"))
attack("export", simple("export", check.tmpname(".csv"), {inputs_only = true}),
       function(r) check.eq(r, true, "export") end)
attack("export scenarios", simple("export", check.tmpname(".csv"),
                                  {scenario = true}))
attack("import", simple("import", tmp, {reported = true}),
       function(r) check.eq(r, true, "import") end)
attack_inside("goalseek", simple("goalseek", {target = "op_income@3Q02",
                                              value = 0,
                                       vary = "rev.a@3Q02"}),
       function(r) check.near(r, 100, "goalseek", 1e-6) end)
attack_inside("datatable", simple("datatable", {rows = {"rev.a@3Q02",
                                                         {1, 2, 3}},
                                         cols = {"rev.b@3Q02", {10, 20}},
                                         out = {"op_income@3Q02",
                                                "rev.total@3Q02"}}),
       function(g) check.eq(g[3][2], 3 + 20 - 180, "datatable") end)
attack_inside("tornado", simple("tornado", {out = "op_income@3Q02",
                                     inputs = {"rev.a@3Q02",
                                               {"cost.total@3Q02", 170, 190}}}),
       function(r) check.eq(#r, 2, "tornado") end)
-- a scenario's call: the finalizer closes its Model
attack_inside("scenario datatable", function()
  local m = open()
  local s = m:scenario("x")
  local spec = {rows = {"rev.a@3Q02", {1, 2}}, out = "op_income@3Q02"}
  return m, function() return s:datatable(spec) end
end, function(g) check.eq(g[2][1], 2 + 80 - 180, "scenario datatable") end)
attack_inside("compare", function()
  local m = open()
  local s = m:scenario("low")
  s:set("rev.a@3Q02", 150)
  local spec = {m, s, items = {"rev.a", "op_income"}}
  return m, function() return kessan.compare(spec) end
end, function(c) check.eq(#c.rows, 32, "compare rows") end)
attack("compare scenario closed", function()
  local m = open()
  local s = m:scenario("low")
  local spec = {m, s}
  return s, function() return kessan.compare(spec) end
end)
-- series of a handle: the finalizer closes the handle
-- (a series re-reads its handle at every read: a strike mid-call gives
-- "attempt to use a closed model", which is the promised clean error)
local function series_attack(name, f, verify)
  attack(name, function()
    local m = open()
    local a = m["rev.a"]
    local b = m["rev.b"]
    return m, function() return f(a, b) end
  end, verify)
end
series_attack("series detach", function(a) return a:detach() end,
              function(d) check.eq(d["3Q02"], 160, "detach") end)
series_attack("series add", function(a, b) return a + b end,
              function(d) check.eq(d["3Q02"], 240, "a + b") end)
series_attack("series div", function(a, b) return a / (b - b) end)
series_attack("series eq", function(a, b) return a == b end,
              function(r) check.eq(r, false, "a == b") end)
series_attack("series tostring", function(a) return tostring(a) end)
series_attack("series periods", function(a) return a:periods() end)
series_attack("series totable", function(a) return a:totable() end)
series_attack("series pairs", function(a)
  local n = 0
  for _ in pairs(a) do n = n + 1 end
  return n
end)

if HAVE_SIM then
  local function sim_spec()
    return {trials = 2000, seed = 1, progress = false,
            draws = {["rev.a@3Q02"] = kessan.normal(160, 10),
                     ["rev.b@3Q02"] = kessan.uniform(70, 90)},
            outputs = {"op_income@3Q02", "rev.total@3Q02"},
            correlate = {{"rev.a@3Q02", "rev.b@3Q02", 0}}}
  end
  attack_inside("simulate", function()
    local m = open()
    local spec = sim_spec()
    return m, function() return m:simulate(spec) end
  end, function(r) check.eq(r:count("op_income@3Q02"), 2000, "count") end)
  -- the result closed by a finalizer while its method runs
  local function result_attack(name, f)
    attack(name, function()
      local m = open()
      local r = m:simulate(sim_spec())
      m:close()
      return r, function() return f(r) end
    end)
  end
  result_attack("result histogram", function(r)
    return r:histogram("op_income@3Q02", 50) end)
  result_attack("result tostring", function(r) return tostring(r) end)
  result_attack("result outputs", function(r) return r:outputs() end)
  result_attack("result unknown output", function(r)
    return r:mean("nope@3Q02") end)
  -- a finalizer that rewrites the spec while the distribution is made
  attack("discrete", function()
    local spec = {values = {1, 2, 6}, weights = {1, 1, 2}}
    local spoiler = {close = function()
      spec.values[1] = "x"
      spec.values[2] = nil
      spec.weights = {0 / 0, -1, math.huge}
    end}
    return spoiler, function() return kessan.discrete(spec) end
  end, function(d) check.near(d:mean(), (1 + 2 + 2 * 6) / 4, "discrete") end)
end

-- A finalizer that runs during a call made in a coroutine that fails and
-- is never closed: the pin is released when the coroutine is collected.
do
  local m = open()
  local co = coroutine.create(function()
    m:define("x", "1", {label = {}})          -- raises: label not a string
  end)
  assert(not coroutine.resume(co))
  check.raises("model is in use by a running call", m.define, m, "y", "1")
  co = nil
  collectgarbage()
  collectgarbage()
  m:define("after", "1")                       -- not "in use"
  check.eq(m:get("after@3Q02"), 1, "pin of a dead coroutine released")
  m:close()
  check.eq(closed(m), true, "closed")
end

-- A scenario's call pins its Model: saving the scenario and making a new
-- scenario of the Model are refused while it runs, and allowed after.
do
  local m = open()
  local s = m:scenario("s")
  local seen = 0
  collectgarbage("incremental", 1000, 100, 9)
  for k = 0, GC_GAP, PAD_STEP do
    local spec = {rows = {"rev.a@3Q02", {1, 2}}, out = "op_income@3Q02"}
    collectgarbage()
    local saw
    for _ = 1, GARBAGE do
      setmetatable({}, {__gc = function()
        fired = true
        if in_call and not saw then
          saw = {pcall(s.save, s)}
          saw[3] = {pcall(m.scenario, m, "t")}
          saw[4] = {pcall(m.import, m, tmp)}
        end
      end})
    end
    fired = false
    repeat collectgarbage("step", 0) until fired
    local pad = k > 0 and string.rep("x", k) or nil
    in_call = true
    local g = s:datatable(spec)
    in_call = false
    check.eq(g[2][1], 2 + 80 - 180, "datatable")
    if saw then
      seen = seen + 1
      check.eq(saw[1], false, "s:save refused while s runs")
      assert(tostring(saw[2]):find("model is in use", 1, true), saw[2])
      check.eq(saw[3][1], false, "m:scenario refused while a scenario runs")
      assert(tostring(saw[3][2]):find("model is in use", 1, true))
      check.eq(saw[4][1], false, "m:import refused while a scenario runs")
    end
  end
  collectgarbage("incremental", 200, 100, 13)
  assert(seen > 0, "no finalizer ran during the scenario's call")
  s:save()                                    -- allowed again
  m:scenario("t"):close()
  m:close()
end

-- ---- 3. protected metatables ---------------------------------------------
do
  local m = open()
  local s = m:scenario("p")
  local objects = {
    {m, "kessan.Model"}, {s, "kessan.Scenario"},
    {m["rev.a"], "kessan.Series"}, {m["rev.a"] + 1, "kessan.Series"},
    {m:datatable{rows = {"rev.a@3Q02", {1}}, out = "op_income@3Q02"},
     "kessan.Grid"},
    {m:tornado{out = "op_income@3Q02", inputs = {"rev.a@3Q02"}},
     "kessan.Tornado"},
    {m:explain("op_income@3Q02"), "kessan.Explain"},
    {kessan.compare{m, s}, "kessan.Comparison"},
  }
  if HAVE_SIM then
    objects[#objects + 1] = {kessan.normal(0, 1), "kessan.Distribution"}
    objects[#objects + 1] = {m:simulate{trials = 10, progress = false,
                                        outputs = {"rev.a@3Q02"}},
                             "kessan.Simulation"}
  end
  for _, o in ipairs(objects) do
    check.eq(getmetatable(o[1]), o[2], "getmetatable of " .. o[2])
    if type(o[1]) == "table" then
      check.raises("cannot change a protected metatable",
                   setmetatable, o[1], nil)
    end
  end
  -- the same class of userdata cannot be forged or stripped of __gc
  local ok = pcall(function() getmetatable(m).__gc = nil end)
  check.eq(ok, false, "getmetatable(m).__gc = nil")
  m:close()
end

-- ---- 4. embedded zeros ----------------------------------------------------
do
  local Z = "string contains an embedded zero"
  local m = open()
  local s = m:scenario("z")
  local out = check.tmpname(".csv")
  check.raises(Z, kessan.open, TINY .. "\0x")
  check.raises(Z, m.get, m, "rev.a@3Q02\0junk")
  check.raises("bad argument #1 to 'get' (" .. Z,
               function() return m:get("rev.a@3Q02\0junk") end)
  check.raises("bad argument #1 to 'export' (" .. Z,
               function() return m:export("real.csv\0x") end)
  check.raises(Z, m.get, m, "rev.a\0x", "3Q02")
  check.raises(Z, m.get, m, "rev.a", "3Q02\0x")
  check.raises(Z, m.set, m, "rev.a@3Q02\0x", 1)
  check.raises(Z, m.define, m, "new\0x", "1")
  check.raises(Z, m.define, m, "new", "1\0+ 2")
  check.raises("field 'label' contains an embedded zero",
               m.define, m, "new", "1", {label = "a\0b"})
  check.raises("field 'rule' contains an embedded zero",
               m.define, m, "new", "1", {rule = "sum\0x"})
  check.eq(pcall(m.get, m, "new@3Q02"), false, "nothing defined")
  check.raises(Z, m.scenario, m, "low\0x")
  check.raises(Z, m.setting, m, "key\0x")
  check.raises(Z, m.item, m, "rev.a\0x")
  check.raises(Z, m.series, m, "rev.a\0x")
  check.raises(Z, function() return m["rev.a\0x"] end)
  check.raises(Z, m.explain, m, "op_income@3Q02\0x")
  check.raises(Z, m.export, m, out .. "\0x")
  check.eq(io.open(out, "r"), nil, "nothing written under the cut name")
  check.raises(Z, m.import, m, out .. "\0x")
  local a = m["rev.a"]
  check.raises(Z, a.get, a, "3Q02\0x")
  check.raises(Z, function() return a["3Q02\0x"] end)
  check.raises(Z, function() a["3Q02\0x"] = 1 end)
  local d = a:detach()
  check.raises(Z, function() return d["3Q02\0x"] end)
  check.raises("contains an embedded zero",
               kessan.compare, {m, s, items = {"rev.a\0x"}})
  check.raises("contains an embedded zero",
               kessan.compare, {m, s, periods = {"3Q02\0x"}})
  check.raises(Z, m.goalseek, m, {target = "op_income@3Q02\0x", value = 0,
                                  vary = "rev.a@3Q02"})
  check.raises(Z, m.goalseek, m, {target = "op_income@3Q02", value = 0,
                                  vary = "rev.a@3Q02\0x"})
  check.raises(Z, m.datatable, m, {rows = {"rev.a@3Q02\0x", {1}},
                                   out = "op_income@3Q02"})
  check.raises(Z, m.datatable, m, {rows = {"rev.a@3Q02", {1}},
                                   out = {"op_income@3Q02\0x"}})
  check.raises(Z, m.tornado, m, {out = "op_income@3Q02\0x",
                                 inputs = {"rev.a@3Q02"}})
  check.raises(Z, m.tornado, m, {out = "op_income@3Q02",
                                 inputs = {{"rev.a@3Q02\0x", 1, 2}}})
  local g = m:datatable{rows = {"rev.a@3Q02", {1}}, out = "op_income@3Q02"}
  check.raises(Z, g.export, g, out .. "\0x")
  check.raises(Z, g.out, g, "op_income@3Q02\0x")
  if HAVE_SIM then
    check.raises("outputs[1] contains an embedded zero", m.simulate, m,
                 {trials = 10, progress = false, outputs = {"rev.a@3Q02\0x"}})
    check.raises("a cell contains an embedded zero", m.simulate, m,
                 {trials = 10, progress = false, outputs = {"rev.a@3Q02"},
                  draws = {["rev.a@3Q02\0x"] = 1}})
    check.raises("a cell contains an embedded zero", m.simulate, m,
                 {trials = 10, progress = false, outputs = {"rev.a@3Q02"},
                  correlate = {{"rev.a@3Q02\0x", "rev.b@3Q02", 0.5}}})
    local r = m:simulate{trials = 10, progress = false,
                         outputs = {"rev.a@3Q02"}}
    for _, method in ipairs{"mean", "sd", "min", "max", "count", "invalid",
                            "histogram"} do
      check.raises(Z, r[method], r, "rev.a@3Q02\0x")
    end
    check.raises(Z, r.percentile, r, "rev.a@3Q02\0x", 50)
    check.raises(Z, r.prob, r, "rev.a@3Q02\0x", "<", 1)
    check.raises(Z, r.prob, r, "rev.a@3Q02", "<\0x", 1)
  end
  -- the printer of a tree keeps a zero in a script's text, whole
  local tree = m:explain("op_income@3Q02")
  tree.text = "a\0b"
  assert(kessan.format_explain(tree):find("a\0b [op_income@3Q02] = 60", 1,
                                          true),
         "format_explain cut a text at its zero")
  -- __tostring is never called for a string argument
  local called = false
  local fake = setmetatable({}, {__tostring = function()
    called = true; return "rev.a@3Q02" end})
  check.raises("bad argument", m.get, m, fake)
  check.raises("bad argument", m.export, m, fake)
  check.raises("bad argument", kessan.open, fake)
  check.eq(called, false, "__tostring of an argument")
  m:close()
end

-- ---- 5. numbers -------------------------------------------------------------
do
  local NAN, INF = 0 / 0, math.huge
  local m = open()
  local a = m["rev.a"]
  for _, v in ipairs{INF, -INF, NAN} do
    check.raises("rev.a@3Q02: a finite number expected", m.set, m,
                 "rev.a@3Q02", v)
    check.raises("rev.a@3Q02: a finite number expected", m.set, m,
                 "rev.a", "3Q02", v)
    check.raises("a finite number expected", function() a["3Q02"] = v end)
    local d = a:detach()
    check.raises("a finite number expected", function() d["3Q02"] = v end)
  end
  check.eq(m:get("rev.a@3Q02"), 160, "nothing set")
  check.eq(m:get("rev.total@FY02"), m:get("rev.total@FY02"), "no NaN")
  -- positions of a series
  for _, k in ipairs{NAN, INF, 1e300, -1, 0.5} do
    local ok = pcall(function() return a[k] end)
    check.eq(ok and a[k] == nil or not ok, true, "position " .. tostring(k))
  end
  -- kessan.new
  for _, v in ipairs{NAN, INF, -INF, 1e300, -5, 0, 2001.5} do
    check.raises("expected a positive integer", kessan.new, {first_year = v})
    check.raises("expected a positive integer", kessan.new,
                 {first_year = 2001, fiscal_year_end_month = v})
  end
  -- goalseek, datatable, tornado
  local function gs(extra)
    local spec = {target = "op_income@3Q02", value = 0, vary = "rev.a@3Q02"}
    for k, v in pairs(extra) do spec[k] = v end
    return function() return m:goalseek(spec) end
  end
  for _, v in ipairs{NAN, INF, -INF} do
    check.raises("field 'value': a finite number expected", gs{value = v})
    check.raises("finite number expected", gs{lo = v, hi = 1})
    check.raises("finite number expected", gs{lo = 0, hi = v})
    check.raises("field 'tol'", gs{tol = v})
    check.raises("field 'max_iter'", gs{max_iter = v})
    check.raises("value 1 is not a finite number", m.datatable, m,
                 {rows = {"rev.a@3Q02", {v}}, out = "op_income@3Q02"})
    check.raises("field 'swing'", m.tornado, m,
                 {out = "op_income@3Q02", inputs = {"rev.a@3Q02"}, swing = v})
    check.raises("low and high finite numbers", m.tornado, m,
                 {out = "op_income@3Q02", inputs = {{"rev.a@3Q02", v, 1}}})
  end
  check.raises("field 'tol'", gs{tol = 0})
  check.raises("field 'tol'", gs{tol = -1})
  check.raises("field 'max_iter'", gs{max_iter = 1e300})
  check.raises("field 'max_iter'", gs{max_iter = -3})
  check.raises("field 'max_iter'", gs{max_iter = 2.5})
  check.raises("field 'swing'", m.tornado, m,
               {out = "op_income@3Q02", inputs = {"rev.a@3Q02"}, swing = -1})
  local g = m:datatable{rows = {"rev.a@3Q02", {1}}, out = "op_income@3Q02"}
  for _, k in ipairs{NAN, INF, 1e300, -1, 0, 2.5} do
    check.eq(pcall(g.out, g, k), false, "g:out(" .. tostring(k) .. ")")
  end
  if HAVE_SIM then
    local function sim(extra)
      local spec = {trials = 10, progress = false, outputs = {"rev.a@3Q02"}}
      for k, v in pairs(extra) do spec[k] = v end
      return function() return m:simulate(spec) end
    end
    for _, v in ipairs{NAN, INF, -INF, 1e300, -1, 0, 2.5, 2^63, -2^63 - 4096} do
      check.raises("field 'trials' must be an integer", sim{trials = v})
      check.raises("field 'threads' must be an integer", sim{threads = v})
    end
    for _, v in ipairs{NAN, INF, -INF, 2^63, 1e300, -1, 0.5} do
      check.raises("field 'seed' must be an integer", sim{seed = v})
    end
    check.eq(sim{seed = 2^62}():count("rev.a@3Q02"), 10, "a huge seed")
    for _, v in ipairs{NAN, INF, -INF} do
      check.raises("must be a finite number", sim{draws = {["rev.a@3Q02"] = v}})
      check.raises("with a finite rho", sim{
        draws = {["rev.a@3Q02"] = kessan.normal(1, 1),
                 ["rev.b@3Q02"] = kessan.normal(1, 1)},
        correlate = {{"rev.a@3Q02", "rev.b@3Q02", v}}})
      check.raises("must be a finite number", kessan.normal, v, 1)
      check.raises("must be a finite number", kessan.normal, 0, v)
      check.raises("must be a finite number", kessan.uniform, v, 1)
      check.raises("must be a finite number", kessan.triangular, 0, v, 1)
      check.raises("must be a finite number", kessan.fixed, v)
      check.raises("must be a finite number", kessan.discrete, {values = {v}})
      check.raises("must be a finite number", kessan.discrete,
                   {values = {1}, weights = {v}})
    end
    check.raises("weights[1] must be a finite number >= 0", kessan.discrete,
                 {values = {1, 2}, weights = {-1, 2}})
    check.raises("sum must be finite", kessan.discrete,
                 {values = {1, 2}, weights = {1e308, 1e308}})
    local r = m:simulate{trials = 100, progress = false,
                         draws = {["rev.a@3Q02"] = kessan.normal(160, 10)},
                         outputs = {"rev.a@3Q02"}}
    check.raises("x must be a number, got nan", r.prob, r, "rev.a@3Q02", "<",
                 NAN)
    check.eq(r:prob("rev.a@3Q02", "<", INF), 1, "P(x < inf)")
    check.eq(r:prob("rev.a@3Q02", ">", INF), 0, "P(x > inf)")
    check.eq(r:prob("rev.a@3Q02", "<", -INF), 0, "P(x < -inf)")
    for _, q in ipairs{NAN, INF, -INF, -1, 101} do
      check.raises("q must be from 0 to 100", r.percentile, r, "rev.a@3Q02", q)
    end
    for _, bins in ipairs{NAN, INF, -INF, 1e300, -1, 0, 2.5, 2e6} do
      check.eq(pcall(r.histogram, r, "rev.a@3Q02", bins), false,
               "histogram bins " .. tostring(bins))
    end
  end
  m:close()
end

check.cleanup()
print("test_attack_binding: ok")
