-- test_attack_charts.lua -- charts, the chart command, sensitivity,
-- scores and kessan.format under a hostile or careless script: figures at the edges of a double,
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

-- a sample spanning more than DBL_MAX: its bins were indexed by NaN (a
-- crash), and a range or band beyond it in the axis's units drew bins and
-- markers at NaN and infinity: refused; up to it, drawn with numbers
do
  local too_wide = "span more than a chart's axis can hold"
  check.raises(too_wide, C.distribution, {values = {1e308, -1e308}})
  check.raises(too_wide, C.distribution, {values = {1.7e308, 1.7e308, -1.7e308, 0},
                                          bins = 7})
  check.raises(too_wide, C.distribution, {values = {0.1, 0.2}, unit = "ratio",
                                          band = {-1e308, 1e308}})
  check.raises(too_wide, C.distribution, {values = {0.1, 0.2}, unit = "ratio",
                                          actual = -1e308})
  finite_svg(C.distribution{values = {8e307, -8e307, 0}, bins = 9}, "8e307")
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

-- a bridge's depth out of int's range was cast to -2147483648 (and 3.5
-- taken as 3); a heat map's row that is no table raised "attempt to index
-- a nil value"
do
  local m = assert(kessan.open("tests/data/tiny"))
  for _, depth in ipairs{1e12, 2^31, -2^31, 0/0, math.huge, 3.5, 0, 21} do
    check.raises("option 'depth': an integer from 1 to 20 expected",
                 C.waterfall, {model = m, from = "op_income@1Q02",
                               to = "op_income@2Q02", depth = depth})
  end
  assert(C.waterfall{model = m, from = "op_income@1Q02", to = "op_income@2Q02",
                     depth = 20})
  check.raises("option 'values': row 2: a table of 1 values expected",
               C.heatmap, {rows = {1, 2}, cols = {1}, values = {{1}}})
  check.raises("option 'values': row 1: a table of 1 values expected",
               C.heatmap, {rows = {1}, cols = {1}, values = {5}})
  m:close()
end

-- kessan chart --scenarios NAME made a fresh copy of the base for a name
-- the model has not saved (a typo drew the base's figures as 'hgh')
do
  local program = check.program()
  for _, args in ipairs{"tests/data/scenarios bars rev.a@3Q02 --scenarios low,hgh",
                        "tests/data/tiny bars rev.a@3Q02 --scenarios nope",
                        "tests/data/scenarios fan rev.a 3Q02 4Q02 --scenarios "
                          .. "low,base,hgh --forecast 4Q02"} do
    local code, out, err = check.run(program, "chart " .. args)
    check.eq(code, 1, "exit status of chart " .. args)
    check.eq(out, "", "output of chart " .. args)
    assert(err:find("no scenario '", 1, true), err)
  end
  local code, out = check.run(program, "chart tests/data/scenarios bars "
                              .. "rev.a@3Q02 --scenarios low,base,high")
  check.eq(code, 0, "exit status with saved scenarios")
  assert(out:find('data-series="high"', 1, true), out)
end

-- sensitivity of draws near the smallest doubles: their squared
-- deviations underflowed to 0, so each drawn cell read as one that never
-- varies (contribution 0); contributions do not depend on the scale
do
  local m = assert(kessan.open("tests/data/tiny"))
  local function contributions(scale)
    local r = m:simulate{trials = 2000, seed = 1, keep = true, progress = false,
                         draws = {["rev.a@4Q02"] = kessan.normal(3 * scale, scale),
                                  ["rev.b@4Q02"] = kessan.normal(0, 2 * scale)},
                         outputs = {"rev.total@4Q02"}}
    local by = {}
    for _, row in ipairs(r:sensitivity("rev.total@4Q02")) do by[row.cell] = row end
    return by
  end
  local one = contributions(1)
  check.near(one["rev.a@4Q02"].contribution + one["rev.b@4Q02"].contribution,
             1, "contributions of a sum", 0.05)
  for _, scale in ipairs{1e-300, 1e-200, 1e100} do
    local by = contributions(scale)
    for cell, row in pairs(one) do
      check.near(by[cell].contribution, row.contribution,
                 cell .. "'s contribution at scale " .. scale, 1e-9)
      check.near(by[cell].rank_correlation, row.rank_correlation,
                 cell .. "'s rank correlation at scale " .. scale, 1e-12)
    end
  end
  m:close()
end

-- kessan.format's options: a decimals that is no integer named argument
-- #4 ("number has no integer representation"), a unit that is a table #3
do
  for _, d in ipairs{0/0, 1.5, math.huge, "x", {}, true, 13, -1, 2^63} do
    check.raises("bad argument #2 to 'kessan.format' (field 'decimals': 0 to 12 expected)",
                 kessan.format, 1.25, {decimals = d})
  end
  for _, unit in ipairs{{}, true, 5} do
    check.raises("bad argument #2 to 'kessan.format' (field 'unit': a string expected)",
                 kessan.format, 1.25, {unit = unit})
  end
  check.eq(kessan.format(1.25, {decimals = 2}), "1.25", "two decimals")
end

-- r:score's actuals table: a key that is no output was raised as
-- "bad argument #10" (the stack slot of its copy)
do
  local m = assert(kessan.open("tests/data/tiny"))
  local r = m:simulate{trials = 100, seed = 1, progress = false,
                       draws = {["rev.a@3Q02"] = kessan.normal(160, 5)},
                       outputs = {"op_income@3Q02"}}
  check.raises("bad argument #1 to 'score' ('rev.a@3Q02' is not an output",
               function() return r:score{["rev.a@3Q02"] = 5} end)
  check.raises("bad argument #1 to 'score' ('1' is not an output",
               function() return r:score{5} end)
  check.raises("bad argument #1 to 'score' (string expected, got table)",
               function() return r:score{[{}] = 5} end)
  m:close()
end

-- every chart with a value axis: figures spanning more than a double
-- drew bars of no size, no ticks, and (a waterfall's running total)
-- infinities; refused naming the chart
do
  local too_wide = "span more than a chart's axis can hold"
  local H = 1.7e308
  check.raises("tornado: the figures from", C.tornado,
               {base = 0, bars = {{label = "a", low = -H, high = H}}})
  check.raises("bars: the figures from", C.bars,
               {groups = {"a"}, series = {"s", "t"}, values = {{H, -H}}})
  check.raises("fan: the figures from", C.fan,
               {points = {{label = "a", value = -H}, {label = "b", value = H}}})
  check.raises(too_wide, C.waterfall,
               {start = {"a", H}, steps = {{"x", H}}, finish = {"b", H}})
  check.raises(too_wide, C.tornado, {base = 0, scale = 1e-320,
                                     bars = {{label = "a", low = 1, high = 2}}})
  finite_svg(C.tornado{base = 0, bars = {{label = "a", low = -8e307, high = 8e307}}},
             "tornado at 8e307")
  finite_svg(C.bars{groups = {"a"}, series = {"s", "t"}, values = {{8e307, -8e307}}},
             "bars at 8e307")
  finite_svg(C.waterfall{start = {"a", 4e307}, steps = {{"x", 4e307}},
                         finish = {"b", 8e307}}, "waterfall at 8e307")
end

-- a heat map's cell with no figure wrote data-value="nan"
do
  local svg = C.heatmap{rows = {1, 2}, cols = {1, 2}, values = {{0/0, 2}, {3}}}
  finite_svg(svg, "a heat map with missing cells")
  local cells, valued = 0, 0
  for cell in svg:gmatch('<rect[^>]*class="cell"[^>]*>') do
    cells = cells + 1
    if cell:find("data-value=", 1, true) then valued = valued + 1 end
  end
  check.eq(cells, 4, "cells drawn")
  check.eq(valued, 2, "cells carrying a number")
end

check.cleanup()
print("test_attack_charts: ok")
