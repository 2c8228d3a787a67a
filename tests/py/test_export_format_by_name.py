# tests/py/test_export_format_by_name.py -- an export never writes one
# format under another's name (docs/cli.md's --out, lua-api.md's
# m:export): without a format the name's extension chooses it (.xlsx,
# .json, .csv in any case; anything else CSV); a format the extension
# contradicts is refused and leaves no file; a workbook refuses the
# options that only text formats take.  Every combination of extension
# (cases mixed at random) and format, through the command line and
# through m:export, checked against the file's first bytes.
import os
import random
import shutil
import subprocess
import sys
import tempfile

KESSAN = os.path.abspath(sys.argv[1])
EXTENSIONS = ["csv", "xlsx", "json", "txt", "xls", "xlsx.bak", "csvx", ""]
FORMATS = [None, "csv", "xlsx", "json"]
MAGIC = {"xlsx": b"PK\x03\x04", "json": b"{", "csv": b"item,"}

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)


def named_format(extension):
    return extension.lower() if extension.lower() in ("csv", "xlsx", "json") \
        else None


def expected(extension, fmt):
    """The format written, or None when refused."""
    named = named_format(extension)
    if fmt is None:
        return named or "csv"
    if named and named != fmt:
        return None
    return fmt


def mixed_case(text, rng):
    return "".join(c.upper() if rng.random() < 0.5 else c for c in text)


def written(path):
    with open(path, "rb") as f:
        head = f.read(8)
    for name, magic in MAGIC.items():
        if head.startswith(magic):
            return name
    return "unknown %r" % head


def main():
    rng = random.Random(int(os.environ.get("KESSAN_TEST_SEED", "20261207")))
    scratch = tempfile.mkdtemp(prefix="kessan-format-")
    try:
        for extension in EXTENSIONS:
            for fmt in FORMATS:
                ext = mixed_case(extension, rng)
                name = "out-%s" % (fmt or "none") + ("." + ext if ext
                                                      else "")
                want = expected(ext, fmt)
                # the command line
                path = os.path.join(scratch, "cli-" + name)
                command = [KESSAN, "export", "data/iij", "--out", path]
                if fmt:
                    command += ["--format", fmt]
                done = subprocess.run(command, capture_output=True,
                                      text=True, timeout=60)
                what = "kessan export --out %s --format %s" % (name, fmt)
                if want is None:
                    check(done.returncode == 2, "%s: exit %d, want 2" % (
                        what, done.returncode))
                    check("names a .%s file" % named_format(ext)
                          in done.stderr, "%s: %r" % (what, done.stderr))
                    check(not os.path.exists(path), "%s: left a file" % what)
                else:
                    check(done.returncode == 0, "%s: %s" % (what,
                                                           done.stderr))
                    if done.returncode == 0:
                        check(written(path) == want, "%s: wrote %s, want %s"
                              % (what, written(path), want))
                # m:export
                path = os.path.join(scratch, "lua-" + name)
                script = os.path.join(scratch, "export.lua")
                options = "{format = %r}" % fmt if fmt else "nil"
                with open(script, "w") as out:
                    out.write('local m = require("kessan").open("data/iij")\n'
                              'local ok, message = pcall(m.export, m, %r, %s)\n'
                              'print(ok and "ok" or message)\n' % (
                                  path, options.replace("'", '"')))
                done = subprocess.run([KESSAN, "run", script],
                                      capture_output=True, text=True,
                                      timeout=60)
                what = "m:export(%r, %s)" % (name, options)
                line = done.stdout.strip()
                if want is None:
                    check("names a .%s file" % named_format(ext) in line and
                          not os.path.exists(path), "%s: %r" % (what, line))
                else:
                    check(line == "ok", "%s: %r %s" % (what, line,
                                                        done.stderr))
                    if line == "ok":
                        check(written(path) == want, "%s: wrote %s, want %s"
                              % (what, written(path), want))
        # a workbook refuses what only text formats take
        for option in ("scenario = true", "cells = 'all'",
                       "inputs_only = false"):
            script = os.path.join(scratch, "refuse.lua")
            path = os.path.join(scratch, "refused.xlsx")
            with open(script, "w") as out:
                out.write('local m = require("kessan").open("data/iij")\n'
                          'print(select(2, pcall(m.export, m, %r, {%s})))\n'
                          % (path, option))
            done = subprocess.run([KESSAN, "run", script],
                                  capture_output=True, text=True, timeout=60)
            check("are for csv and json" in done.stdout and
                  not os.path.exists(path), "xlsx with %s: %r" % (
                      option, done.stdout))
        done = subprocess.run([KESSAN, "export", "data/iij", "--all", "--out",
                               os.path.join(scratch, "all.xlsx")],
                              capture_output=True, text=True, timeout=60)
        check(done.returncode == 2 and "--all is for csv and json" in
              done.stderr, "--all with a workbook: %r" % done.stderr)
        check(not os.path.exists(os.path.join(scratch, "all.xlsx")),
              "--all with a workbook left a file")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    for failure in failures:
        print("FAIL:", failure)
    if failures:
        sys.exit(1)
    print("ok: %d names and formats, both ways" % (len(EXTENSIONS) *
                                                     len(FORMATS)))


if __name__ == "__main__":
    main()
