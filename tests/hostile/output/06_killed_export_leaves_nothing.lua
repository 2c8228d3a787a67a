-- kill -9 in the middle of exports (five runs killed at 0.3 to 0.45 s), then a
-- second run exporting to the same names: no NAME.tmp.XXXXXX may remain
-- (O_TMPFILE, or stale temporaries of kessan's own pattern removed)
-- kill-after: 0.3
-- expect: ok
local OUTSIDE, again = ...
local kessan = require "kessan"
local m = assert(kessan.open("iij"))
local g = m:scenario("k"):datatable{rows = {"rev.si@3Q02", {1, 2, 3, 4, 5}}, out = "op_income@3Q02"}
local rounds = again and 3 or 100000
for i = 1, rounds do
  assert(m:export("big.csv", {scenario = true}))
  assert(g:export("grid.csv"))
  assert(m:export("iij/values.csv"))
end
assert(kessan.open("iij"), "the model directory no longer opens")
