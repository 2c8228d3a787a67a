# tests/py/test_lazy_libraries.py -- a kessan process that touches no
# workbook loads neither libzip nor libcrypto (core/io/zip_library.h): the
# dynamic linker's own account (LD_DEBUG=files) of the host starting, of
# showing, checking and exporting a CSV model, of a simulation, and of
# `require "kessan"` in a stock Lua, names neither; a workbook written or
# read loads libzip then, by dlopen, and the write and the read still
# give the model's figures back.
import os
import re
import shutil
import subprocess
import sys
import tempfile

KESSAN = os.path.abspath(sys.argv[1])
BUILD = os.path.abspath(sys.argv[2])
LAZY = ("libzip", "libcrypto", "libxlsxwriter", "libminizip")

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)


def loaded(command, cwd, env_extra=None):
    """The shared objects the dynamic linker loaded for `command`, each
    with how it came ('needed by ...' or 'dynamically loaded by ...'),
    and the command's completed process."""
    env = dict(os.environ, LD_DEBUG="files")
    env.pop("LD_PRELOAD", None)
    if env_extra:
        env.update(env_extra)
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)
    objects = {}
    messages = []
    for line in done.stderr.splitlines():
        if not re.match(r"\s*\d+:", line):
            messages.append(line)
        found = re.search(r"file=(\S+) \[\d+\];\s+(needed by|dynamically "
                          r"loaded by) (\S+)", line)
        if found:
            objects.setdefault(os.path.basename(found.group(1)),
                               found.group(2))
    done.stderr = "\n".join(messages)
    return objects, done


def sanitized():
    """Whether BUILD is instrumented: its kessan.so then needs the
    sanitizer's runtime loaded first, which a stock lua5.4 does not do."""
    try:
        with open(os.path.join(BUILD, "CMakeCache.txt")) as cache:
            return any(line.strip().upper() in ("KESSAN_SANITIZE:BOOL=ON",
                                                "KESSAN_SANITIZE:BOOL=1")
                       for line in cache)
    except OSError:
        return False


def lazy_ones(objects):
    return sorted(name for name in objects
                  if any(name.startswith(prefix) for prefix in LAZY))


def main():
    scratch = tempfile.mkdtemp(prefix="kessan-lazy-")
    try:
        repo = os.getcwd()
        book = os.path.join(scratch, "iij.xlsx")
        commands = {
            "--version": [KESSAN, "--version"],
            "show": [KESSAN, "show", "data/iij", "is"],
            "check": [KESSAN, "check", "data/iij"],
            "export csv": [KESSAN, "export", "data/iij", "--out",
                           os.path.join(scratch, "v.csv")],
            "run (guidance-mc)": [KESSAN, "run", "scripts/mc_guidance.lua",
                                  "1000", "1", "2"],
        }
        for what, command in commands.items():
            objects, done = loaded(command, repo)
            check(done.returncode == 0, "%s: exit %d: %s" % (
                what, done.returncode, done.stderr[-400:]))
            # (libc at least: the program may link all else statically)
            check(any(name.startswith("libc.so") for name in objects),
                  "%s: LD_DEBUG named no libc (%s)" % (what, sorted(objects)))
            check(lazy_ones(objects) == [], "%s loads %s" % (
                what, lazy_ones(objects)))
        lua = shutil.which("lua5.4")
        module = os.path.join(BUILD, "kessan.so")
        if sanitized():
            pass    # the host's runs above load the same core
        elif lua and os.path.exists(module):
            objects, done = loaded(
                [lua, "-e", 'local k = require "kessan"; '
                 'local m = k.open("data/iij"); print(m:get("rev.total@3Q02"))'],
                repo, {"LUA_CPATH": os.path.join(BUILD, "?.so")})
            check(done.returncode == 0, "lua require: %s" % done.stderr[-400:])
            check("kessan.so" in objects, "lua: kessan.so not loaded")
            check(lazy_ones(objects) == [], "require 'kessan' loads %s" %
                  lazy_ones(objects))
        else:
            check("CI" not in os.environ, "lua5.4 or kessan.so missing")

        # a workbook written: libzip comes then, by dlopen, not at start
        objects, done = loaded([KESSAN, "export", "data/iij", "--format",
                                "xlsx", "--out", book], repo)
        check(done.returncode == 0, "export xlsx: %s" % done.stderr[-400:])
        check(any(name.startswith("libzip") for name in objects),
              "export xlsx: libzip not loaded")
        for name, how in objects.items():
            if name.startswith("libzip"):
                check(how == "dynamically loaded by", "libzip %s" % how)
        # and read back: the inputs imported equal the model's
        reader = os.path.join(scratch, "read.lua")
        with open(reader, "w") as out:
            out.write('local kessan = require "kessan"\n'
                      'local a = kessan.open("%s/data/iij")\n' % repo +
                      'local b = kessan.open("%s/data/iij")\n' % repo +
                      'b:import("%s")\n' % book +
                      'local same = 0\n'
                      'for _, item in ipairs(a:items()) do\n'
                      '  for _, p in ipairs(a:periods()) do\n'
                      '    local x, y = a:get(item .. "@" .. p), b:get(item .. "@" .. p)\n'
                      '    assert(x == y or (x ~= x and y ~= y), item .. "@" .. p)\n'
                      '    if x then same = same + 1 end\n'
                      '  end\n'
                      'end\n'
                      'print(same)\n')
        objects, done = loaded([KESSAN, "run", reader], repo)
        check(done.returncode == 0, "import xlsx: %s" % done.stderr[-600:])
        check(any(name.startswith("libzip") for name in objects),
              "import xlsx: libzip not loaded")
        lines = done.stdout.split()
        check(bool(lines) and int(lines[-1]) > 100,
              "import xlsx: compared %r cells" % lines[-1:])
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    for failure in failures:
        print("FAIL:", failure)
    if failures:
        sys.exit(1)
    print("ok: no workbook, no libzip or libcrypto; a workbook, libzip by dlopen")


if __name__ == "__main__":
    main()
