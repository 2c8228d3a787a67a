-- malformed cell names to every function that takes one: an error naming
-- the cell, never a value from another cell
-- expect: ok
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local s = m:scenario("c")
local bad = {"rev.a@", "@3Q02", "rev.a@@3Q02", "rev.a@3Q02@3Q02", "rev.a@ 3Q02", " rev.a@3Q02",
  "rev.a@3Q2", "rev.a@03Q02", "rev.a@3Q0002", "rev.a@-3Q02", "rev.a@3Q02 ",
  "REV.A@3Q02", "rev.a@FY", "rev.a@9M", "rev.a@Q3", ("rev.a"):rep(20000) .. "@3Q02", "rev.a@" .. ("3"):rep(5000)}
for _, c in ipairs(bad) do
  local ok, v = pcall(m.get, m, c)
  assert(not ok or v == nil, "get " .. c:sub(1, 30) .. " gave " .. tostring(v))
  assert(not pcall(m.set, m, c, 1) or m:get("rev.a@3Q02") == 160, "set " .. c:sub(1, 30) .. " changed rev.a@3Q02")
  assert(not pcall(s.goalseek, s, {target = c, value = 0, vary = "rev.a@3Q02"}), "goalseek target " .. c:sub(1, 30))
  assert(not pcall(s.datatable, s, {rows = {c, {1}}, out = "op_income@3Q02"}), "datatable " .. c:sub(1, 30))
  assert(not pcall(m.simulate, m, {trials = 10, draws = {[c] = 1}, outputs = {"op_income@3Q02"}}), "draw " .. c:sub(1, 30))
end
assert(m:get("rev.a@3Q02") == 160)
