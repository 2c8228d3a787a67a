# tests/py/chart_svg.py -- what the chart tests share: running kessan on a
# Lua script, checking an SVG with xmllint and rsvg-convert, reading it
# back (elements by class, the value axes' ticks as a map from values to
# pixels) so that the geometry can be checked against the data.
import math
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/2000/svg}"
FAILURES = []


def check(condition, message):
    if not condition:
        FAILURES.append(message)
        print("FAIL:", message)


def close(a, b, tol=1e-6, what=""):
    ok = a is not None and b is not None and abs(a - b) <= tol * max(1.0, abs(a), abs(b))
    check(ok, f"{what}: {a} != {b} (tol {tol})")
    return ok


def finish(name):
    if FAILURES:
        print(f"{name}: {len(FAILURES)} failures")
        sys.exit(1)
    print(f"{name}: ok")


def need_tools(*tools):
    missing = [t for t in tools if not shutil.which(t)]
    if missing:
        print("missing:", ", ".join(missing))
        sys.exit(1 if os.environ.get("CI") == "true" else 77)


def run_lua(kessan, source, *args, cwd=None):
    """Run `source` as a script; its stdout as key=value pairs and the
    whole text."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(source)
        path = f.name
    try:
        proc = subprocess.run([kessan, "run", path, *args], capture_output=True,
                              text=True, cwd=cwd)
    finally:
        os.unlink(path)
    if proc.returncode != 0:
        raise RuntimeError(f"script failed: {proc.stderr}")
    values = {}
    for line in proc.stdout.splitlines():
        if "=" in line:
            key, _, value = line.partition("=")
            try:
                values[key] = float(value)
            except ValueError:
                values[key] = value
    return values, proc.stdout


def valid_svg(path):
    """xmllint and rsvg-convert accept it, silently; the parsed root."""
    lint = subprocess.run(["xmllint", "--noout", path], capture_output=True,
                          text=True)
    check(lint.returncode == 0 and lint.stderr == "",
          f"{path}: xmllint: {lint.stderr}")
    png = path + ".png"
    render = subprocess.run(["rsvg-convert", path, "-o", png],
                            capture_output=True, text=True)
    check(render.returncode == 0 and render.stderr == "",
          f"{path}: rsvg-convert: {render.stderr}")
    check(os.path.exists(png) and os.path.getsize(png) > 1000,
          f"{path}: rendered nothing")
    return ET.parse(path).getroot()


def by_class(root, cls, tag=None):
    found = []
    for el in root.iter():
        if tag and el.tag != NS + tag:
            continue
        if cls in (el.get("class") or "").split():
            found.append(el)
    return found


def num(el, name):
    return float(el.get(name))


def nice_step(step):
    mantissa = step / 10 ** math.floor(math.log10(step) + 1e-9)
    return any(abs(mantissa - m) < 1e-6 for m in (1, 2, 2.5, 5, 10))


def axis(root, which):
    """The value -> pixel map of axis 'x' or 'y' from its ticks, after
    checking that they are evenly spaced in value and pixels, 1-2-5."""
    ticks = [g for g in by_class(root, "tick", "g") if g.get("data-axis") == which]
    check(len(ticks) >= 2, f"axis {which}: {len(ticks)} ticks")
    points = []
    for g in ticks:
        line = g.find(NS + "line")
        pixel = num(line, "x1") if which == "x" else num(line, "y1")
        points.append((num(g, "data-value"), pixel))
        label = g.find(NS + "text").text
        value = float(label.replace(",", ""))
        close(value, num(g, "data-value"), 1e-9, f"tick label {label}")
    (v0, p0), (v1, p1) = points[0], points[-1]
    step = (v1 - v0) / (len(points) - 1)
    check(step > 0 and nice_step(step), f"axis {which}: step {step} is not 1-2-5")
    for v, p in points:
        expected = p0 + (v - v0) / (v1 - v0) * (p1 - p0)
        check(abs(p - expected) < 0.02, f"axis {which}: tick {v} at {p}, not {expected}")
    return lambda value: p0 + (value - v0) / (v1 - v0) * (p1 - p0)


def px_close(a, b, what, tol=0.02):
    check(abs(a - b) <= tol, f"{what}: pixel {a} != {b}")
