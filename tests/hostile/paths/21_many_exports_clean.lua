-- twelve exports and six grid exports in the box leave no temporaries
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local g = s:datatable{rows = {"rev.a@3Q02", {1, 2}}, out = "op_income@3Q02"}
for i = 1, 12 do assert(m:export("e" .. (i % 7) .. ".csv")) end
for i = 1, 6 do assert(g:export("g.csv")) end
