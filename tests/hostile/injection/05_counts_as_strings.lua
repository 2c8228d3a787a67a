-- counts and parameters given as strings ("1e9", "nan", "0x7fffffffffffffff",
-- " 12 ", "1e309"): converted and checked as numbers are, or refused,
-- never taken past the checks
-- expect: ok
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local function sim(t) return pcall(m.simulate, m, t) end
for _, n in ipairs{"nan", "inf", "-1", "0", "1e309", "0x7fffffffffffffff", "1e9 junk", "1.5", "-0x8000000000000000"} do
  assert(not sim{trials = n, draws = {["rev.a@3Q02"] = 1}, outputs = {"op_income@3Q02"}}, "trials = " .. n)
  assert(not sim{trials = 10, threads = n, draws = {["rev.a@3Q02"] = 1}, outputs = {"op_income@3Q02"}}, "threads = " .. n)
end
for _, x in ipairs{"nan", "1e309", "-1e309", "inf"} do
  assert(not pcall(kessan.normal, x, 1), "normal(" .. x .. ", 1)")
  assert(not pcall(m.set, m, "rev.a@3Q02", x) or m:get("rev.a@3Q02") == 160, "set " .. x)
end
local ok, r = sim{trials = " 12 ", draws = {["rev.a@3Q02"] = "5"}, outputs = {"op_income@3Q02"}}
assert(not ok or r:trials() == 12)
