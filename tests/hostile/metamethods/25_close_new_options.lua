-- kessan.new{...}: the options close every model open
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local proxy = H.proxy
local attack = H.closer(m, s)
pcall(kessan.new, proxy({first_year = 2001, last_year = 2003, fiscal_year_end_month = 3}, attack))
m = assert(kessan.open("tiny"))
collectgarbage()
