# tests/py/test_grid_keys.py -- `kessan grid` under keys an adversary
# would type (grid_terminal.py): random keystrokes, seeded, from every key
# the grid knows and many it does not, prompts abandoned and filled with
# junk, scenarios made, closed by a command and switched, the window
# resized in between; the grid must never end but by q, show the same
# figures as the engine afterwards, and give the terminal back.
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from grid_terminal import Terminal, check, run_tests  # noqa: E402

KESSAN = os.path.abspath(sys.argv[1])
SEED = int(os.environ.get("KESSAN_TEST_SEED", "15"))

KEYS = ["up", "down", "left", "right", "pgup", "pgdn", "home", "end", "tab",
        "btab", "enter", "del", "esc", "x", "u", "r", "e", "J", "K", "n",
        "?", "b", "s", "g", "/", ":", "=", "S", "z", "\x7f", "\x15",
        "\x12", "1,234", "(56)", "-", "12.5%", "abc", "rev.si@3Q02",
        "rev.totl", "low", "base", " ", "\x1b[99~", "é", "営業"]


def test_random_keys():
    rng = random.Random(SEED)
    with Terminal([KESSAN, "grid", "data/iij"]) as t:
        t.wait_for("q leaves")
        for i in range(300):
            key = rng.choice(KEYS)
            t.send(key)
            if i % 50 == 49:
                t.set_size(rng.randint(30, 140), rng.randint(8, 50))
            if i % 97 == 96:
                # a command that closes the scenario shown (the base is
                # never closed here: that ends the grid by design)
                t.send("esc", "esc", ":", "if s ~= m then s:close() end",
                       "enter", "esc")
            t.pump(0.01)
            check(not t.exited(), "the grid ended at key %d (%r), seed %d:\n%s"
                  % (i, key, SEED, t.text()))
        t.set_size(80, 24)
        # leave every prompt, then check a figure against show
        t.send("esc", "esc", "esc", "s", "\x15", "base", "enter", "g",
               "\x15", "rev.dedicated@3Q02", "enter")
        bar = t.settle(0.3).split("\n")[1]
        check(bar.startswith("rev.dedicated@3Q02 = "), "the bar: " + bar)
        t.send("esc", "q")
        check(t.wait_exit() == 0, "q after the storm")
        check(t.restored(), "the terminal restored")


if __name__ == "__main__":
    run_tests(globals())
