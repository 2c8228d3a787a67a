# test_docs_runner.py -- the runner of the documentation's examples
# (tests/py/test_docs.py) does what docs/README.md says: it matches `...`
# as it should, finds a wrong output and says where with a diff, names the
# page's line of a Lua error, refuses an unknown or unexplained directive,
# and KESSAN_DOCS_UPDATE=1 rewrites only what is wrong, after which the
# page passes.  Pages here are written to a temporary directory.
#
#     python3 tests/py/test_docs_runner.py KESSAN_PROGRAM [BUILD_DIR]
import contextlib
import io
import os
import random
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_docs  # noqa: E402

FAILURES = []


def check(condition, what):
    if not condition:
        FAILURES.append(what)


def check_progress_bars():
    """A simulation's progress bar is taken out, bars and their newline,
    and nothing that only looks like one."""
    bar = lambda done: "\rsimulate [%s%s] %3d%% %d/1000 trials" % (
        "#" * (done * 40 // 1000), "." * (40 - done * 40 // 1000),
        done * 100 // 1000, done)
    text = "before\n" + bar(370) + bar(990) + bar(1000) + "\nrev mean 1\n"
    check(test_docs.without_progress(text) == "before\nrev mean 1\n",
          "progress bars and their newline are taken out")
    kept = "simulate [##] 5% 1/20 trials\nsimulate took 2 s\n"
    check(test_docs.without_progress(kept) == kept,
          "text like a bar but not one is kept")


def check_matching():
    m = test_docs.matches
    check(m(["a", "b"], ["a", "b"]), "equal lines match")
    check(not m(["a", "b"], ["a", "c"]), "a changed line does not match")
    check(not m(["a"], ["a", "b"]), "an extra printed line does not match")
    check(m(["a   ", "b", "", ""], ["a", "b  ", ""]),
          "trailing blanks and empty lines at the end are not compared")
    check(not m([" a"], ["a"]), "leading blanks are compared")
    check(m(["a", "...", "z"], ["a", "b", "c", "z"]), "... stands for lines")
    check(m(["a", "...", "z"], ["a", "z"]), "... stands for no line too")
    check(not m(["a", "...", "z"], ["a", "b"]), "the line after ... is needed")
    check(not m(["a", "...", "z"], ["b", "z"]), "the line before ... is needed")
    check(m(["...", "m", "..."], ["a", "m", "z"]), "... on both sides")
    check(not m(["...", "m", "..."], ["a", "n", "z"]), "... finds no m")
    check(m(["a", "...", "b", "...", "b"], ["a", "b", "b"]),
          "runs of shown lines do not overlap")
    check(not m(["a", "...", "b", "...", "b"], ["a", "b"]),
          "a line is not used twice")
    check(m(["x = ... (y)"], ["x = 12 and more (y)"]), "... inside a line")
    check(not m(["x = ... (y)"], ["x = 12 (z)"]), "... inside a line, no match")
    check(m(["a.b*c"], ["a.b*c"]) and not m(["a.b*c"], ["aXbbc"]),
          "a line is text, not a pattern")
    # a random output and a random choice of its lines shown, the rest as
    # `...`, always matches; changing one shown line never does
    rng = random.Random(13)
    for _ in range(300):
        actual = ["line %d" % rng.randrange(6) for _ in range(rng.randrange(1, 12))]
        shown, hidden = [], False
        for line in actual:
            if rng.random() < 0.4:
                if not hidden:
                    shown.append("...")
                hidden = True
            else:
                shown.append(line)
                hidden = False
        check(m(shown, actual), "elided %r matches %r" % (shown, actual))
        literal = [i for i, l in enumerate(shown) if l != "..."]
        if literal:
            changed = list(shown)
            changed[rng.choice(literal)] = "changed"
            check(not m(changed, actual), "%r does not match %r" % (changed, actual))
            wanted = test_docs.projected(changed, actual)
            check(m(wanted, actual), "the update of %r matches %r" % (changed, actual))


PAGE = """# A page

Text.

    $ kessan --version
    kessan 9.9.9
    $ echo $?
    0

    $ printf 'one\\ntwo\\nthree\\nfour\\n'
    one
    ...
    four

<!-- run: file hello.lua -->
```lua
print("hello from a file")
```

    $ kessan run hello.lua
    hello from a file

```lua
local kessan = require "kessan"
local x = 40 + 2
print(x)
```

```output
41
```

```lua
print(x + 1)
```

```output
43
```

<!-- run: setup
printf 'setup ran\\n' > made.txt
-->
    $ cat made.txt
    setup ran

<!-- run: skip (it would fail) -->
    $ false

A command that shows nothing:

    $ kessan run nosuch.lua

<!-- run: skip -->
    $ true

<!-- run: sikp (typo) -->
    $ true

```lua
local y = nil
print(y.field)
```
"""


def run_page(text, update=False):
    directory = tempfile.mkdtemp(prefix="kessan-docs-runner-")
    path = os.path.join(directory, "page.md")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    saved = os.environ.get("KESSAN_DOCS_UPDATE")
    os.environ["KESSAN_DOCS_UPDATE"] = "1" if update else "0"
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = test_docs.main(["test_docs.py", KESSAN, path])
    finally:
        if saved is None:
            del os.environ["KESSAN_DOCS_UPDATE"]
        else:
            os.environ["KESSAN_DOCS_UPDATE"] = saved
    with open(path, encoding="utf-8") as f:
        after = f.read()
    return status, out.getvalue(), err.getvalue(), after, path


def line_of(text, needle):
    return text.split("\n").index(needle) + 1


def check_page():
    status, out, err, after, path = run_page(PAGE)
    name = os.path.relpath(path, test_docs.SOURCE)
    check(status == 1, "a page with failures exits 1")
    check(after == PAGE, "without KESSAN_DOCS_UPDATE the page is not changed")
    version = "%s:%d: the output differs" % (name, line_of(PAGE, "    $ kessan --version"))
    check(version in err, "a wrong output is reported at its command's line: " + err)
    check("-kessan 9.9.9" in err and "+kessan 0.1.0" in err,
          "the report has a diff: " + err)
    check(":%d:" % line_of(PAGE, "    $ printf 'one\\ntwo\\nthree\\nfour\\n'") not in err,
          "`...` matched lines: " + err)
    check(":%d:" % line_of(PAGE, "    $ kessan run hello.lua") not in err,
          "a `file` block is written before the examples after it")
    check(":%d:" % (line_of(PAGE, "41") - 1) in err and "+42" in err,
          "a Lua block's output is compared: " + err)
    check("+43" not in err, "a later Lua block sees an earlier one's locals")
    check(":%d:" % line_of(PAGE, "    $ cat made.txt") not in err,
          "a setup runs before its block")
    check("`false`" not in err, "a skipped block does not run")
    check("`kessan run nosuch.lua` exited 1" in err,
          "a command that shows nothing must succeed: " + err)
    check("'run: skip' needs a reason" in err, "a skip needs a reason")
    check("unknown directive 'run: sikp'" in err, "an unknown directive is refused")
    error_line = line_of(PAGE, "print(y.field)")
    check("page.md:%d: attempt to index" % error_line in err,
          "a Lua error names the page's line: " + err)

    status, out, err, after, path = run_page(PAGE, update=True)
    check("kessan 0.1.0" in after and "kessan 9.9.9" not in after,
          "the update writes the printed output")
    check("```output\n42\n```" in after, "the update writes a Lua block's output")
    check("    one\n    ...\n    four" in after, "the update keeps what matched")
    fixed = after.replace("<!-- run: skip -->", "<!-- run: skip (a reason) -->")
    fixed = fixed.replace("<!-- run: sikp (typo) -->", "")
    fixed = fixed.replace("    $ kessan run nosuch.lua\n", "")
    fixed = fixed.replace("print(y.field)", "print(y)")
    fixed = fixed.replace("    $ true\n", "")
    status, out, err, after, path = run_page(fixed)
    check(status == 0, "the updated page passes: " + err)


def check_elided_update():
    """An update keeps the `...` of a long output and the lines around it,
    and puts the printed lines where the shown ones changed."""
    text = ("    $ printf 'h\\na\\nb1\\nc\\nd\\ne\\n'\n    h\n    ...\n"
            "    b0\n    ...\n    e\n")
    status, out, err, after, path = run_page(text, update=True)
    check(after == text.replace("b0", "b1"), "the update of an elided output: " + after)


def check_failed_group():
    """A Lua block that fails before the blocks after it is named by them."""
    text = ("```lua\nprint(1)\n```\n\n```output\n1\n```\n\n"
            "```lua\nerror(\"stop\")\n```\n\n```output\n```\n\n"
            "```lua\nprint(3)\n```\n")
    status, out, err, after, path = run_page(text)
    check(status == 1 and ":9: the Lua block failed (exit 1)" in err
          and "page.md:10: stop" in err, "the failing block is reported: " + err)
    check(":16: did not run: the Lua block at line 9 failed" in err,
          "the block after it names it: " + err)
    check(":1:" not in err and ":5:" not in err, "the block before it passed: " + err)


def check_timeout():
    """A block that does not end is stopped, and its page fails."""
    saved = test_docs.BLOCK_TIMEOUT
    test_docs.BLOCK_TIMEOUT = 1
    try:
        started = time.monotonic()
        status, out, err, after, path = run_page("    $ sleep 30\n    done\n")
        took = time.monotonic() - started
    finally:
        test_docs.BLOCK_TIMEOUT = saved
    check(status == 1 and "stopped after 1 s" in err, "a hung block fails: " + err)
    check(took < 10, "a hung block is stopped (%.1f s)" % took)


def main(argv):
    global KESSAN
    if len(argv) < 2:
        print("usage: test_docs_runner.py KESSAN_PROGRAM [BUILD_DIR]", file=sys.stderr)
        return 2
    KESSAN = os.path.abspath(argv[1])
    check_progress_bars()
    check_matching()
    check_page()
    check_elided_update()
    check_failed_group()
    check_timeout()
    for failure in FAILURES:
        print("FAIL: " + failure, file=sys.stderr)
    print("%d failure(s)" % len(FAILURES))
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
