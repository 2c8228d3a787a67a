-- test_attack_charts.lua -- charts, sensitivity, scores, show and extend
-- under a hostile or careless script: figures at the edges of a double,
-- degenerate data and bad options give a clean error or a valid chart,
-- never a crash (run it in the sanitizer build too).
package.path = "tests/lua/?.lua;" .. package.path
local check = require "check"
local kessan = require "kessan"
local C = kessan.chart

-- An SVG whose numbers are all numbers: no NaN or infinity written.
local function finite_svg(svg, what)
  assert(type(svg) == "string", what .. ": an SVG expected")
  local bad = svg:match('="[^"]*%f[%a]nan"') or svg:match('="%-?inf"')
  check.eq(bad, nil, what .. ": an attribute that is no number")
end

-- a sample spanning more than DBL_MAX: its bins were indexed by NaN
do
  local svg = C.distribution{values = {1e308, -1e308}}
  assert(svg:find("<svg", 1, true))
  svg = C.distribution{values = {1.7e308, 1.7e308, -1.7e308, 0}, bins = 7}
  assert(svg:find("<svg", 1, true))
  finite_svg(C.distribution{values = {5e-324, 0, -0.0}}, "subnormals")
end

-- the exact CRPS of an actual near DBL_MAX: its sums overflowed to
-- inf - inf = NaN from 1e306 on; it is the distance to the trials' mean
-- (the trials' spread is nothing beside it), as the sketch's CRPS says
do
  local m = assert(kessan.open("tests/data/tiny"))
  local r = m:simulate{trials = 1000, seed = 1, keep = true, progress = false,
                       draws = {["rev.a@4Q02"] = kessan.normal(170, 10)},
                       outputs = {"rev.a@4Q02"}}
  local mean = r:mean("rev.a@4Q02")
  for _, y in ipairs{1e300, 1e306, 1e308, -1e308} do
    local s = r:score{["rev.a@4Q02"] = y}
    check.near(s[1].crps / math.abs(y - mean), 1, "CRPS at " .. y, 1e-12)
    check.eq(s.summary.mean_crps, s[1].crps, "mean CRPS at " .. y)
  end
  local s = r:score{["rev.a@4Q02"] = 1.7976931348623157e308}
  assert(s[1].crps == s[1].crps, "the CRPS at DBL_MAX is NaN")
  m:close()
end

check.cleanup()
print("test_attack_charts: ok")
