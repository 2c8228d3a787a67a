-- m:export's sheets whose rows, names and lengths close the model and the
-- scenario exported, collect them, or yield; finalizers that close them
-- queued to run while the sheets are read; a Grid, a tornado and a
-- simulation whose model is closed meanwhile: each export writes a whole
-- workbook of the model as it was, or is refused
local kessan = require "kessan"
local H = require "hostile"
local function attempt(make)
  local m = assert(kessan.open("tiny"))
  local s = m:scenario("attack")
  local rows, name = make(m, s)
  for _, who in ipairs{m, s} do
    pcall(who.export, who, "book.xlsx", {format = "xlsx", sheets = {
      {name = name, rows = rows}, {name = "plain", rows = {{"a", 1}}}}})
  end
  pcall(m.close, m)
end
local function rows_of(attack)
  return H.proxy({H.proxy({"a", 1, "b"}, attack), {2, 3}}, attack)
end
attempt(function(m, s) return rows_of(H.closer(m, s)), "closed" end)
attempt(function(m, s)
  local close = H.closer(m, s)
  return rows_of(function() end), setmetatable({}, {__tostring = function() close() return "x" end})
end)
attempt(function(m, s)
  return setmetatable({}, {__len = function() coroutine.yield() end}), "yield"
end)
collectgarbage("incremental", 10, 1000, 1)
for _ = 1, 20 do
  attempt(function(m, s)
    local arm = H.armer(m, s)
    arm(20)
    return {{"a", string.rep("x", 100)}, {1, 2, 3}}, "armed"
  end)
end
collectgarbage("generational")
-- kessan's own results, their model closed while the sheets are read
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local g = s:datatable{rows = {"rev.a@3Q02", {1, 2}}, out = "op_income@3Q02"}
local t = s:tornado{out = "op_income@3Q02", inputs = {"rev.a@3Q02", "rev.b@3Q02"}}
local r = m:simulate{trials = 200, draws = {["rev.a@3Q02"] = kessan.normal(160, 5)}, outputs = {"op_income@3Q02"}}
local base = assert(kessan.open("tiny"))
local close = H.closer(m, s)
pcall(base.export, base, "kinds.xlsx", {format = "xlsx", sheets = {
  g, t, r, {name = "closer", rows = H.proxy({{1}}, close)}, g, t, r}})
g, t, r = nil, nil, nil
collectgarbage(); collectgarbage()
assert(base:export("after.xlsx", {format = "xlsx"}))
