# tests/py/test_grid_edit.py -- editing in `kessan grid` through a
# terminal emulator (grid_terminal.py): an input set with Enter, the
# dependents as the engine computes them (the same edit made by a Lua
# script under `kessan run`), the cells that moved highlighted, Del, undo
# and redo, a row's formula, scenarios (switch, create, save, one beside
# with its difference), and the command line (Lua, seek, table, errors
# without a traceback, the sandbox).
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from grid_terminal import SLOW, Terminal, check, run_tests  # noqa: E402

KESSAN = os.path.abspath(sys.argv[1])
MODEL = "data/iij"


def engine(lua):
    """Run Lua under `kessan run` with m open on the model: its output."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write('local kessan = require "kessan"\n'
                'local m = assert(kessan.open("%s"))\n' % MODEL + lua)
    try:
        return subprocess.run([KESSAN, "run", f.name], check=True,
                              capture_output=True, text=True).stdout
    finally:
        os.unlink(f.name)


def figure(number):
    """A whole figure as the release prints it: grouped, (negative)."""
    text = "{:,.0f}".format(abs(number))
    return "(%s)" % text if number < 0 else text


def bar(t):
    return t.settle().split("\n")[1]


def grid(*args, env=None):
    t = Terminal([KESSAN, "grid", MODEL] + list(args), env=env)
    t.wait_for("q leaves")
    return t


def row_of(t, label):
    for y, line in enumerate(t.text().split("\n")):
        if line.startswith(label):
            return y
    raise AssertionError("no row %r:\n%s" % (label, t.text()))


def test_edit_recalculates_like_the_engine():
    cells = ["rev.total@3Q02", "op_income@3Q02", "cost.total@3Q02"]
    reference = engine(
        'm:set("rev.si@3Q02", 4000000)\n' +
        "".join('print(m:get("%s"))\n' % c for c in cells)).split()
    with grid() as t:
        t.send("g", "rev.si@3Q02", "enter", "enter")
        t.wait_for("rev.si@3Q02 (base) =")
        t.send("\x15", "4,000,000", "enter")
        check(bar(t).startswith("rev.si@3Q02 = 4,000,000  [overridden"),
              "the input set: " + bar(t))
        for cell, value in zip(cells, reference):
            t.send("g", cell, "enter")
            check(bar(t).startswith("%s = %s " % (cell, figure(float(value)))),
                  "%s after the edit: %s (engine %s)" % (cell, bar(t), value))
        # the total's cell is marked changed, an untouched one is not
        t.send("g", "rev.total@3Q02", "enter")
        y = row_of(t, "Total revenues")
        x = t.text().split("\n")[y].index(figure(float(reference[0])))
        check(t.screen.buffer[y][x].bg == "green", "changed cells marked")
        y = row_of(t, "    Dedicated access")
        line = t.text().split("\n")[y]
        x = line.index("3,404,016")
        check(t.screen.buffer[y][x].bg != "green", "unchanged cells are not")
        # undo, redo
        t.send("u")
        t.send("g", "rev.si@3Q02", "enter")
        check(bar(t).startswith("rev.si@3Q02 = 3,683,978  [reported"),
              "undo gives the reported figure back: " + bar(t))
        t.send("r")
        check(bar(t).startswith("rev.si@3Q02 = 4,000,000"), "redo")
        # Del removes the input: back to the reported figure? on the base
        # the override goes, the release's figure comes back
        t.send("del")
        check(bar(t).startswith("rev.si@3Q02 = 3,683,978  [reported"),
              "Del: " + bar(t))
        t.send("u")
        check(bar(t).startswith("rev.si@3Q02 = 4,000,000"), "undo Del")
        # a bad number is refused, naming the cell
        t.send("enter", "\x15", "abc", "enter")
        check("expected a number" in t.settle(), "a bad number refused")
        t.send("enter", "\x15", "-", "enter")
        check("[missing" in bar(t) or "= -" in bar(t), "- sets missing")
        t.send("q")
        check(t.wait_exit() == 0, "q")


def test_formula_for_a_row():
    with grid() as t:
        t.send("g", "rev.other@3Q02", "enter", "=")
        t.wait_for("rev.other =")
        t.send("rev.vas * 2", "enter")
        reference = engine('m:define("rev.other", "rev.vas * 2")\n'
                           'print(m:get("rev.other@3Q02"))\n'
                           'print(m:get("rev.total@3Q02"))\n').split()
        t.send("g", "rev.other@3Q02", "enter")
        check(bar(t).startswith("rev.other@3Q02 = %s " %
                                figure(float(reference[0]))),
              "the row's formula: " + bar(t))
        t.send("g", "rev.total@3Q02", "enter")
        check(bar(t).startswith("rev.total@3Q02 = %s " %
                                figure(float(reference[1]))),
              "its dependents: " + bar(t))
        t.send("g", "rev.other@3Q02", "enter", "=", "\x15", "rev.nope",
               "enter")
        check("unknown item 'rev.nope'" in t.settle(), "a bad formula")
        t.send("q")
        t.wait_exit()


def test_scenarios():
    with grid() as t:
        t.send("s")
        t.wait_for("scenario (base")
        t.send("low", "enter")
        check("scenario: low" in t.settle().split("\n")[0], "switched")
        t.send("g", "rev.si@3Q02", "enter", "enter", "\x15", "1000000",
               "enter")
        check(bar(t).startswith("rev.si@3Q02 = 1,000,000"), "edit in low")
        low_total = engine('local low = m:scenario("low")\n'
                           'low:set("rev.si@3Q02", 1000000)\n'
                           'print(low:get("rev.total@3Q02"))\n').split()[0]
        t.send("g", "rev.total@3Q02", "enter")
        check(bar(t).startswith("rev.total@3Q02 = %s " %
                                figure(float(low_total))),
              "low's total as the engine's scenario: %s (engine %s)"
              % (bar(t), low_total))
        t.send("g", "rev.si@3Q02", "enter")
        t.send("b", "base", "enter")
        text = t.settle()
        check("diff" in text.split("\n")[2] and "base" in text.split("\n")[2],
              "beside:\n" + text)
        check("(2,683,978)" in text, "the difference 1,000,000 - 3,683,978:\n"
              + text)
        t.send("b", "enter")
        t.send("s", "base", "enter")
        check(bar(t).startswith("rev.si@3Q02 = 3,683,978"),
              "the base is untouched: " + bar(t))
        t.send("s", "low", "enter")
        check(bar(t).startswith("rev.si@3Q02 = 1,000,000"), "low kept")
        t.send("S")
        check("saved" in t.settle(), "saved")
        t.send(":", "m:scenarios()[1]", "enter")
        check("\nlow" in t.settle(), "saved in the model:\n" + t.text())
        t.send("esc", "q")
        t.wait_exit()
    with grid("--scenario", "high") as t:
        check("scenario: high" in t.text(), "--scenario")
        t.send("q")
        t.wait_exit()


def test_command_line():
    solution = engine('local x = m:goalseek{target = "op_income@3Q02", '
                      'value = 0, vary = "rev.si@3Q02"}\n'
                      'print(string.format("%.0f", x))\n').split()[0]
    with grid() as t:
        t.send(":", "seek op_income@3Q02 = 0 by rev.si@3Q02", "enter")
        text = t.settle(0.3)
        check("rev.si@3Q02 = %s" % solution[:6] in text,
              "seek: %s\n%s" % (solution, text))
        check(bar(t).startswith("rev.si@3Q02 = %s" %
                                figure(float(solution))[:5]),
              "the cursor on the varied cell: " + bar(t))
        t.send("esc", "g", "op_income@3Q02", "enter")
        check(bar(t).startswith("op_income@3Q02 = 0 ") or
              bar(t).startswith("op_income@3Q02 = (0)"),
              "the target at 0: " + bar(t))
        t.send("u", "g", "rev.si@3Q02", "enter")
        check(bar(t).startswith("rev.si@3Q02 = 3,683,978"), "undo a seek")
        t.send(":", "seek op_income@4Q02 = 0 by rev.si@4Q02", "enter")
        check("missing" in t.settle(0.3), "a seek on a missing target says "
              "why:\n" + t.text())
        t.send("esc", ":", "table rev.si@3Q02 0 1000000 -> rev.total@3Q02",
               "enter")
        rows = engine('for _, v in ipairs{0, 1000000} do\n'
                      '  m:set("rev.si@3Q02", v)\n'
                      '  print(string.format("%.10g", '
                      'm:get("rev.total@3Q02")))\nend\n').split()
        text = t.settle(0.3)
        for value in rows:
            check(value in text, "table: %s in\n%s" % (value, text))
        t.send("esc", ":", "print(s:get(cell))", "enter")
        check("\n" in t.settle(), "print")
        t.send("esc", ":", "nope()", "enter")
        text = t.settle()
        check("attempt to call a nil value (global 'nope')" in text and
              "stack traceback" not in text, "an error, no traceback:\n" + text)
        t.send("esc", ":", "for i = 1, 2000 do print(('x'):rep(1000)) end",
               "enter")
        t.wait_for("output cut at 1 MB", 20)
        t.send("esc", ":", "1 +", "enter")
        check("error:" in t.settle(), "a syntax error")
        t.send("esc", "q")
        t.wait_exit()
    with grid("--sandbox", "--timeout", "1") as t:
        # a runaway command is stopped by --timeout, or by Ctrl-C, and the
        # grid goes on
        t.send(":", "while true do end", "enter")
        t.wait_for("timeout: the script ran longer than 1 s")
        t.send("esc", ":", "x = 0; for i = 1, 1e12 do x = x + i end",
               "enter")
        t.wait_for(":x = 0")
        time.sleep(0.3)
        t.send("ctrl-c")
        # (under valgrind the second may pass before the key: a timeout)
        t.wait_for("interrupted!" if SLOW == 1 else "error: command:1:")
        t.send("esc")
        t.send(":", "io == nil and os == nil", "enter")
        check("\ntrue" in t.settle(), "sandboxed:\n" + t.text())
        t.send("esc", ":", "run /etc/passwd", "enter")
        check("outside the directories" in t.settle(),
              "run confined:\n" + t.text())
        t.send("esc", "q")
        t.wait_exit()
        check(t.restored(), "restored")


if __name__ == "__main__":
    run_tests(globals())
