-- unknown option keys in every options table, and keys that are tables
-- with every metamethod: each call is refused naming the key, and no
-- metamethod of an options table or of a key ever runs (they would close
-- the model and the scenario and raise)
-- expect: ok
-- absent: never.csv
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local close = H.closer(m, s)
local ran = 0
local function trap() ran = ran + 1; close(); error("a metamethod ran") end
local traps = {__index = trap, __newindex = trap, __len = trap, __pairs = trap,
               __tostring = trap, __name = "Trap", __eq = trap, __lt = trap,
               __le = trap, __concat = trap, __call = trap, __close = trap}
local function trapped(t) return setmetatable(t, traps) end
local key = trapped({})
local OUT = "op_income@3Q02"
local draws = {["rev.a@3Q02"] = kessan.normal(160, 5)}

local calls = {
  {"simulate", function(o) return s:simulate(o) end,
   {trials = 100, draws = draws, outputs = {OUT}}},
  {"goalseek", function(o) return s:goalseek(o) end,
   {target = OUT, value = 0, vary = "rev.a@3Q02"}},
  {"datatable", function(o) return s:datatable(o) end,
   {rows = {"rev.a@3Q02", {1, 2}}, out = OUT}},
  {"tornado", function(o) return s:tornado(o) end,
   {out = OUT, inputs = {"rev.a@3Q02"}}},
  {"define", function(o) return m:define("x.new", "rev.a", o) end, {}},
  {"export", function(o) return s:export("never.csv", o) end, {}},
  {"import", function(o) return m:import("tiny/values.csv", o) end, {}},
  {"new", function(o) return kessan.new(o) end, {first_year = 2001}},
  {"compare", function(o) return kessan.compare(o) end, {m, s}},
  {"discrete", function(o) return kessan.discrete(o) end, {values = {1, 2}}},
}

for _, call in ipairs(calls) do
  local name, f, good = call[1], call[2], call[3]
  for _, bad in ipairs{{"zzz", "'zzz'"}, {key, "keyed by a table"},
                       {0, "[0]"}, {-1, "[-1]"}, {math.huge, "[inf]"}} do
    local options = {}
    for k, v in pairs(good) do options[k] = v end
    options[bad[1]] = trapped({})
    trapped(options)
    local ok, why = pcall(f, options)
    assert(not ok, name .. " took an unknown key")
    assert(tostring(why):find("to '" .. name .. "' (", 1, true) and
           tostring(why):find("unknown option " .. bad[2], 1, true),
           name .. ": " .. tostring(why))
  end
end
-- nested tables of options: the same
local nested = {
  function() return s:simulate{trials = 10, draws = draws, outputs = trapped({OUT, [key] = 1})} end,
  function() return s:simulate{trials = 10, draws = draws, outputs = {OUT},
                               correlate = {trapped({"rev.a@3Q02", "rev.b@3Q02", 0.5, [key] = 1})}} end,
  function() return s:datatable{rows = trapped({"rev.a@3Q02", {1, 2}, [key] = 1}), out = OUT} end,
  function() return s:datatable{rows = {"rev.a@3Q02", trapped({1, 2, [key] = 1})}, out = OUT} end,
  function() return s:tornado{out = OUT, inputs = {trapped({"rev.a@3Q02", 1, 2, [key] = 1})}} end,
  function() return kessan.compare{m, s, items = trapped({"rev.a", [key] = 1})} end,
  function() return kessan.discrete{values = trapped({1, 2, [key] = 1})} end,
}
for i, f in ipairs(nested) do
  local ok, why = pcall(f)
  assert(not ok and tostring(why):find("unknown option keyed by a table", 1, true),
         "nested " .. i .. ": " .. tostring(why))
end
assert(ran == 0, ran .. " metamethods ran")
assert(m:get(OUT) == 60 and s:get(OUT) == 60, "the model is as it was")
print("ok")
