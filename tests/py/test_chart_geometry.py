# tests/py/test_chart_geometry.py -- every chart kind drawn from the IIJ
# model and its results, checked as an adversary would: valid SVG
# (xmllint), rendered by rsvg-convert without a word on stderr, and read
# back: the axes' ticks are nice and evenly placed, and every bar, marker,
# point and band sits where its number says, the numbers being the
# engine's (m:get, r:percentile, the tornado's) or, for a sample, those of
# numpy's definitions written out here (linear percentiles, equal bins).
import os
import random
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chart_svg import (NS, axis, by_class, check, close, finish, need_tools,  # noqa: E402
                       num, px_close, run_lua, valid_svg)

KESSAN = os.path.abspath(sys.argv[1])
need_tools("xmllint", "rsvg-convert")
OUT = tempfile.mkdtemp(prefix="kessan-chart-")

SCRIPT = r"""
local kessan = require "kessan"
local out = ...
local m = assert(kessan.open("data/iij"))
local lines = {"rev.dedicated", "rev.dialup", "rev.vas", "rev.other", "rev.si",
               "rev.equipment", "cost.connectivity", "cost.si", "cost.equipment",
               "opex.sm", "opex.ga", "opex.rd"}
math.randomseed(7)
for _, id in ipairs(lines) do
  m:set(id .. "@4Q02", m:get(id .. "@3Q02") * (0.9 + 0.2 * math.random()))
end
local function put(k, v) print(k .. "=" .. string.format("%.17g", v)) end
for _, id in ipairs(lines) do
  put("d." .. id, m:get(id .. "@4Q02") - m:get(id .. "@3Q02"))
end
put("op3", m:get("op_income@3Q02")); put("op4", m:get("op_income@4Q02"))
-- waterfall from the formulas
assert(kessan.chart.waterfall{model = m, from = "op_income@3Q02", to = "op_income@4Q02",
                              depth = 3, out = out .. "/waterfall.svg"})
assert(kessan.chart.waterfall{model = m, from = "op_income@3Q02", to = "op_income@4Q02",
                              depth = 3, zero = false, out = out .. "/waterfall_nz.svg"})
-- distribution
local r = m:simulate{trials = 20000, seed = 3,
  draws = {["rev.si@4Q02"] = kessan.triangular(4e6, 5e6, 6.2e6),
           ["rev.dedicated@4Q02"] = kessan.normal(3.4e6, 1e5)},
  outputs = {"rev.total@4Q02", "op_income@4Q02"}}
assert(r:chart("rev.total@4Q02", out .. "/dist.svg",
       {unit = "JPY thousands", band = {12.5e6, 13e6}, actual = 12.9e6, bins = 30}))
for _, q in ipairs{5, 25, 50, 75, 95} do put("p" .. q, r:percentile("rev.total@4Q02", q)) end
put("trials", r:count("rev.total@4Q02"))
local counts, edges = r:histogram("rev.total@4Q02", 30)
for i = 1, 30 do put("h" .. i, counts[i]) end
put("e1", edges[1]); put("e31", edges[31])
-- fan
assert(kessan.chart.fan{model = m, item = "rev.total", result = r,
  periods = {"3Q01", "1Q02", "2Q02", "3Q02", "4Q02"}, out = out .. "/fan.svg"})
for _, p in ipairs{"3Q01", "1Q02", "2Q02", "3Q02"} do put("rev." .. p, m:get("rev.total@" .. p)) end
-- tornado
local t = m:tornado{out = "op_income@4Q02", inputs = {"rev.si@4Q02", "cost.si@4Q02",
                    {"opex.sm@4Q02", 7e5, 1.1e6}}, swing = 0.1}
assert(kessan.chart.tornado{bars = t, model = m, out = out .. "/tornado.svg"})
put("t.base", t.base)
for i, bar in ipairs(t) do put("t" .. i .. ".low", bar.out_low); put("t" .. i .. ".high", bar.out_high) end
-- a sensitivity (the simulation's, when the build has r:sensitivity; rows
-- of the same form otherwise) as a tornado of rank correlations
local rows = {{cell = "a@4Q02", rank_correlation = 0.7, contribution = 0.5},
              {cell = "b@4Q02", rank_correlation = -0.3, contribution = 0.1}}
if r.sensitivity then
  local kept = m:simulate{trials = 4000, seed = 5, keep = true,
    draws = {["rev.si@4Q02"] = kessan.normal(5e6, 4e5),
             ["opex.sm@4Q02"] = kessan.normal(9e5, 9e4),
             ["cost.si@4Q02"] = kessan.normal(4e6, 2e5)},
    outputs = {"op_income@4Q02"}}
  rows = kept:sensitivity("op_income@4Q02")
end
assert(kessan.chart.tornado{bars = rows, out = out .. "/sensitivity.svg"})
for i, row in ipairs(rows) do put("s" .. i, row.rank_correlation) end
put("s.count", #rows)
-- bars
local low = m:scenario("low"); low:set("rev.si@4Q02", 4e6)
local high = m:scenario("high"); high:set("rev.si@4Q02", 6.5e6)
assert(kessan.chart.bars{scenarios = {m, low, high}, cells = {"rev.total@4Q02", "op_income@4Q02"},
                         out = out .. "/bars.svg"})
for name, s in pairs{base = m, low = low, high = high} do
  put("b." .. name .. ".rev", s:get("rev.total@4Q02")); put("b." .. name .. ".op", s:get("op_income@4Q02"))
end
-- heat map of a data table
local g = m:datatable{rows = {"rev.si@4Q02", {4e6, 5e6, 6e6}},
                      cols = {"cost.si@4Q02", {3.5e6, 4e6, 4.5e6, 5e6}}, out = "op_income@4Q02"}
assert(kessan.chart.heatmap{grid = g, unit = "JPY thousands", out = out .. "/heatmap.svg"})
for i = 1, 3 do for j = 1, 4 do put("g" .. i .. j, g[i][j]) end end
"""

values, _ = run_lua(KESSAN, SCRIPT, OUT)
BN = 1e6


def waterfall(name, zero):
    root = valid_svg(os.path.join(OUT, name))
    y = axis(root, "y")
    bars = by_class(root, "bar", "g")
    close(num(bars[0], "data-value"), values["op3"] / BN, 1e-9, "start")
    close(num(bars[-1], "data-value"), values["op4"] / BN, 1e-9, "end")
    steps = [b for b in bars if b.get("data-kind") == "step"]
    check(len(steps) == 12, f"{len(steps)} steps, not the 12 lines")
    # each line's change, signed as op_income = revenues - costs - expenses
    by_label = {b.get("data-label"): num(b, "data-value") for b in steps}
    expected = {"Systems integration revenues": values["d.rev.si"],
                "Dedicated access services": values["d.rev.dedicated"],
                "Cost of systems integration revenues": -values["d.cost.si"],
                "Sales and marketing": -values["d.opex.sm"]}
    for label, delta in expected.items():
        close(by_label.get(label), delta / BN, 1e-9, f"step {label}")
    running = values["op3"] / BN
    for b in steps:
        close(num(b, "data-from"), running, 1e-9, "steps chain")
        running += num(b, "data-value")
        close(num(b, "data-to"), running, 1e-9, "step end")
    close(running, values["op4"] / BN, 1e-9, "steps add up to the change")
    for b in bars:
        rect = b.find(NS + "rect")
        top = min(y(num(b, "data-from")), y(num(b, "data-to")))
        bottom = max(y(num(b, "data-from")), y(num(b, "data-to")))
        px_close(num(rect, "y"), top, f"{b.get('data-label')} top")
        px_close(num(rect, "y") + num(rect, "height"), bottom,
                 f"{b.get('data-label')} bottom")
        colour = rect.get("fill")
        if b.get("data-kind") == "step":
            check((colour == "#2e8b57") == (num(b, "data-value") >= 0),
                  f"{b.get('data-label')}: colour {colour} for {num(b, 'data-value')}")
    if zero:
        check(num(bars[0], "data-from") == 0, "a total's bar begins at zero")


waterfall("waterfall.svg", True)
waterfall("waterfall_nz.svg", False)

# distribution: markers at the engine's percentiles, bins the engine's
root = valid_svg(os.path.join(OUT, "dist.svg"))
x = axis(root, "x")
y = axis(root, "y")
markers = {m.get("data-name"): m for m in by_class(root, "marker", "line")}
for name in ("p5", "p50", "p95"):
    close(num(markers[name], "data-value"), values[name] / BN, 1e-12, name)
    px_close(num(markers[name], "x1"), x(values[name] / BN), name)
close(num(markers["actual"], "data-value"), 12.9, 1e-12, "actual")
px_close(num(markers["actual"], "x1"), x(12.9), "actual")
band = by_class(root, "band", "rect")[0]
px_close(num(band, "x"), x(12.5), "band lo")
px_close(num(band, "x") + num(band, "width"), x(13.0), "band hi")
bins = by_class(root, "bin", "rect")
check(len(bins) == 30, f"{len(bins)} bins")
check(sum(int(b.get("data-count")) for b in bins) == values["trials"], "bins count every trial")
for i, b in enumerate(bins):
    check(int(b.get("data-count")) == values[f"h{i + 1}"], f"bin {i + 1}: not r:histogram's count")
    share = 100 * int(b.get("data-count")) / values["trials"]
    close(num(b, "data-share"), share, 1e-9, f"bin {i + 1} share")
    px_close(num(b, "y"), y(share), f"bin {i + 1} top")
    px_close(num(b, "x"), x(num(b, "data-lo")), f"bin {i + 1} left")
    px_close(num(b, "x") + num(b, "width"), x(num(b, "data-hi")), f"bin {i + 1} right")
close(num(bins[0], "data-lo"), values["e1"] / BN, 1e-12, "first edge")
close(num(bins[-1], "data-hi"), values["e31"] / BN, 1e-12, "last edge")
check(root.find(f".//{NS}g[@class='meta']").get("data-unit") == "JPY bn", "unit JPY bn")

# fan: history at the model's figures, 4Q02's bands at the percentiles
root = valid_svg(os.path.join(OUT, "fan.svg"))
y = axis(root, "y")
points = {p.get("data-period"): p for p in by_class(root, "point", "circle")}
for period in ("3Q01", "1Q02", "2Q02", "3Q02"):
    close(num(points[period], "data-value"), values["rev." + period] / BN, 1e-12, period)
    px_close(num(points[period], "cy"), y(values["rev." + period] / BN), period)
close(num(points["4Q02"], "data-value"), values["p50"] / BN, 1e-12, "4Q02 middle")
outer = by_class(root, "outer", "line")[0]
inner = by_class(root, "inner", "line")[0]
for line, lo, hi in ((outer, "p5", "p95"), (inner, "p25", "p75")):
    close(num(line, "data-lo"), values[lo] / BN, 1e-12, lo)
    close(num(line, "data-hi"), values[hi] / BN, 1e-12, hi)
    px_close(num(line, "y1"), y(values[lo] / BN), lo)
    px_close(num(line, "y2"), y(values[hi] / BN), hi)
xs = [num(points[p], "cx") for p in ("3Q01", "1Q02", "2Q02", "3Q02", "4Q02")]
check(xs == sorted(xs), "periods left to right")

# tornado: each half bar from the base to the output at the input's value
root = valid_svg(os.path.join(OUT, "tornado.svg"))
x = axis(root, "x")
swings = by_class(root, "swing", "g")
check(len(swings) == 3, "three bars")
base = values["t.base"] / BN
for i, g in enumerate(swings, 1):
    for side in ("low", "high"):
        v = values[f"t{i}.{side}"] / BN
        close(num(g, "data-" + side), v, 1e-12, f"bar {i} {side}")
        rect = g.find(f"{NS}rect[@class='swing-{side}']")
        px_close(num(rect, "x"), min(x(base), x(v)), f"bar {i} {side} left")
        px_close(num(rect, "x") + num(rect, "width"), max(x(base), x(v)), f"bar {i} {side} right")
spreads = [abs(num(g, "data-high") - num(g, "data-low")) for g in swings]
check(spreads == sorted(spreads, reverse=True), "widest first")

# a sensitivity: one bar per drawn cell from 0 to its rank correlation
root = valid_svg(os.path.join(OUT, "sensitivity.svg"))
x = axis(root, "x")
swings = by_class(root, "swing", "g")
check(len(swings) == values["s.count"], "a bar per row of the sensitivity")
for i, g in enumerate(swings, 1):
    close(num(g, "data-high"), values[f"s{i}"], 1e-12, f"sensitivity {i}")
    check(num(g, "data-low") == 0, "a sensitivity's bar begins at 0")
    rect = g.find(f"{NS}rect[@class='swing-high']")
    px_close(num(rect, "x"), min(x(0), x(values[f"s{i}"])), f"sensitivity {i} left")
    px_close(num(rect, "x") + num(rect, "width"), max(x(0), x(values[f"s{i}"])), f"sensitivity {i} right")
check(not by_class(root, "legend", "rect"), "no low/high legend for one measure")

# bars: each bar from zero to the scenario's figure
root = valid_svg(os.path.join(OUT, "bars.svg"))
y = axis(root, "y")
rects = by_class(root, "bar", "rect")
check(len(rects) == 6, f"{len(rects)} bars")
for r in rects:
    key = "rev" if r.get("data-group").startswith("Total revenues") else "op"
    v = values[f"b.{r.get('data-series')}.{key}"] / BN
    close(num(r, "data-value"), v, 1e-12, f"bar {r.get('data-series')} {key}")
    px_close(min(y(0), y(v)), num(r, "y"), "bar top")
    px_close(max(y(0), y(v)), num(r, "y") + num(r, "height"), "bar bottom")

# heat map: the grid's values, coloured in their order (greener when higher)
root = valid_svg(os.path.join(OUT, "heatmap.svg"))
cells = by_class(root, "cell", "rect")
check(len(cells) == 12, f"{len(cells)} cells")
greens = []
for k, c in enumerate(cells):
    i, j = divmod(k, 4)
    close(num(c, "data-value"), values[f"g{i + 1}{j + 1}"] / BN, 1e-12, f"cell {i},{j}")
    fill = c.get("fill")
    rgb = [int(fill[n:n + 2], 16) for n in (1, 3, 5)]
    greens.append((num(c, "data-value"), rgb[1] - rgb[0]))
greens.sort()
check(all(a[1] <= b[1] for a, b in zip(greens, greens[1:])), "colour follows the value")

# a sample: histogram and percentiles against numpy's
random.seed(11)
sample = [random.gauss(5, 2) ** 3 for _ in range(3001)]
lua = "local kessan = require 'kessan'\nlocal v = {" + ",".join(repr(s) for s in sample) + "}\n"
lua += f"assert(kessan.chart.distribution{{values = v, bins = 25, out = '{OUT}/sample.svg'}})\n"
run_lua(KESSAN, lua)
root = valid_svg(os.path.join(OUT, "sample.svg"))
lo, hi = min(sample), max(sample)
counts = [0] * 25
for v in sample:   # numpy.histogram: equal bins, the last one closed
    counts[min(24, int((v - lo) / ((hi - lo) / 25)))] += 1


def percentile(values, q):   # numpy.percentile's default (linear)
    ordered = sorted(values)
    at = q / 100 * (len(ordered) - 1)
    i = int(at)
    if i + 1 >= len(ordered):
        return ordered[-1]
    return ordered[i] + (ordered[i + 1] - ordered[i]) * (at - i)


bins = by_class(root, "bin", "rect")
check([int(b.get("data-count")) for b in bins] == list(counts), "counts as numpy's")
markers = {m.get("data-name"): m for m in by_class(root, "marker", "line")}
for q in (5, 50, 95):
    close(num(markers[f"p{q}"], "data-value"), percentile(sample, q), 1e-9, f"sample p{q}")

finish("test_chart_geometry")
