# tests/py/test_grid_docs.py -- the screens in docs/grid.md are what
# `kessan grid` shows now: tests/py/grid_captures.py captures them again
# through the terminal emulator and compares them with the page.
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
out = subprocess.run([sys.executable, os.path.join(HERE, "grid_captures.py"),
                      sys.argv[1]], capture_output=True, text=True)
sys.stdout.write(out.stdout + out.stderr)
sys.exit(out.returncode)
