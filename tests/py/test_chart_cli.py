# tests/py/test_chart_cli.py -- `kessan chart` on the command line, and
# charts fed what an adversary would: labels full of markup, quotes,
# control characters and broken UTF-8 (still valid SVG, the text read back
# as written less what XML cannot hold), Japanese labels (CJK fonts named
# first), random data with negatives, zeros and ties (bars from zero to
# their value), misspelled options (refused with a suggestion), and a
# sandboxed script writing a chart outside its directories (refused).
import os
import random
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chart_svg import (NS, axis, by_class, check, close, finish, need_tools,  # noqa: E402
                       num, px_close, run_lua, valid_svg)

KESSAN = os.path.abspath(sys.argv[1])
need_tools("xmllint", "rsvg-convert")
TMP = tempfile.mkdtemp(prefix="kessan-chart-cli-")


def chart(*args):
    return subprocess.run([KESSAN, "chart", *args], capture_output=True, text=True)


# ---- the command ----------------------------------------------------------
proc = chart("data/iij", "waterfall", "op_income@2Q02", "op_income@3Q02", "--depth", "3")
check(proc.returncode == 0, f"waterfall to stdout: {proc.stderr}")
path = os.path.join(TMP, "stdout.svg")
with open(path, "w") as f:
    f.write(proc.stdout)
root = valid_svg(path)
values, _ = run_lua(KESSAN, "local k = require 'kessan'\nlocal m = k.open('data/iij')\n"
                    "print('a=' .. m:get('op_income@2Q02'))\nprint('b=' .. m:get('op_income@3Q02'))\n")
bars = by_class(root, "bar", "g")
close(num(bars[0], "data-value"), values["a"] / 1e6, 1e-9, "cli start")
close(num(bars[-1], "data-value"), values["b"] / 1e6, 1e-9, "cli end")
total = sum(num(b, "data-value") for b in bars if b.get("data-kind") == "step")
close(values["a"] / 1e6 + total, values["b"] / 1e6, 1e-9, "cli steps add up")

for name, args in {
    "bars": ["tests/data/scenarios", "bars", "rev.total@3Q02", "op_income@3Q02"],
    "fan": ["tests/data/scenarios", "fan", "rev.a", "1Q02", "2Q02", "3Q02", "4Q02",
            "--scenarios", "low,base,high", "--forecast", "4Q02"],
    "tornado": ["data/iij", "tornado", "op_income@3Q02", "rev.si@3Q02", "opex.sm@3Q02",
                "--swing", "0.2", "--title", "Swing <20%> & more"],
    "heatmap": ["data/iij", "heatmap", "rev.si@3Q02", "3e6,3.5e6,4e6", "opex.sm@3Q02",
                "8e5,9e5", "op_income@3Q02"],
}.items():
    out = os.path.join(TMP, name + ".svg")
    proc = chart(*args, "--out", out)
    check(proc.returncode == 0 and proc.stdout == "", f"{name}: {proc.stderr}")
    root = valid_svg(out)
    check(root.get("data-chart") == name, f"{name}: data-chart")
root = valid_svg(os.path.join(TMP, "tornado.svg"))
title = by_class(root, "title", "text")[0].text
check(title == "Swing <20%> & more", f"title read back: {title!r}")
root = valid_svg(os.path.join(TMP, "fan.svg"))
whisker = by_class(root, "outer", "line")
check(len(whisker) == 1, "one forecast band (4Q02)")
values, _ = run_lua(KESSAN, "local k = require 'kessan'\nlocal m = k.open('tests/data/scenarios')\n"
                    "print('lo=' .. m:scenario('low'):get('rev.a@4Q02'))\n"
                    "print('hi=' .. m:scenario('high'):get('rev.a@4Q02'))\n")
if whisker:
    close(num(whisker[0], "data-lo"), values["lo"] / 1e6, 1e-12, "fan low")
    close(num(whisker[0], "data-hi"), values["hi"] / 1e6, 1e-12, "fan high")

for args, status, words in [
    (["data/iij", "pie", "x"], 1, "unknown chart 'pie'"),
    (["data/iij", "waterfall", "op_income@2Q02", "rev.total@3Q02"], 1, "different items"),
    (["data/iij", "waterfall", "op_income@2Q02"], 1, "expected FROM_CELL TO_CELL"),
    (["data/iij", "waterfall", "op_income@2Q02", "op_incom@3Q02"], 1, "did you mean 'op_income'"),
    (["data/iij", "waterfall", "a@1Q02", "a@2Q02", "--depth", "x"], 2, "--depth takes a number"),
    (["data/iij", "waterfall", "op_income@2Q02", "op_income@3Q02", "--out", "/nonexistent/x.svg"], 1, "/nonexistent/x.svg"),
    (["data/iij"], 2, "expected MODEL and a chart"),
    (["data/iij", "bars", "rev.total@3Q02", "--lang", "fr"], 1, "'en' or 'ja'"),
    (["data/iij", "bars", "rev.total@3Q02", "--titel", "x"], 2, "did you mean '--title'"),
]:
    proc = chart(*args)
    check(proc.returncode == status and words in proc.stderr and "traceback" not in proc.stderr,
          f"chart {' '.join(args)}: status {proc.returncode}, {proc.stderr!r}")

# ---- hostile labels, Japanese, random data ---------------------------------
HOSTILE = "a<b>&\"c'd\x01e\x7f\xff\xfe\xe5\x96"
lua = r"""
local kessan = require "kessan"
local out = ...
local label = "a<b>&\"c'd\1e\127\255\254\229\150"
assert(kessan.chart.waterfall{start = {label, 1}, steps = {{label, -2}, {"営業利益", 0.5}},
                              finish = {"end " .. label, -0.5}, title = label, out = out .. "/hostile.svg"})
assert(kessan.chart.bars{groups = {label, "x"}, series = {label}, values = {{1}, {-1}},
                         out = out .. "/hostile_bars.svg", lang = "ja"})
local m = assert(kessan.open("data/iij"))
assert(kessan.chart.waterfall{model = m, from = "op_income@2Q02", to = "op_income@3Q02",
                              lang = "ja", out = out .. "/ja.svg"})
local svg = kessan.chart.heatmap{rows = {1, 2}, cols = {"a", "b"}, values = {{1, 2}, {3, 0/0}}}
assert(svg:find("^<svg"))
math.randomseed(99)
for n = 1, 25 do
  local groups, series, values = {}, {}, {}
  local g, s = math.random(1, 6), math.random(1, 4)
  for i = 1, g do groups[i] = "g" .. i end
  for j = 1, s do series[j] = "s" .. j end
  for i = 1, g do
    values[i] = {}
    for j = 1, s do
      local kind = math.random(1, 5)
      values[i][j] = kind == 1 and 0 or kind == 2 and 5 or (math.random() - 0.4) * 10 ^ math.random(-3, 9)
    end
  end
  assert(kessan.chart.bars{groups = groups, series = series, values = values,
                           out = out .. "/random" .. n .. ".svg"})
end
for _, bad in ipairs{
  function() kessan.chart.bars{groups = {"a"}, series = {"b"}, values = {{1}}, titel = "x"} end,
  function() kessan.chart.waterfall{model = m, form = "op_income@2Q02"} end,
  function() kessan.chart.bars{groups = {"a"}, series = {"b"}, values = {{1}}, width = 5} end,
  function() kessan.chart.tornado{bars = {{label = "x", low = 1}}, base = 0} end,
  function() kessan.chart.fan{points = {}} end,
  function() kessan.chart.distribution{values = {1, 0/0}} end,
} do
  local ok, message = pcall(bad)
  print("refused=" .. tostring(not ok) .. " " .. tostring(message):gsub("\n", " "))
end
"""
_, text = run_lua(KESSAN, lua, TMP)
refusals = [line for line in text.splitlines() if line.startswith("refused=")]
check(len(refusals) == 6 and all(r.startswith("refused=true") for r in refusals), f"refusals: {refusals}")
check("did you mean 'title'" in refusals[0], f"suggestion: {refusals[0]}")
check("did you mean 'from'" in refusals[1], f"suggestion: {refusals[1]}")
check("100 to 10000" in refusals[2], refusals[2])

root = valid_svg(os.path.join(TMP, "hostile.svg"))
want = "a<b>&\"c'de\ufffd\ufffd\ufffd\ufffd"
title = by_class(root, "title", "text")[0].text
check(title == want, f"hostile title read back: {title!r} != {want!r}")
labels = [g.get("data-label") for g in by_class(root, "bar", "g")]
check(labels[1] == want and labels[2] == "営業利益", f"labels: {labels}")
valid_svg(os.path.join(TMP, "hostile_bars.svg"))
root = valid_svg(os.path.join(TMP, "ja.svg"))
check(root.get("font-family").startswith("'Noto Sans CJK JP'"), "Japanese first")
labels = [g.get("data-label") for g in by_class(root, "bar", "g")]
check("売上原価合計" in labels and "機器販売" in labels, f"Japanese labels: {labels}")

for n in range(1, 26):
    root = valid_svg(os.path.join(TMP, f"random{n}.svg"))
    y = axis(root, "y")
    for r in by_class(root, "bar", "rect"):
        v = num(r, "data-value")
        px_close(num(r, "y"), min(y(0), y(v)), f"random{n} bar top")
        px_close(num(r, "y") + num(r, "height"), max(y(0), y(v)), f"random{n} bar bottom")

# ---- a bridge over products, functions and double negation ----------------
values, _ = run_lua(KESSAN, r"""
local kessan = require "kessan"
local m = assert(kessan.open("data/iij"))
m:define("x", "rev.si * 2 - opex.sm + max(rev.vas, 0) - -rev.other", {unit = "JPY thousands"})
assert(kessan.chart.waterfall{model = m, from = "x@2Q02", to = "x@3Q02", out = ... .. "/odd.svg"})
for _, id in ipairs{"rev.si", "opex.sm", "rev.vas", "rev.other", "x"} do
  print(id .. "=" .. string.format("%.17g", m:get(id .. "@3Q02") - m:get(id .. "@2Q02")))
end
""", TMP)
root = valid_svg(os.path.join(TMP, "odd.svg"))
steps = [(g.get("data-label"), num(g, "data-value")) for g in by_class(root, "bar", "g")
         if g.get("data-kind") == "step"]
expected = [2 * values["rev.si"], -values["opex.sm"], values["rev.vas"], values["rev.other"]]
check(len(steps) == 4, f"four terms: {steps}")
for (label, got), want in zip(steps, expected):
    close(got, want / 1e6, 1e-9, f"term {label}")
close(sum(v for _, v in steps), values["x"] / 1e6, 1e-9, "the terms add up to the change")
check(steps[0][0].endswith(" * 2") and steps[2][0].startswith("max("), f"labels: {steps}")

# ---- the sandbox confines chart files ---------------------------------------
script = os.path.join(TMP, "escape.lua")
with open(script, "w") as f:
    f.write("local kessan = require 'kessan'\n"
            "print(pcall(kessan.chart.bars, {groups = {'a'}, series = {'b'}, values = {{1}},"
            " out = '/etc/kessan_chart_escape.svg'}))\n")
proc = subprocess.run([KESSAN, "run", "--sandbox", script], capture_output=True, text=True)
check(proc.stdout.startswith("false") and not os.path.exists("/etc/kessan_chart_escape.svg"),
      f"the sandbox refuses a chart outside: {proc.stdout} {proc.stderr}")

finish("test_chart_cli")
