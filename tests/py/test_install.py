# tests/py/test_install.py -- what docs/cli.md's "Installing" promises:
# `cmake --install` into a fresh prefix gives a C library that a program
# of one's own builds against with exactly
#     cc prog.c $(pkg-config --cflags --libs kessan)
# (kessan.pc found under PREFIX/LIBDIR/pkgconfig, nothing else set) and
# that opens data/iij and reads a figure equal to `kessan show`'s; the
# installed kessan.so loads in a stock lua5.4 from PREFIX's module
# directory; the installed program runs.
import os
import re
import shutil
import subprocess
import sys
import tempfile

KESSAN = os.path.abspath(sys.argv[1])
BUILD = os.path.abspath(sys.argv[2])

PROGRAM = r"""
#include <stdio.h>
#include <kessan/kessan.h>

/* prog MODEL ITEM PERIOD: the cell's number, to 17 digits */
int main(int argc, char **argv)
{
    ks_model *model = NULL;
    ks_error err;
    ks_value value;
    int period = -1;
    if (argc != 4)
        return 2;
    if (ks_model_open(argv[1], NULL, &model, &err) != KS_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    int item = ks_item_find(model, argv[2]);
    if (item < 0 || ks_period_lookup(model, argv[3], &period, &err) != KS_OK
        || ks_get(model, item, period, &value, &err) != KS_OK
        || value.kind != KS_NUMBER) {
        fprintf(stderr, "no number for %s@%s\n", argv[2], argv[3]);
        ks_model_free(model);
        return 1;
    }
    printf("%.17g\n", value.number);
    ks_model_free(model);
    return 0;
}
"""

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)


def cache_flag(name):
    try:
        with open(os.path.join(BUILD, "CMakeCache.txt")) as cache:
            for line in cache:
                if line.startswith(name + ":"):
                    return line.strip().split("=", 1)[1]
    except OSError:
        pass
    return ""


def run(command, **kwargs):
    return subprocess.run(command, capture_output=True, text=True,
                          timeout=300, **kwargs)


def main():
    for tool in ("cmake", "cc", "pkg-config"):
        if not shutil.which(tool):
            if "CI" in os.environ:
                sys.exit("%s is missing" % tool)
            print("skipped: no %s" % tool)
            sys.exit(77)
    if cache_flag("KESSAN_INSTALL_LIBRARY").upper() in ("OFF", "0", "FALSE"):
        print("skipped: the library is not installed by this build")
        sys.exit(77)
    prefix = tempfile.mkdtemp(prefix="kessan-install-")
    try:
        done = run(["cmake", "--install", BUILD, "--prefix", prefix])
        check(done.returncode == 0, "cmake --install: %s" % done.stderr[-600:])
        pcs = [os.path.join(root, name)
               for root, _, names in os.walk(prefix) for name in names
               if name == "kessan.pc"]
        check(len(pcs) == 1, "kessan.pc installed: %r" % pcs)
        if failures:
            return
        env = dict(os.environ, PKG_CONFIG_PATH=os.path.dirname(pcs[0]))
        flags = run(["pkg-config", "--cflags", "--libs", "kessan"], env=env)
        check(flags.returncode == 0, "pkg-config: %s" % flags.stderr)
        source = os.path.join(prefix, "prog.c")
        with open(source, "w") as out:
            out.write(PROGRAM)
        program = os.path.join(prefix, "prog")
        extra = []
        # a library built instrumented needs its runtime at link time
        if cache_flag("KESSAN_SANITIZE").upper() in ("ON", "1", "TRUE"):
            extra.append("-fsanitize=address,undefined")
        if cache_flag("KESSAN_COVERAGE").upper() in ("ON", "1", "TRUE"):
            extra.append("--coverage")
        compiled = run(["cc", source, "-o", program] + extra +
                       flags.stdout.split(), env=env)
        check(compiled.returncode == 0,
              "cc prog.c $(pkg-config --cflags --libs kessan): %s" %
              compiled.stderr[-1200:])
        if compiled.returncode == 0:
            got = run([program, "data/iij", "rev.total", "3Q02"])
            check(got.returncode == 0, "prog: %s" % got.stderr)
            script = os.path.join(prefix, "get.lua")
            with open(script, "w") as out:
                out.write('print(string.format("%.17g", require("kessan")'
                          '.open("data/iij"):get("rev.total@3Q02")))\n')
            reference = run([KESSAN, "run", script])
            check(reference.returncode == 0, "kessan run: %s" %
                  reference.stderr)
            if got.returncode == 0 and reference.returncode == 0:
                check(float(got.stdout) > 0 and
                      float(got.stdout) == float(reference.stdout),
                      "library %r, kessan %r" % (got.stdout,
                                                  reference.stdout))
        binary = os.path.join(prefix, "bin", "kessan")
        check(os.access(binary, os.X_OK), "bin/kessan installed")
        version = run([binary, "--version"])
        check(version.returncode == 0 and "kessan" in version.stdout,
              "installed kessan --version: %r" % version.stdout)
        modules = [os.path.join(root, name)
                   for root, _, names in os.walk(prefix) for name in names
                   if name == "kessan.so"]
        check(len(modules) == 1, "kessan.so installed: %r" % modules)
        lua = shutil.which("lua5.4")
        if lua and modules and not extra:
            loaded = run([lua, "-e", 'local k = require "kessan"; '
                          'print(k.open("data/iij"):get("rev.total@3Q02"))'],
                         env=dict(os.environ, LUA_CPATH=os.path.join(
                             os.path.dirname(modules[0]), "?.so")))
            check(loaded.returncode == 0, "lua5.4 require the installed "
                  "kessan.so: %s" % loaded.stderr[-600:])
    finally:
        shutil.rmtree(prefix, ignore_errors=True)


if __name__ == "__main__":
    main()
    for failure in failures:
        print("FAIL:", failure)
    if failures:
        sys.exit(1)
    print("ok: installed library, pkg-config, module and program")
