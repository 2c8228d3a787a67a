-- kessan.new with NaN, negative, huge and reversed years and months
-- expect: any
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local cases = {{first_year = 0/0}, {first_year = -1e18}, {first_year = 1e18}, {first_year = math.mininteger},
  {first_year = 2001, last_year = 1990}, {fiscal_year_end_month = 0}, {fiscal_year_end_month = 13},
  {fiscal_year_end_month = 0/0}, {fiscal_year_end_month = 1.5}, {first_year = 1, last_year = 1e9},
  {first_year = 2001, last_year = math.maxinteger}, {first_year = -2^53, last_year = 2^53}}
for _, c in ipairs(cases) do
  c.first_year = c.first_year or 2001; c.last_year = c.last_year or 2002
  c.fiscal_year_end_month = c.fiscal_year_end_month or 3
  local ok, x = pcall(kessan.new, c)
  if ok and x then pcall(tostring, x); pcall(x.periods, x) end
end
