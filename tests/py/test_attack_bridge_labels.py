# tests/py/test_attack_bridge_labels.py -- a bridge (waterfall between two
# periods of an item) over formulas an analyst writes: a formula that is a
# single product or function is one step (it was refused), and a product
# or function step is labelled by its term with each cell's label
# ("Systems integration revenues * 2"), not by its operator ("* (...)");
# Japanese labels with lang = "ja", and a term too long for a label cut
# at a character's start.  The SVG is parsed back; the steps' changes are
# compared with the model's own figures.
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chart_svg import by_class, check, close, finish, need_tools, num, run_lua, valid_svg  # noqa: E402

KESSAN = os.path.abspath(sys.argv[1])
need_tools("xmllint", "rsvg-convert")
TMP = tempfile.mkdtemp(prefix="kessan-bridge-labels-")

values, _ = run_lua(KESSAN, r"""
local kessan = require "kessan"
local m = assert(kessan.open("data/iij"))
local dir = ...
local long = ("revenue of a very long name "):rep(12)
m:define("v.long", "rev.si * 0 + 1", {unit = "JPY thousands", label = long,
                                      label_ja = ("売上高"):rep(40)})
local formulas = {
  product = "rev.si * 2",
  func = "max(rev.si, rev.vas)",
  nested = "(rev.si + rev.vas) * 3 / 2",
  long = "rev.si * v.long * v.long",
}
for name, formula in pairs(formulas) do
  m:define("t." .. name, formula, {unit = "JPY thousands"})
  for _, lang in ipairs{"en", "ja"} do
    assert(kessan.chart.waterfall{model = m, from = "t." .. name .. "@2Q02",
      to = "t." .. name .. "@3Q02", lang = lang,
      out = dir .. "/" .. name .. "-" .. lang .. ".svg"})
  end
  print(name .. "=" .. string.format("%.17g",
        m:get("t." .. name .. "@3Q02") - m:get("t." .. name .. "@2Q02")))
end
-- an input has no formula: still refused
print("input=" .. tostring(select(2, pcall(kessan.chart.waterfall,
  {model = m, from = "rev.si@2Q02", to = "rev.si@3Q02", out = dir .. "/x.svg"}))))
for _, id in ipairs{"rev.si", "rev.vas"} do
  local info = m:item(id)
  print(id .. ".label=" .. info.label)
  print(id .. ".label_ja=" .. info.label_ja)
end
""", TMP)


def steps(name, lang):
    root = valid_svg(os.path.join(TMP, f"{name}-{lang}.svg"))
    return [(g.get("data-label"), num(g, "data-value"))
            for g in by_class(root, "bar", "g") if g.get("data-kind") == "step"]


si, vas = values["rev.si.label"], values["rev.vas.label"]
si_ja, vas_ja = values["rev.si.label_ja"], values["rev.vas.label_ja"]
want = {
    ("product", "en"): f"{si} * 2",
    ("product", "ja"): f"{si_ja} * 2",
    ("func", "en"): f"max({si}, {vas})",
    ("func", "ja"): f"max({si_ja}, {vas_ja})",
    ("nested", "en"): f"({si} + {vas}) * 3 / 2",
}
for name in ("product", "func", "nested", "long"):
    for lang in ("en", "ja"):
        got = steps(name, lang)
        check(len(got) == 1, f"{name} {lang}: one step, got {got}")
        if not got:
            continue
        label, change = got[0]
        close(change, values[name] / 1e6, 1e-9, f"{name} {lang}: the change")
        check(label[0] not in "*/+-^", f"{name} {lang}: labelled by its operator: {label!r}")
        if (name, lang) in want:
            check(label == want[(name, lang)], f"{name} {lang}: {label!r} != {want[(name, lang)]!r}")
for lang in ("en", "ja"):
    label = steps("long", lang)[0][0]
    check(label.endswith("...") and len(label.encode()) < 300,
          f"long {lang}: cut with '...': {label!r}")
    check("\ufffd" not in label, f"long {lang}: cut inside a character: {label!r}")
check("not the same formula" in values["input"], f"an input refused: {values['input']}")

# the command line draws the same single-product bridge
proc = subprocess.run([KESSAN, "chart", "tests/data/tiny", "waterfall", "op_margin@2Q02",
                       "op_margin@3Q02"], capture_output=True, text=True)
check(proc.returncode == 0 or "not a number" in proc.stderr,
      f"a ratio's bridge: {proc.stderr}")
finish("test_attack_bridge_labels")
