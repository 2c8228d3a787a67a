# tests/py/test_promise_cli_typos.py -- docs/cli.md, "Options": options
# are "spelled out in full (`--form` is not `--format`: a later option
# must not change what a command line meant)" and "An unknown option is
# bad usage naming it, with the nearest option when one is close", tried
# as a hurried user types: every option that each command's --help lists,
# cut short, missing a letter, two letters swapped, a letter doubled, in
# capitals, with one dash, with a trailing '='. Each such command line
# exits 2, names the option as typed on standard error (with one dash,
# as short options: '-lang' is '-l', unknown), says "did you
# mean" the intended option where the typo is one edit away, writes
# nothing to standard output, and leaves no file behind.
import os
import re
import subprocess
import sys
import tempfile

KESSAN = os.path.abspath(sys.argv[1])
SOURCE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODEL = os.path.join(SOURCE, "tests/data/tiny")
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)


def options_of(command):
    done = subprocess.run([KESSAN, command, "--help"], capture_output=True, timeout=30)
    text = (done.stdout + done.stderr).decode("utf-8")
    return sorted(set(re.findall(r"--[a-z][a-z-]+", text)) - {"--help"})


def typos(option):
    """(typo, one edit away) pairs of an option, each not itself an option."""
    name = option[2:]
    found = []
    if len(name) > 3:
        found.append(("--" + name[:-2], False))           # cut short
        found.append(("--" + name[:-1], True))            # last letter missing
    for i in range(1, len(name) - 1, 2):
        found.append(("--" + name[:i] + name[i + 1:], True))          # a letter missing
        found.append(("--" + name[:i] + name[i] + name[i:], True))    # a letter doubled
        if name[i] != name[i + 1]:
            found.append(("--" + name[:i] + name[i + 1] + name[i] + name[i + 2:], False))
    found.append(("--" + name.upper(), False))
    found.append(("-" + name, False))
    return found


def operands(command, script):
    if command in ("run",):
        return [script]
    if command in ("show",):
        return [MODEL, "is"]
    if command in ("chart",):
        return [MODEL, "waterfall", "rev.total@2Q02", "op_income@2Q02"]
    if command in ("repl", "grid", "export", "check", "report"):
        return [MODEL]
    return []


def run(arguments, cwd):
    before = set(os.listdir(cwd))
    done = subprocess.run([KESSAN, *arguments], capture_output=True, timeout=60,
                          cwd=cwd, stdin=subprocess.DEVNULL)
    after = set(os.listdir(cwd))
    return done, after - before


def main():
    with tempfile.TemporaryDirectory() as work:
        script = os.path.join(work, "s.lua")
        with open(script, "w") as f:
            f.write("print('ran')\n")
        tried = 0
        for command in ["export", "check", "show", "chart", "report", "run", "repl", "grid"]:
            all_options = options_of(command)
            check(all_options, "%s --help lists no option" % command)
            for option in all_options:
                for typo, close in typos(option):
                    if typo in all_options:
                        continue
                    for form in ([typo, "x"], [typo + "=x"]):
                        # options before the operands, so that run's script
                        # does not take them as its own
                        arguments = [command, *form, *operands(command, script)]
                        done, left = run(arguments, work)
                        what = "kessan " + " ".join(arguments)
                        stderr = done.stderr.decode("utf-8", "replace")
                        tried += 1
                        check(done.returncode == 2, "%s: exit %d, expected 2: %s" %
                              (what, done.returncode, stderr.strip()[:200]))
                        typed = form[0].split("=")[0]
                        # one dash: read as short options, the first of
                        # which is the unknown one ('-lang' is '-l')
                        named = [typed] if typed.startswith("--") else [typed, typed[:2]]
                        check(any("'%s'" % name in stderr for name in named),
                              "%s: the message does not name the option as typed: %s" %
                              (what, stderr.strip()[:200]))
                        if close:
                            check("did you mean" in stderr and option in stderr,
                                  "%s: no 'did you mean %s': %s" % (what, option, stderr.strip()[:200]))
                        check(done.stdout == b"", "%s: wrote to standard output: %r" %
                              (what, done.stdout[:100]))
                        check(not left, "%s: left %s behind" % (what, sorted(left)))
        check(tried > 300, "only %d command lines tried" % tried)
    for failure in failures[:40]:
        print("FAIL:", failure)
    if failures:
        sys.exit("%d failure(s)" % len(failures))
    print("ok: %d command lines" % tried)


main()
