-- test_promise_lua_integers_and_options.lua -- two promises of
-- docs/lua-api.md: an option a function does not take is refused ("unknown
-- option", as every function refuses one: m:check ignored a table), and a
-- whole number is a whole number whether Lua holds it as an integer or a
-- float (m:extend{last_year = 2003.0} was refused; math.tointeger's rule).
package.path = "tests/lua/?.lua;" .. package.path
local check = require "check"
local kessan = require "kessan"
math.randomseed(20261207)

-- m:extend: integral floats as integers, others refused
for _ = 1, 20 do
  local year = math.random(2003, 2030)
  local as_integer = assert(kessan.open("tests/data/tiny"))
  local as_float = assert(kessan.open("tests/data/tiny"))
  as_integer:extend{last_year = year}
  as_float:extend{last_year = year + 0.0}
  check.eq(table.concat(as_float:periods(), ","), table.concat(as_integer:periods(), ","),
           "periods after extend to " .. year)
  as_integer:close()
  as_float:close()
end
local m = assert(kessan.open("tests/data/tiny"))
for _, bad in ipairs {2003.5, 0 / 0, math.huge, -math.huge, 1e300, 2^63} do
  check.raises("field 'last_year'", m.extend, m, {last_year = bad})
end

-- m:check: no options; an unknown one is refused, as elsewhere
check.raises("unknown option 'only'", m.check, m, {only = "breaks"})
check.raises("unknown option", m.check, m, {format = "csv", [1] = "x"})
for _ = 1, 20 do
  local key = ("k"):rep(math.random(1, 8)) .. math.random(1, 1000)
  check.raises("unknown option '" .. key .. "'", m.check, m, {[key] = true})
end
check.raises("bad argument #2", m.check, m, "breaks")
assert(type(m:check()) == "table" and type(m:check({})) == "table" and type(m:check(nil)) == "table")
print("ok")
