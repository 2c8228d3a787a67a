# tests/py/test_repl.py -- `kessan repl` in a terminal emulator (pyte,
# grid_terminal.py): Tab completes globals, methods, item ids and periods;
# the history is kept across sessions in a bounded file ($KESSAN_HISTORY);
# help() and help(m.get) come from the reference, and the C table behind
# them is what scripts/dev/repl_help_table makes of docs/; errors come
# without a traceback unless --traceback; a model that does not open is
# said so, without a traceback.
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from grid_terminal import Terminal, check, run_tests  # noqa: E402

KESSAN = os.path.abspath(sys.argv[1])
HISTORY = os.path.join(tempfile.mkdtemp(), "history")


def repl(*args):
    t = Terminal([KESSAN, "repl"] + list(args),
                 env={"KESSAN_HISTORY": HISTORY})
    t.wait_for("kessan>")
    return t


def last_lines(t, n=3):
    return "\n".join([l for l in t.text().split("\n") if l.strip()][-n:])


def test_completion():
    with repl("data/iij") as t:
        t.send("m:sce\t")
        check("m:scenario" in t.settle(), "a method:\n" + t.text())
        t.send("\x15", "kessan.op\t")
        check("kessan.open" in t.settle(), "a module field:\n" + t.text())
        t.send("\x15", 'm:get("rev.tot\t')
        check('m:get("rev.total' in t.settle(), "an item id:\n" + t.text())
        t.send("@\t")
        t.settle()
        t.send("\t")
        check("rev.total@3Q01" in t.settle() and "rev.total@FY02" in t.text(),
              "the periods listed:\n" + t.text())
        t.send("3Q")
        t.send("02\")", "enter")
        t.wait_for("10563578")
        t.send("prin\t")
        check("print" in t.settle(), "a global:\n" + t.text())
        t.send("\x15", "\x04")
        t.wait_exit()


def test_history_across_sessions():
    if os.path.exists(HISTORY):
        os.unlink(HISTORY)
    with repl() as t:
        t.send("x_from_before = 41 + 1", "enter")
        t.settle()
        t.send("\x04")
        t.wait_exit()
    check("x_from_before = 41 + 1" in open(HISTORY).read(),
          "the line written to $KESSAN_HISTORY")
    with repl() as t:
        t.send("up")
        check("x_from_before = 41 + 1" in t.settle(),
              "up recalls the last session's line:\n" + t.text())
        t.send("\x15", "\x04")
        t.wait_exit()
    # bounded: 1000 lines at most after many sessions' worth
    with open(HISTORY, "a") as f:
        for i in range(1500):
            f.write("line_%d = %d\n" % (i, i))
    with repl() as t:
        t.send("\x04")
        t.wait_exit()
    lines = open(HISTORY).read().split("\n")
    check(len([l for l in lines if l]) <= 1000, "history bounded: %d"
          % len(lines))
    check("line_1499 = 1499" in lines, "the newest kept")
    # bounded in bytes too: a line over 4096 bytes is not kept (pasted
    # data, a runaway paste), so 1000 lines stay a few MB at most
    long_line = "y = '" + "z" * 5000 + "'"
    with repl() as t:
        t.send(long_line, "enter")
        t.settle()
        t.send("short_after = 1", "enter")
        t.settle()
        t.send("\x04")
        t.wait_exit()
    kept = open(HISTORY).read()
    check(long_line not in kept and "short_after = 1" in kept,
          "a line over 4096 bytes is not kept, the next one is")
    # a file grown past the bound (1000 long lines, by hand or an older
    # version) is not read, and the session's own lines replace it
    with open(HISTORY, "w") as f:
        for i in range(1000):
            f.write("old_%d = '%s'\n" % (i, "w" * 4200))
    with repl() as t:
        t.send("after_reset = 2", "enter")
        t.settle()
        t.send("\x04")
        t.wait_exit()
    check(os.path.getsize(HISTORY) < 4096,
          "the oversized file is replaced: %d bytes" % os.path.getsize(HISTORY))
    check("after_reset = 2" in open(HISTORY).read(), "with the session's line")


def test_help():
    with repl("data/iij") as t:
        t.send("help()", "enter")
        text = t.settle()
        check("m:get" in text and "kessan.open" in text and
              "s:goalseek" in text, "help():\n" + text)
        t.send("help(m.get)", "enter")
        check("m:get(item, period)" in t.settle() and
              "Read a cell" in t.text(), "help(m.get):\n" + t.text())
        t.send("help(print)", "enter")
        check("no help for" in t.settle(), "help of another function")
        t.send("\x04")
        t.wait_exit()
    out = subprocess.run([sys.executable, "scripts/dev/repl_help_table",
                          "--check"], capture_output=True, text=True)
    check(out.returncode == 0, "the help table is the docs': " + out.stdout)


def test_errors():
    with repl("data/iij") as t:
        t.send("nope()", "enter")
        text = t.settle()
        check("attempt to call a nil value (global 'nope')" in text and
              "stack traceback" not in text, "an error, no traceback:\n"
              + text)
        t.send('m:get("rev.totl@3Q02")', "enter")
        check("did you mean 'rev.total'" in t.settle(), "a typo suggested")
        t.send("\x04")
        t.wait_exit()
    with repl("--traceback") as t:
        t.send("nope()", "enter")
        check("stack traceback" in t.settle(), "--traceback asks for it")
        t.send("\x04")
        t.wait_exit()
    out = subprocess.run([KESSAN, "repl", "data/nope"], capture_output=True,
                         text=True, stdin=subprocess.DEVNULL)
    check(out.returncode == 1 and "the model does not open" in out.stderr
          and "traceback" not in out.stderr, "data/nope: %r" % out.stderr)


def test_every_command_has_help():
    out = subprocess.run([KESSAN, "--help"], capture_output=True, text=True)
    commands = [l.split()[0] for l in out.stdout.split("\n")
                if l.startswith("  ") and l.split() and
                not l.split()[0].startswith("-")]
    check("grid" in commands and "repl" in commands, "commands: %r"
          % commands)
    for command in commands:
        out = subprocess.run([KESSAN, command, "--help"],
                             capture_output=True, text=True)
        if "not available in this build yet" in out.stderr:
            continue  # a command still to be built (host_main.c's table)
        check(out.returncode == 0 and out.stdout.startswith("usage: kessan "
                                                            + command),
              "%s --help: %r" % (command, out.stdout[:80]))


def complete(*words):
    """What scripts/completion/kessan.bash offers for the words."""
    script = ('source scripts/completion/kessan.bash; COMP_WORDS=(%s); '
              'COMP_CWORD=%d; _kessan; echo "${COMPREPLY[*]}"'
              % (" ".join("'%s'" % w for w in words), len(words) - 1))
    env = dict(os.environ, PATH=os.path.dirname(KESSAN) + ":" +
               os.environ["PATH"])
    return subprocess.run(["bash", "-c", script], capture_output=True,
                          text=True, env=env).stdout.split()


def test_bash_completion_and_man_page():
    check(complete("kessan", "gr") == ["grid"], "a command")
    check("--scenario" in complete("kessan", "grid", "--sc"),
          "an option from the command's --help")
    check(complete("kessan", "show", "data/iij", "b") == ["bs"],
          "a statement")
    check(complete("kessan", "show", "data/iij", "is", "--format", "m")
          == ["md"], "a choice")
    out = subprocess.run([KESSAN, "--help"], capture_output=True, text=True)
    page = open("docs/kessan.1", encoding="utf-8").read()
    for line in out.stdout.split("\n"):
        words = line.split()
        if line.startswith("  ") and words and not words[0].startswith("-"):
            check(words[0] in complete("kessan", words[0][:2]),
                  "completion knows " + words[0])
            if "not available" not in subprocess.run(
                    [KESSAN, words[0], "--help"], capture_output=True,
                    text=True).stderr:
                check(".B kessan %s" % words[0] in page or
                      ".B %s\n" % words[0] in page,
                      "the man page has " + words[0])


if __name__ == "__main__":
    run_tests(globals())
