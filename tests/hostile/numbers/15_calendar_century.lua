-- a calendar of 1950-2060: period ids must stay unique, or the calendar is refused
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local refused = H.refused
local ok, x = pcall(kessan.new, {first_year = 1950, last_year = 2060, fiscal_year_end_month = 12})
if ok and x then
  local seen = {}
  for _, p in ipairs(x:periods()) do assert(not seen[p], "period id " .. p .. " twice"); seen[p] = true end
end
