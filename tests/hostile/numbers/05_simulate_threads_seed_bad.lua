-- simulate with bad threads and seeds: each refused
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local refused = H.refused
local sim = H.simulator(m)
for _, t in ipairs{0/0, 0, -1, 257, 1e9, 2^53, 1/0, 0.5} do
  assert(not sim{trials = 100, threads = t, draws = {["rev.a@3Q02"] = 1}}, "threads = " .. tostring(t))
end
for _, seed in ipairs{-1, 0/0, 1/0, 1e300, 0.5, math.mininteger} do
  assert(not sim{trials = 100, seed = seed, draws = {["rev.a@3Q02"] = 1}}, "seed = " .. tostring(seed))
end
