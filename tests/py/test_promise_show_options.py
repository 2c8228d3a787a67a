# tests/py/test_promise_show_options.py -- docs/show.md and docs/lua-api.md
# (m:show: "The options are the command's"): `--with` refuses an empty
# list and an empty entry as `--periods` does (`pct,,yoy`, `""`, `,`,
# `yoy,` were accepted), and the 64-period limit holds from Lua too
# (m:show took 1000).  Random lists of pct, yoy, qoq and empty entries
# given to `kessan show --with`, to m:show's `with` as a string and as a
# table: each is accepted exactly when it has no empty entry, and the
# command and Lua agree on the output; 64 periods are accepted and 65
# refused by both.
import os
import random
import shutil
import subprocess
import sys
import tempfile

KESSAN = os.path.abspath(sys.argv[1])
SOURCE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODEL = os.path.join(SOURCE, "data/iij")
failures = []


def cli(*args):
    return subprocess.run([KESSAN, "show", MODEL, "is"] + list(args),
                          capture_output=True, text=True, timeout=60)


def lua_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def lua_show(box, option_lua):
    script = os.path.join(box, "show.lua")
    with open(script, "w") as f:
        f.write('local kessan = require "kessan"\n'
                'local m = assert(kessan.open(%s))\n'
                'io.write(m:show("is", %s))\n' % (lua_string(MODEL), option_lua))
    return subprocess.run([KESSAN, "run", script], capture_output=True, text=True,
                          timeout=60)


rng = random.Random(20261207)
box = tempfile.mkdtemp(prefix="kessan-show-")
try:
    lists = ["", ",", "pct,,yoy", "yoy,", ",qoq", "pct", "pct,yoy,qoq"]
    for _ in range(40):
        lists.append(",".join(rng.choice(["pct", "yoy", "qoq", "", "pct"])
                              for _ in range(rng.randint(1, 4))))
    for entries in lists:
        valid = entries != "" and "" not in entries.split(",")
        command = cli("--periods", "3Q02,3Q01", "--with", entries)
        as_string = lua_show(box, '{periods = "3Q02,3Q01", with = %s}' % lua_string(entries))
        table = "{" + ",".join(lua_string(e) for e in entries.split(",")) + "}"
        as_table = lua_show(box, '{periods = "3Q02,3Q01", with = %s}' % table)
        for what, run, refused_code in (("kessan show --with", command, 2),
                                        ("m:show with a string", as_string, 1),
                                        ("m:show with a table", as_table, 1)):
            if valid and run.returncode != 0:
                failures.append("%s %r refused: %s" % (what, entries, run.stderr.strip()))
            elif not valid and run.returncode != refused_code:
                failures.append("%s %r: exit %d, expected a refusal (%d)"
                                % (what, entries, run.returncode, refused_code))
            elif not valid and "with" not in run.stderr:
                failures.append("%s %r refused without naming the option: %s"
                                % (what, entries, run.stderr.strip()))
        if valid and not (command.stdout.rstrip("\n") == as_string.stdout.rstrip("\n")
                          == as_table.stdout.rstrip("\n")):
            failures.append("--with %r: the command and m:show differ" % entries)

    for count, valid in ((64, True), (65, False), (1000, False)):
        periods = ",".join(rng.choice(["3Q02", "3Q01", "2Q02", "1H02", "FY01"])
                           for _ in range(count))
        command = cli("--periods", periods)
        lua = lua_show(box, "{periods = %s}" % lua_string(periods))
        for what, run in (("kessan show --periods", command), ("m:show periods", lua)):
            if valid and run.returncode != 0:
                failures.append("%s of %d periods refused: %s"
                                % (what, count, run.stderr.strip()[:200]))
            elif not valid and (run.returncode == 0 or "64" not in run.stderr):
                failures.append("%s of %d periods: exit %d, expected a refusal "
                                "naming the limit 64: %s"
                                % (what, count, run.returncode, run.stderr.strip()[:200]))
finally:
    shutil.rmtree(box)

for failure in failures:
    print(failure)
sys.exit(1 if failures else 0)
