#!/usr/bin/env python3
"""test_attack_report.py -- kessan report running a hostile script under
--sandbox: the page holds no script, event handler or element the script
smuggled in, whatever the script printed or wrote, and the run leaks
nothing (in the sanitizer build a leak is a LeakSanitizer report).

  - a chart written, then overwritten by an export whose label holds
    "<svg onload=...><script>": the page inlines the chart as drawn (it
    read the file back, and put the export's text in raw from "<svg");
  - a script printing until its timeout: what it printed was kept whole
    in the host's memory, outside --max-memory (a page of gigabytes); it
    is cut at 8 MB, said on the page;
  - a finalizer that loops as the script's state closes: the watchdog
    ends the process, and the page was lost with it; it is written
    before the state is closed;
  - print and io.write of markup, CDATA ends, control characters and
    invalid UTF-8, a finalizer that prints as the state closes (its
    output buffer was reallocated after release and leaked), and an
    error object whose __tostring raises.
"""
import html.parser
import os
import shutil
import subprocess
import sys
import tempfile

KESSAN = os.path.abspath(sys.argv[1])
SOURCE = os.getcwd()


class Elements(html.parser.HTMLParser):
    """The start tags of a page and the attributes that could run code."""

    def __init__(self):
        super().__init__()
        self.tags, self.bad = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "iframe", "img", "object", "embed", "link"):
            self.bad.append(tag)
        for name, value in attrs:
            if name.startswith("on") or "javascript:" in (value or ""):
                self.bad.append(f"{tag} {name}={value!r}")


def report(box, script_text, timeout="5"):
    with open(os.path.join(box, "hostile.lua"), "w") as f:
        f.write(script_text)
    run = subprocess.run([KESSAN, "report", "tiny", "hostile.lua", "--sandbox",
                          "--timeout", timeout, "--out", "page.html"], cwd=box,
                         capture_output=True, text=True, errors="replace",
                         timeout=60)
    for marker in ("Sanitizer", "runtime error:"):
        assert marker not in run.stderr, run.stderr
    with open(os.path.join(box, "page.html"), encoding="utf-8") as f:
        page = f.read()
    parser = Elements()
    parser.feed(page)
    assert not parser.bad, parser.bad
    return run, page, parser


OVERWRITE = r'''
local kessan = require "kessan"
local m = assert(kessan.open((...)))
kessan.chart.tornado{base = 1, bars = {{label = "a", low = 0, high = 2}},
                     out = "c.svg"}
m:define("evil", nil, {label = '<svg onload="alert(1)"><script>alert(2)</script>'})
m:set("evil@1Q02", 1)
assert(m:export("c.svg", {excel = true}))
'''

PRINTS = r'''
local kessan = require "kessan"
print("</pre><script>alert(1)</script>", "]]>", '"\'&', "\27[31m\1\2\255\254")
io.write("<img src=x onerror=alert(1)>")
setmetatable({}, {__gc = function() print("<script>at close</script>") end})
error(setmetatable({}, {__tostring = function() error("boom") end}))
'''

FLOOD = r'''
local line = string.rep("<", 1000)
for i = 1, 9000 do print(line) end
'''

CLOSE_LOOP = r'''
setmetatable({}, {__gc = function() while true do end end})
print("printed before the close")
'''


def main():
    with tempfile.TemporaryDirectory() as box:
        shutil.copytree(os.path.join(SOURCE, "tests/data/tiny"),
                        os.path.join(box, "tiny"))
        run, page, parser = report(box, OVERWRITE)
        assert run.returncode == 0, run.stderr
        charts = [a.get("data-chart") for t, a in parser.tags if t == "svg"]
        assert "tornado" in charts, charts
        assert "evil" not in page.split('id="script"')[1], "export inlined"

        run, page, parser = report(box, PRINTS)
        assert run.returncode == 1, (run.returncode, run.stderr)
        assert "&lt;/pre&gt;&lt;script&gt;" in page
        assert "&lt;img src=x onerror=alert(1)&gt;" in page

        run, page, parser = report(box, FLOOD)
        assert run.returncode == 0, run.stderr
        assert "(output cut at 8 MB)" in page
        assert len(page) < 5 * (8 << 20), len(page)

        os.unlink(os.path.join(box, "page.html"))
        run, page, parser = report(box, CLOSE_LOOP, timeout="0.5")
        assert run.returncode == 1, (run.returncode, run.stderr)
        assert "printed before the close" in page
        assert page.rstrip().endswith("</html>"), page[-200:]
    print("test_attack_report: ok")


if __name__ == "__main__":
    main()
