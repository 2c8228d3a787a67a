-- exports beside a file named like a temporary that a killed export left
-- (out.csv.tmp.Ab12Cd): the exports must not fail, take it over or append
-- to it, and the result imports back
-- setup: stale-temporary out.csv.tmp.Ab12Cd
-- expect: ok
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
for i = 1, 5 do assert(m:export("out.csv")) end
assert(m:import("out.csv"))
