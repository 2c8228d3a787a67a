# tests/py/test_report_page.py -- `kessan report` opened in a real
# browser: headless Chromium (no network: a proxy that refuses) loads the
# page, logs no console error, and its screenshot is not blank (the
# PNG decoded here: many distinct pixels, not one colour); the page is
# self-contained (no script, no link, nothing fetched); and its figures,
# read back from the DOM Chromium built, are the engine's: the
# statements' cells against `kessan show --format csv`, the check's counts
# against `kessan check`, the scenarios' cells against s:get, and the
# script's output and its three charts on the page.
import csv
import html.parser
import io
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chart_svg import check, close, finish, need_tools, run_lua  # noqa: E402

KESSAN = os.path.abspath(sys.argv[1])
ROOT = os.getcwd()
need_tools("chromium")
TMP = tempfile.mkdtemp(prefix="kessan-report-")


def chromium(page, *what):
    profile = tempfile.mkdtemp(dir=TMP)
    argv = ["chromium", "--headless", "--no-sandbox", "--disable-gpu",
            "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0",
            "--proxy-server=127.0.0.1:9", "--window-size=1280,2400",
            *what, "file://" + page]
    return subprocess.run(argv, capture_output=True, text=True, timeout=60)


def console_errors(stderr):
    return [line for line in stderr.splitlines()
            if "CONSOLE" in line or "Uncaught" in line or "net::ERR" in line
            or "Failed to load" in line]


def png_pixels(path):
    """(width, height, rows of RGB(A) bytes) of an 8-bit PNG."""
    data = open(path, "rb").read()
    check(data[:8] == b"\x89PNG\r\n\x1a\n", "a PNG")
    at, idat, width = 8, b"", 0
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            channels = {2: 3, 6: 4}[colour]
            check(depth == 8, "8-bit PNG")
        elif kind == b"IDAT":
            idat += body
        at += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = previous[i]
            c = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pred) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, channels, rows


class Cells(html.parser.HTMLParser):
    """td and p elements with data-* attributes, their text, and the
    text of pre and figure elements."""

    def __init__(self):
        super().__init__()
        self.cells, self.summary, self.pre, self.charts = [], None, "", []
        self.open = None
        self.in_pre = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "td" and "data-value" in a:
            self.open = {**a, "text": ""}
        if tag == "p" and a.get("class") == "check-summary":
            self.summary = a
        if tag == "pre":
            self.in_pre = True
        if tag == "svg":
            self.charts.append(a.get("data-chart"))

    def handle_endtag(self, tag):
        if tag == "td" and self.open:
            self.cells.append(self.open)
            self.open = None
        if tag == "pre":
            self.in_pre = False

    def handle_data(self, data):
        if self.open is not None:
            self.open["text"] += data
        if self.in_pre:
            self.pre += data


def printed_number(text):
    text = text.strip().replace(",", "")
    negative = text.startswith("(") and text.endswith(")")
    value = float(text.strip("()%"))
    return -value if negative else value


def report(model, *script, name="page.html"):
    out = os.path.join(TMP, name)
    proc = subprocess.run([KESSAN, "report", *model, *script, "--out", out],
                          capture_output=True, text=True, cwd=TMP)
    check(proc.returncode == 0, f"report failed: {proc.stderr}")
    return out


# ---- the IIJ model with the guidance script -----------------------------
page = report([os.path.join(ROOT, "data/iij")],
              os.path.join(ROOT, "scripts/guidance_4q02.lua"))
source = open(page, encoding="utf-8").read()
check("<script" not in source.lower() and not re.search(r"<[^>]*\son[a-z]+\s*=", source),
      "no script element and no event handler: the page needs no script")
check("<link" not in source.lower() and " src=" not in source, "nothing linked")
urls = set(re.findall(r"https?://[^\s\"'<>)]+", source))
check(urls <= {"http://www.w3.org/2000/svg"}, f"no address but SVG's namespace: {urls}")

dom = chromium(page, "--dump-dom")
check(dom.returncode == 0, f"chromium --dump-dom: {dom.stderr[-500:]}")
check(console_errors(dom.stderr) == [], f"console: {console_errors(dom.stderr)}")
cells = Cells()
cells.feed(dom.stdout)

# the statements: every figure the page shows is the engine's
for statement in ("is", "bs", "cf"):
    out = subprocess.run([KESSAN, "show", "data/iij", statement, "--format", "csv"],
                         capture_output=True, text=True, check=True).stdout
    lines = list(csv.reader(io.StringIO(out)))
    header = lines[0]
    engine, engine_text = {}, {}
    for row in lines[1:]:
        for period, text in zip(header[3:], row[3:]):
            if text.strip():
                engine[(row[0], period)] = printed_number(text)
                engine_text[(row[0], period)] = text
    shown = {(c["data-item"], c["data-period"]): c for c in cells.cells
             if "data-item" in c and (c["data-item"], c["data-period"]) in engine}
    check(len(shown) == len(engine), f"{statement}: {len(shown)} of {len(engine)} figures on the page")
    for key, c in shown.items():
        close(float(c["data-value"]), engine[key], 1e-12, f"{statement} {key}")
        # data-value is data: the one data formatter's text, as show's CSV
        check(c["data-value"] == engine_text[key],
              f"{statement} {key}: data-value {c['data-value']}, show's CSV {engine_text[key]}")
        # as printed: the engine's number to the decimals the page shows
        decimals = len(c["text"].strip("()%").partition(".")[2])
        check(abs(printed_number(c["text"]) - engine[key]) <= 0.5 * 10 ** -decimals + 1e-9 * abs(engine[key]),
              f"{statement} {key}: shown {c['text']}, the engine {engine[key]}")
        if engine[key] < 0:
            check(c["text"].startswith("("), f"{key}: negative in parentheses")

# the check summary
out = subprocess.run([KESSAN, "check", "data/iij"], capture_output=True, text=True).stdout
m = re.search(r"(\d+) checks: (\d+) passed, (\d+) footing adjustments, (\d+) breaks explained by notes, (\d+) breaks not explained", out)
check(m is not None, "kessan check's summary")
if m and cells.summary:
    for key, value in zip(("data-checks", "data-passed", "data-adjusted", "data-explained", "data-breaks"), m.groups()):
        check(cells.summary[key] == value, f"check {key}: {cells.summary[key]} != {value}")

# the script: what it printed, and its three charts inline
check("IIJ 4Q02 guidance" in cells.pre and "How likely" in cells.pre, "the script's output")
for kind in ("distribution", "waterfall", "fan"):
    check(kind in cells.charts, f"the script's {kind} chart on the page")
check(cells.charts.count("waterfall") >= 2, "the model's bridge and the script's")

shot_path = os.path.join(TMP, "page.png")
shot = chromium(page, "--screenshot=" + shot_path)
check(shot.returncode == 0 and os.path.exists(shot_path), f"screenshot: {shot.stderr[-300:]}")
check(console_errors(shot.stderr) == [], f"console: {console_errors(shot.stderr)}")
width, height, channels, rows = png_pixels(shot_path)
colours = set()
for row in rows[::8]:
    for x in range(0, width * channels, channels * 4):
        colours.add(row[x:x + 3])
check(len(colours) > 50, f"the screenshot has {len(colours)} colours: blank?")
dark = sum(1 for row in rows[::4] for x in range(0, width * channels, channels * 4) if row[x] < 100)
check(dark > 500, f"the screenshot has {dark} dark pixels: no text?")

# ---- saved scenarios side by side, against s:get ------------------------
page = report([os.path.join(ROOT, "tests/data/scenarios")], name="scenarios.html")
dom = chromium(page, "--dump-dom")
check(console_errors(dom.stderr) == [], f"console: {console_errors(dom.stderr)}")
cells = Cells()
cells.feed(dom.stdout)
side = [c for c in cells.cells if "data-scenario" in c]
check(len(side) >= 9, f"{len(side)} scenario cells")
lua = "local kessan = require 'kessan'\nlocal m = assert(kessan.open('tests/data/scenarios'))\n"
for i, c in enumerate(side):
    handle = "m" if c["data-scenario"] == "base" else f"m:scenario('{c['data-scenario']}')"
    lua += f"print('c{i}=' .. string.format('%.17g', {handle}:get('{c['data-cell']}') or 0/0))\n"
    # shown as the display formatter shows it in the item's unit
    lua += (f"print('t{i}=' .. kessan.format({handle}:get('{c['data-cell']}') or 0/0, "
            f"m:item('{c['data-cell'].split('@')[0]}').unit))\n")
values, out = run_lua(KESSAN, lua)
texts = dict(line.partition("=")[::2] for line in out.splitlines() if line.startswith("t"))
for i, c in enumerate(side):
    expected = values[f"c{i}"]
    if expected != expected:   # missing: no data, "-" shown
        check(c["data-value"] == "" and c["text"] == "-", f"{c['data-cell']}: missing shown as -")
    else:
        close(float(c["data-value"]), expected, 1e-12, f"{c['data-scenario']} {c['data-cell']}")
    check(c["text"] == texts[f"t{i}"], f"{c['data-cell']} in {c['data-scenario']}: shown "
          f"{c['text']}, kessan.format {texts[f't{i}']}")
check("bars" in cells.charts, "the scenarios' bars")
check("fan" in cells.charts and "waterfall" in cells.charts, "the model's fan and bridge")
# the fan's band at the saved low and high where they differ from the base
fan = dom.stdout[dom.stdout.find('data-chart="fan"'):]
fan = fan[:fan.find("</svg>")]
scale = float(re.search(r'data-scale="([^"]+)"', fan).group(1))
band = re.findall(r'class="whisker outer"[^>]*data-period="([^"]+)" data-lo="([^"]+)" data-hi="([^"]+)"', fan)
check(len(band) >= 1, "a band in the fan")
lua = "local kessan = require 'kessan'\nlocal m = assert(kessan.open('tests/data/scenarios'))\n"
for period, _, _ in band:
    lua += (f"print('lo{period}=' .. m:scenario('low'):get('rev.total@{period}'))\n"
            f"print('hi{period}=' .. m:scenario('high'):get('rev.total@{period}'))\n")
values, _ = run_lua(KESSAN, lua)
for period, lo, hi in band:
    want = sorted((values[f"lo{period}"], values[f"hi{period}"]))
    close(float(lo) * scale, want[0], 1e-9, f"fan band low {period}")
    close(float(hi) * scale, want[1], 1e-9, f"fan band high {period}")

# ---- a failing script: the page is written, the error on it, status 1 ---
bad = os.path.join(TMP, "bad.lua")
with open(bad, "w") as f:
    f.write("print('before <the> error')\nerror('deliberate & visible')\n")
out = os.path.join(TMP, "bad.html")
proc = subprocess.run([KESSAN, "report", os.path.join(ROOT, "data/iij"), bad, "--out", out],
                      capture_output=True, text=True)
check(proc.returncode == 1, f"a failing script exits 1, not {proc.returncode}")
text = open(out, encoding="utf-8").read()
check("before &lt;the&gt; error" in text and "deliberate &amp; visible" in text,
      "the failing script's output and error, escaped")
proc = subprocess.run([KESSAN, "report", "data/iij"], capture_output=True, text=True)
check(proc.returncode == 2 and "--out" in proc.stderr, "--out is required")
proc = subprocess.run([KESSAN, "report", "data/nonexistent", "--out", out],
                      capture_output=True, text=True)
check(proc.returncode == 1 and "nonexistent" in proc.stderr, "a missing model is named")

# ---- --sandbox: the script confined, its print and io.write still shown --
evil = os.path.join(TMP, "evil.lua")
with open(evil, "w") as f:
    f.write("io.write('os is ', tostring(os), '\\n')\n"
            "local kessan = require 'kessan'\n"
            "print(pcall(kessan.chart.bars, {groups = {'a'}, series = {'b'},"
            " values = {{1}}, out = '/etc/kessan_report_escape.svg'}))\n")
out = os.path.join(TMP, "sandbox.html")
proc = subprocess.run([KESSAN, "report", os.path.join(ROOT, "data/iij"), evil,
                       "--sandbox", "--out", out], capture_output=True, text=True, cwd=TMP)
text = open(out, encoding="utf-8").read() if os.path.exists(out) else ""
check(proc.returncode == 0 and "os is nil" in text and "outside the directories" in text
      and not os.path.exists("/etc/kessan_report_escape.svg"),
      f"--sandbox: {proc.returncode} {proc.stderr}")
proc = subprocess.run([KESSAN, "report", "data/iij", "--allow", TMP, "--out", out],
                      capture_output=True, text=True)
check(proc.returncode == 2 and "--allow only applies with --sandbox" in proc.stderr,
      "--allow without --sandbox")

shutil.rmtree(TMP, ignore_errors=True)
finish("test_report_page")
