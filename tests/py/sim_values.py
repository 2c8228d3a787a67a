# sim_values.py -- what the simulation tests of tests/py share: numpy and
# scipy (re-running under /usr/bin/python3 when this interpreter lacks
# them; exit 77 outside CI when none has them), and running a Lua script
# through kessan that prints kept trials as `name v1 v2 ...` lines.
import os
import subprocess
import sys
import tempfile


def need_scipy():
    """Imports numpy and scipy.stats, re-running the test under the system
    Python when this one lacks them."""
    try:
        import numpy  # noqa: F401
        import scipy.stats  # noqa: F401
    except ImportError:
        system = "/usr/bin/python3"
        if os.path.exists(system) and os.path.realpath(sys.executable) != \
                os.path.realpath(system):
            os.execv(system, [system] + sys.argv)
        print("numpy and scipy are needed")
        sys.exit(1 if os.environ.get("CI") == "true" else 77)


# Lua: print each listed cell's kept values of result r on one line.
PRINT_VALUES = """
local function print_values(r, cells)
  for _, cell in ipairs(cells) do
    local out = { cell }
    for i, v in ipairs(r:values(cell)) do out[i + 1] = string.format("%.17g", v) end
    print(table.concat(out, " "))
  end
end
"""


def run_lua(kessan, body, timeout=120):
    """Runs the Lua `body` (PRINT_VALUES defined before it) with kessan and
    returns its standard output; raises with its error output on failure."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write("local kessan = require 'kessan'\n" + PRINT_VALUES + body)
        path = f.name
    try:
        done = subprocess.run([kessan, "run", path], capture_output=True,
                              text=True, timeout=timeout)
    finally:
        os.unlink(path)
    if done.returncode != 0:
        raise AssertionError("kessan failed:\n" + done.stderr)
    return done.stdout


def parse_values(text):
    """`name v1 v2 ...` lines -> {name: numpy array}."""
    import numpy as np
    values = {}
    for line in text.splitlines():
        fields = line.split()
        if fields and fields[0] != "#":
            values[fields[0]] = np.array([float(v) for v in fields[1:]])
    return values


class Checks:
    """Failures gathered as a test goes; finish() prints and gives the
    exit status."""

    def __init__(self):
        self.failures = []

    def __call__(self, condition, message):
        if not condition:
            self.failures.append(message)
            print("FAIL:", message)

    def finish(self):
        if self.failures:
            print(f"{len(self.failures)} failures")
            return 1
        print("ok")
        return 0
