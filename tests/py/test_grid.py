# tests/py/test_grid.py -- `kessan grid` seen through a terminal emulator
# (pyte, grid_terminal.py): the figures on screen are those `kessan show`
# prints; the tabs, moving, going to a cell, searching, the explain pane,
# Japanese labels (two columns a character), resizing, NO_COLOR; and the
# terminal given back after q, Ctrl-C, SIGTERM and an error.
import os
import re
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from grid_terminal import Terminal, check, run_tests  # noqa: E402

KESSAN = os.path.abspath(sys.argv[1])
MODEL = "data/iij"
CELL = 13               # a period column


def show_md(statement, periods, lang=None):
    """`kessan show` as rows of figures (the label dropped)."""
    argv = [KESSAN, "show", MODEL, statement, "--periods", ",".join(periods),
            "--format", "md"]
    if lang:
        argv += ["--lang", lang]
    out = subprocess.run(argv, check=True, capture_output=True,
                         text=True).stdout
    rows = []
    for line in out.splitlines()[2:]:
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        rows.append(cells[1:])
    return rows


def period_columns(text):
    """The periods of the header line and where each ends: a figure is
    right-aligned to the same column as its period's id."""
    header = text.split("\n")[2]
    return [(m.group(0), m.end())
            for m in re.finditer(r"\S+", header)][1:]


def screen_figures(text, columns=None):
    """The figures of each body line (lines 3.. until the legend), under
    the header's periods."""
    ends = [end for _, end in period_columns(text)][:columns]
    rows = []
    for line in text.split("\n")[3:]:
        if line.startswith("reported"):
            break
        line = line.ljust(max(ends) + 1)
        rows.append([line[end - (CELL - 1): end].strip() for end in ends])
    return rows


def header_periods(text, columns=None):
    return [period for period, _ in period_columns(text)][:columns]


def check_rows(what, shown, expected):
    """Each screen row's figures are show's (a heading's cell under the
    cursor shows "-" where show leaves it blank)."""
    for i, row in enumerate(shown):
        got = ["" if g == "-" and w == "" else g
               for g, w in zip(row, expected[i])]
        check(got == expected[i], "%s row %d: grid %r, show %r"
              % (what, i, got, expected[i]))


def grid(*args, columns=80, lines=24, env=None):
    t = Terminal([KESSAN, "grid", MODEL] + list(args), columns, lines, env)
    t.wait_for("q leaves")
    return t


def test_figures_match_show():
    with grid() as t:
        text = t.settle()
        periods = header_periods(text, 4)
        # the cursor starts on the latest quarter with figures
        check(periods[-1] == "3Q02" and "@3Q02" in text.split("\n")[1],
              "the periods shown: %r" % periods)
        expected = show_md("is", periods)
        shown = screen_figures(text, 4)
        check(len(shown) >= 15, "body rows: %d" % len(shown))
        check_rows("is", shown, expected)
        # every statement is a tab
        for tab in ["is", "bs", "cf", "kpi"]:
            check(" %s " % tab in text.split("\n")[0], "tab " + tab)
        t.send("tab")
        text = t.settle()
        check(text.split("\n")[2].startswith("bs"), "Tab shows bs:\n" + text)
        expected = show_md("bs", header_periods(text, 4))
        check_rows("bs", screen_figures(text, 4)[:10], expected)
        # cf, and kpi with its ratios and per-share figures
        for statement in ("cf", "kpi"):
            t.send("tab")
            text = t.settle()
            check(text.split("\n")[2].startswith(statement),
                  "Tab shows %s:\n%s" % (statement, text))
            expected = show_md(statement, header_periods(text, 4))
            check_rows(statement, screen_figures(text, 4), expected)
        for _ in range(3):
            t.send("btab")
        check(t.settle().split("\n")[2].startswith("is"), "Shift-Tab: is")
        t.send("q")
        check(t.wait_exit() == 0, "q exits 0")
        check(t.restored(), "terminal restored after q")


def test_moving_goto_search_explain():
    with grid() as t:
        t.send("g", "rev.si@2Q02", "enter")
        text = t.settle()
        bar = text.split("\n")[1]
        check(bar.startswith("rev.si@2Q02 = 3,094,168"), "goto: " + bar)
        t.send("down")
        check(t.settle().split("\n")[1].startswith("rev.equipment@2Q02"),
              "down moves a row")
        t.send("left")
        check("@1Q02" in t.settle().split("\n")[1], "left moves a period")
        t.send("home")
        check("@FY01" in t.settle().split("\n")[1] or
              "@1Q01" in t.settle().split("\n")[1], "Home: the first period")
        t.send("end")
        check("@FY02" in t.settle().split("\n")[1], "End: the last period")
        t.send("pgdn")
        t.send("pgup")
        t.send("g", "rev.totl@3Q02", "enter")
        check("did you mean 'rev.total'" in t.settle(),
              "a typo in g suggests")
        t.send("g", "rev.total@3Q02", "enter")
        t.send("/", "equipment sales", "enter")
        text = t.settle()
        check(text.split("\n")[1].startswith("cost.equipment@"),
              "search finds by label, from the cursor on:\n" + text)
        t.send("n")
        check("equipment" in t.settle().split("\n")[1] and
              not t.settle().split("\n")[1].startswith("cost.equipment@"),
              "n: the next match:\n" + t.settle())
        t.send("/", "zzqq", "enter")
        check("no label or id holds it" in t.settle(), "search misses")
        t.send("g", "rev.total@3Q02", "enter", "e")
        text = t.settle()
        check("explain rev.total@3Q02" in text, "explain pane:\n" + text)
        check("rev.si@3Q02 = 3,683,978" in text, "explain names parts")
        t.send("esc")
        check("explain" not in t.settle(), "Esc closes the pane")
        t.send("g", "bs.cash@3Q02", "enter")
        check(t.settle().split("\n")[2].startswith("bs") or
              "is in no statement" in t.settle() or
              "unknown item" in t.settle(), "goto changes tab")
        t.send("ctrl-c")
        check(t.wait_exit() == 0, "Ctrl-C leaves")
        check(t.restored(), "terminal restored after Ctrl-C")


def test_resize_and_small():
    with grid(columns=80, lines=24) as t:
        t.set_size(120, 40)
        text = t.settle(0.3)
        lines = text.split("\n")
        check(lines[38].startswith("reported"), "legend at the bottom at 40")
        periods = header_periods(text)
        check(len(periods) > 4, "more periods at 120 columns: %r" % periods)
        expected = show_md("is", periods)
        check_rows("is at 120x40", screen_figures(text)[:20], expected)
        t.set_size(40, 10)
        text = t.settle(0.3)
        check("reported" in text.split("\n")[8], "small: legend:\n" + text)
        t.set_size(80, 24)
        t.settle(0.3)
        os.kill(t.pid, signal.SIGTERM)
        t.wait_exit()
        check(t.restored(), "terminal restored after SIGTERM")


def test_japanese_widths():
    with grid("--lang", "ja") as t:
        text = t.settle()
        body = text.split("\n")[3:20]
        check(any(re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", l) for l in body),
              "Japanese labels:\n" + text)
        # pyte keeps a wide character in one cell and its second half
        # empty: each line is the screen's width, so figures line up
        columns = set()
        for y in range(3, 20):
            line = t.screen.buffer[y]
            xs = [x for x in range(40, 80) if line[x].data not in
                  (" ", "")]
            if xs:
                columns.add(max(xs) % CELL)
        check(len(columns) <= 1, "figures end in one column: %r" % columns)
        # a Japanese label is searched as typed
        t.send("/", "機器販売", "enter")
        check(t.settle().split("\n")[1].startswith("rev.equipment@"),
              "search in Japanese:\n" + t.text())
        t.send("q")
        t.wait_exit()


def test_no_color_and_colors():
    with grid() as t:
        t.settle()
        colours = {t.screen.buffer[y][x].fg for y in range(3, 22)
                   for x in range(30, 80)}
        check(len(colours - {"default"}) > 0, "provenance in colour")
        t.send("q")
        t.wait_exit()
    with grid(env={"NO_COLOR": "1"}) as t:
        t.settle()
        cells = [t.screen.buffer[y][x] for y in range(0, 24)
                 for x in range(80)]
        check(all(c.fg == "default" and c.bg == "default" for c in cells),
              "NO_COLOR: no colour")
        check("overridden(bold)" in t.text(), "NO_COLOR legend")
        t.send("q")
        t.wait_exit()


def test_errors_and_usage():
    out = subprocess.run([KESSAN, "grid", "data/nope"], capture_output=True,
                         text=True, stdin=subprocess.DEVNULL)
    check(out.returncode == 1 and "needs a terminal" in out.stderr,
          "without a terminal: %r" % out.stderr)
    with Terminal([KESSAN, "grid", "data/nope"]) as t:
        code = t.wait_exit()
        check(code == 1, "a model that does not open: %r" % code)
        check("stack traceback" not in t.text() and "data/nope" in t.text(),
              "said without a traceback:\n" + t.text())
    out = subprocess.run([KESSAN, "grid", "--help"], capture_output=True,
                         text=True)
    check(out.returncode == 0 and "--scenario NAME" in out.stdout,
          "grid --help")
    out = subprocess.run([KESSAN, "grid", MODEL, "--lang", "fr"],
                         capture_output=True, text=True)
    check(out.returncode == 2 and "--lang must be en or ja, got 'fr'" in
          out.stderr, "--lang fr is bad usage: %r" % out.stderr)
    out = subprocess.run([KESSAN, "grid", MODEL, "--scenaro", "low"],
                         capture_output=True, text=True)
    check(out.returncode == 2 and "did you mean '--scenario'" in out.stderr,
          "a typo of an option: %r" % out.stderr)
    for term in ("dumb", "no-such-terminal"):
        with Terminal([KESSAN, "grid", MODEL], env={"TERM": term}) as t:
            check(t.wait_exit() == 1 and "the terminal (TERM=%s) cannot be "
                  "used" % term in t.text(), "TERM=%s:\n%s" % (term, t.text()))
    # a fatal signal: the terminal given back before it takes its course
    with grid() as t:
        os.kill(t.pid, signal.SIGSEGV)
        t.wait_exit()
        check(os.WIFSIGNALED(t.status) or os.WEXITSTATUS(t.status) != 0,
              "SIGSEGV ends the grid")
        check(t.restored(), "terminal restored after SIGSEGV")
    # a command that closes the model ends the grid, terminal restored
    with grid() as t:
        t.send(":", "m:close()", "enter")
        code = t.wait_exit()
        check(code == 1, "closing the model ends the grid: %r" % code)
        check(t.restored(), "terminal restored after an error")
        check("closed" in t.text(), "said why:\n" + t.text())


if __name__ == "__main__":
    run_tests(globals())
