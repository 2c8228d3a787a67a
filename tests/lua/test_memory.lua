-- test_memory.lua -- run by the host under --max-memory: an allocation
-- failure inside the plugin (in the engine's own memory, which goes
-- through the state's allocator) is a Lua error saying "not enough
-- memory", never a crash, and leaves nothing leaked (the sanitizer build
-- checks at exit).  Memory is filled with ballast until allocation fails,
-- then freed a little at a time while every operation is tried, so each
-- operation meets a failed allocation at many different points.
local kessan = require "kessan"
local DIR = "tests/data/tiny"
local tmp = os.tmpname()

local reference = assert(kessan.open(DIR))
local expected = reference:get("op_income", "3Q02")

local function operations()
  local m = assert(kessan.open(DIR))
  local s = m:scenario("low")
  s:set("rev.a", "4Q02", 200)
  m:define("gross", "rev.total - cost.total", {label = "Gross"})
  local tree = m:explain("op_margin", "3Q02")
  local text = tostring(tree) .. tostring(m) .. tostring(m["rev.a"])
  local series = (m["rev.total"] - m["cost.total"]) / m["rev.total"]
  local cmp = kessan.compare{m, s}
  assert(m:export(tmp))
  assert(m:import(tmp))
  assert(m:get("op_income", "3Q02") == expected)
  m:close()
  return #text + #series + #cmp.rows
end

local ballast = {}
local function fill()
  while true do
    ballast[#ballast + 1] = string.rep("x", 512) .. #ballast
  end
end
local ok, message = pcall(fill)
assert(not ok and tostring(message):find("not enough memory", 1, true),
       "the ballast hit the limit: " .. tostring(message))

local engine_failures, lua_failures, successes = 0, 0, 0
while #ballast > 0 do
  ballast[#ballast] = nil
  collectgarbage()
  local done, why = pcall(operations)
  if done then
    successes = successes + 1
    if successes >= 3 then break end
  else
    why = tostring(why)
    assert(why:find("not enough memory", 1, true), "unexpected error: " .. why)
    if why:find("not enough memory (", 1, true) then
      engine_failures = engine_failures + 1
    else
      lua_failures = lua_failures + 1
    end
  end
end
ballast = nil
collectgarbage()
assert(successes > 0, "the operations succeed once memory is back")
assert(engine_failures > 0, "some failures happened inside the engine")
os.remove(tmp)
print(string.format("test_memory: ok (%d engine failures, %d Lua failures)",
                    engine_failures, lua_failures))
