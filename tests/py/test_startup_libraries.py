# tests/py/test_startup_libraries.py -- what a kessan process loads at
# start (lua/CMakeLists.txt, docs/cli.md's Installing): where the build
# linked readline, ncursesw, libtinfo, libcsv and expat statically (its
# cache's KESSAN_STATIC_LIBRARIES says which), a run, a show and a check
# load none of their shared libraries (the dynamic linker's own account,
# LD_DEBUG=files); the run still gives the simulation's figures and the
# show the model's.
import os
import re
import sys

# the dynamic linker's account of a command (LD_DEBUG=files)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_lazy_libraries import loaded  # noqa: E402

KESSAN = os.path.abspath(sys.argv[1])
BUILD = os.path.abspath(sys.argv[2])
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)


def cache_entries():
    entries = {}
    with open(os.path.join(BUILD, "CMakeCache.txt")) as cache:
        for line in cache:
            found = re.match(r"([A-Z_]+):[A-Z]+=(.*)$", line.strip())
            if found:
                entries[found.group(1)] = found.group(2)
    return entries


def main():
    # what lua/CMakeLists.txt linked statically, by the shared library's
    # name (libreadline, libncursesw, libtinfo, libcsv, libexpat)
    static = [name for name in
              cache_entries().get("KESSAN_STATIC_LIBRARIES", "").split(";")
              if name]
    commands = {
        "run (guidance-mc)": [KESSAN, "run", "scripts/mc_guidance.lua",
                              "200", "7", "2"],
        "show": [KESSAN, "show", "data/iij", "is"],
        "check": [KESSAN, "check", "data/iij"],
    }
    for what, command in commands.items():
        names, done = loaded(command, os.getcwd())
        check(done.returncode == 0,
              f"{what}: exit {done.returncode}: {done.stderr[-400:]}")
        check(names, f"{what}: LD_DEBUG=files reported no object at all")
        for shared in static:
            found = sorted(n for n in names if n.startswith(shared + "."))
            check(not found, f"{what}: loaded {found}, though the build "
                             f"links {shared} statically")
        if what.startswith("run"):
            check(re.search(r"^rev mean -?\d", done.stdout, re.M),
                  f"run: no 'rev mean' line in {done.stdout[:300]!r}")
            outputs = {line.split()[0] for line in done.stdout.splitlines()
                       if line.strip()}
            check(outputs == {"rev", "op", "ebitda", "fy_rev", "fy_op",
                              "in_guidance", "improves", "profitable"},
                  f"run: outputs {sorted(outputs)}")
        if what == "show":
            check("rev.total" in done.stdout or "Total" in done.stdout,
                  f"show: no revenue line in {done.stdout[:300]!r}")
    if failures:
        print("\n".join(failures))
        return 1
    print(f"ok: static {static}; none of them loaded at start")
    return 0


if __name__ == "__main__":
    sys.exit(main())
