-- a result's chart, score and sensitivity after the result, its model or
-- the scenarios given as actuals, low and high are closed and collected
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("x")
local r = m:simulate{trials = 100, seed = 1, progress = false, keep = true,
                     draws = {["rev.a@3Q02"] = kessan.normal(160, 5)},
                     outputs = {"op_income@3Q02"}}
s:close()
H.refused(r.score, r, s)
H.refused(r.score, r, {["op_income@3Q02"] = 1}, {low = s, high = m})
m:close()
collectgarbage()
-- the result holds its own trials: it still answers, or refuses cleanly
pcall(r.chart, r, "op_income@3Q02")
pcall(r.score, r, {["op_income@3Q02"] = 1})
pcall(r.sensitivity, r, "op_income@3Q02")
H.refused(r.chart, r, "op_income@3Q02", nil, {model = m})
r:close()
H.refused(r.chart, r, "op_income@3Q02")
H.refused(r.score, r, {["op_income@3Q02"] = 1})
H.refused(r.sensitivity, r, "op_income@3Q02")
H.refused(kessan.chart.distribution, {result = r, cell = "op_income@3Q02"})
H.refused(kessan.chart.fan, {model = m, item = "rev.total", periods = {"3Q02"}})
H.refused(m.show, m, "is")
H.refused(m.extend, m, {last_year = "FY2004"})
