-- a calendar of a million years
-- (refused, or a memory error: either is an exit 1 with a message)
-- expect: error
-- stderr: not enough memory|timeout|last_year|calendar|years
local kessan = require "kessan"
local keep = {}
for i = 1, 1000 do keep[i] = kessan.new{first_year = 1, last_year = 1000000, fiscal_year_end_month = 3} end
