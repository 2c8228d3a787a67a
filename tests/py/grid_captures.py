# tests/py/grid_captures.py KESSAN [--write] -- the screens docs/grid.md
# shows, captured from `kessan grid` through the terminal emulator
# (grid_terminal.py), never typed by hand.  Each is a fenced block after
# a marker line `<!-- grid-capture: NAME -->` in docs/grid.md.  Without
# --write: exit 1 naming each capture that differs from the page
# (test_grid_docs.py runs this); with --write: put them in the page.
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from grid_terminal import Terminal, need_pyte  # noqa: E402

PAGE = "docs/grid.md"
MODEL = "data/iij"


def screen(t):
    return t.settle(0.3).rstrip("\n")


def start(kessan, *args, columns=80, lines=24, env=None):
    t = Terminal([kessan, "grid", MODEL] + list(args), columns, lines, env)
    t.wait_for("q leaves")
    return t


def finish(t):
    t.send("esc", "q")
    t.wait_exit()
    t.close()


def capture_all(kessan):
    shots = {}
    t = start(kessan)
    shots["start"] = screen(t)
    t.send("g", "rev.si@3Q02", "enter", "enter", "\x15", "4,000,000",
           "enter")
    shots["edit"] = screen(t)
    t.send("g", "rev.total@3Q02", "enter", "e")
    shots["explain"] = screen(t)
    t.send("esc", "u", "s", "low", "enter", "g", "rev.si@3Q02", "enter",
           "enter", "\x15", "3,000,000", "enter", "b", "base", "enter")
    shots["beside"] = screen(t)
    t.send("b", "enter", "s", "base", "enter", ":",
           "seek op_income@3Q02 = 0 by rev.si@3Q02", "enter")
    shots["seek"] = screen(t)
    t.send("esc", ":", "table rev.si@3Q02 3000000 3500000 4000000 -> "
           "op_income@3Q02 rev.total@3Q02", "enter")
    shots["table"] = screen(t)
    finish(t)
    t = start(kessan, "--lang", "ja")
    shots["ja"] = screen(t)
    finish(t)
    return shots


def replace(page, shots):
    """The page with each capture's block made anew; the names missing."""
    missing = set(shots)
    out, lines, i = [], page.split("\n"), 0
    while i < len(lines):
        out.append(lines[i])
        match = re.match(r"<!-- grid-capture: (\w+) -->", lines[i])
        i += 1
        if not match or match.group(1) not in shots:
            continue
        name = match.group(1)
        missing.discard(name)
        if i < len(lines) and lines[i].startswith("```"):
            i += 1
            while i < len(lines) and not lines[i].startswith("```"):
                i += 1
            i += 1
        out += ["```text"] + shots[name].split("\n") + ["```"]
    return "\n".join(out), missing


def main():
    need_pyte()
    kessan = os.path.abspath(sys.argv[1])
    page = open(PAGE, encoding="utf-8").read()
    made, missing = replace(page, capture_all(kessan))
    if "--write" in sys.argv[2:]:
        with open(PAGE, "w", encoding="utf-8") as f:
            f.write(made)
        return 0
    if made != page or missing:
        print("%s: its screens differ from the grid's; run "
              "python3 tests/py/grid_captures.py KESSAN --write and review "
              "(missing markers: %s)" % (PAGE, ", ".join(sorted(missing))))
        for a, b in zip(page.split("\n"), made.split("\n")):
            if a != b:
                print("page: %r\ngrid: %r" % (a, b))
                break
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
