-- test_cli.lua -- the kessan program as a user meets it: --help and
-- --version, exit statuses (0 success, 1 failure, 2 bad usage), the
-- "kessan: where: what" messages with a traceback for script errors, `arg`,
-- --sandbox, --max-memory, --timeout, export and the repl, and output to a
-- standard output that cannot take it (test_sandbox.lua tries the sandbox
-- and the limits as an attacker would).
-- Usage: kessan run tests/lua/test_cli.lua PATH-TO-KESSAN
package.path = "tests/lua/?.lua;" .. package.path
local check = require "check"

local KESSAN = assert(arg[1], "usage: test_cli.lua PATH-TO-KESSAN")
local DIR = "tests/data/tiny"

local quote = check.quote

-- Run kessan with an argument string; returns exit code, stdout, stderr.
local function kessan(arguments, stdin)
  return check.run(KESSAN, arguments, stdin)
end

local function script(text)
  local path = check.tmpname(".lua")
  check.write(path, text)
  return path
end

-- standard error of the runs made by hand below
local err_path = check.tmpname(".err")

local code, out, err

-- --version, --help, help on every command
code, out = kessan("--version")
check.eq(code, 0, "--version exit")
assert(out:match("^kessan %d+%.%d+%.%d+"), "version text: " .. out)
code, out = kessan("--help")
check.eq(code, 0, "--help exit")
for _, command in ipairs{"run", "repl", "export"} do
  assert(out:find(command, 1, true), "--help lists " .. command)
  code, out = kessan(command .. " --help")
  check.eq(code, 0, command .. " --help exit")
  assert(out:find("usage: kessan " .. command, 1, true), command .. " usage")
  code, out = kessan("--help")
end

-- bad usage exits 2 with a message
code, _, err = kessan("")
check.eq(code, 2, "no command")
code, _, err = kessan("frobnicate")
check.eq(code, 2, "unknown command")
assert(err:find("kessan: unknown command 'frobnicate'", 1, true), err)
-- typos of every command, directly and after help: bad usage naming the
-- command meant; help of a command that is none is bad usage too
for _, name in ipairs{"run", "repl", "export", "check", "show", "grid",
                      "chart", "report", "score"} do
  local typo = name .. name:sub(-1)
  for _, prefix in ipairs{"", "help "} do
    local out
    code, out, err = kessan(prefix .. typo)
    check.eq(code, 2, prefix .. typo)
    check.eq(out, "", prefix .. typo .. ": nothing on standard output")
    assert(err:find("unknown command '" .. typo .. "' (did you mean '" ..
                    name .. "'?", 1, true), err)
  end
  code = kessan("help " .. name)
  check.eq(code, 0, "help " .. name)
end
code, _, err = kessan("help nosuch")
check.eq(code, 2, "help nosuch")
assert(err:find("unknown command 'nosuch' (try", 1, true), err)
code, _, err = kessan("run")
check.eq(code, 2, "run without a script")
assert(err:find("kessan: run: no script given", 1, true), err)
code, _, err = kessan("run --timeout soon x.lua")
check.eq(code, 2, "bad --timeout")
code, _, err = kessan("run --bogus x.lua")
check.eq(code, 2, "unknown option")
code, _, err = kessan("export")
check.eq(code, 2, "export without a model")

-- a script: arg as lua sets it, ... too, exit 0
local args_script = script([[
print(arg[0], arg[1], arg[2], #arg, select("#", ...), ...)
local kessan = require "kessan"
local m = assert(kessan.open("tests/data/tiny"))
print(m:get("rev.a", "1Q01") == m["rev.a"][1])
]])
code, out, err = kessan("run " .. args_script .. " one two")
check.eq(code, 0, "run exit: " .. err)
check.eq(out, args_script .. "\tone\ttwo\t2\t2\tone\ttwo\ntrue\n", "arg and ...")

-- a script error: kessan: where: what, a traceback, exit 1
local failing = script("local x = 1\nlocal function f() error('boom') end\nf()\n")
code, out, err = kessan("run " .. failing)
check.eq(code, 1, "script error exit")
assert(err:find("kessan: " .. failing .. ":2: boom", 1, true), err)
assert(err:find("stack traceback:", 1, true), "traceback: " .. err)
code, _, err = kessan("run /no/such/script.lua")
check.eq(code, 1, "missing script exit")
assert(err:find("kessan: cannot open /no/such/script.lua", 1, true), err)
local syntax = script("x = = 1\n")
code, _, err = kessan("run " .. syntax)
check.eq(code, 1, "syntax error exit")
assert(err:find("kessan: " .. syntax .. ":1:", 1, true), err)

-- the sandbox: no os, io, debug, dofile, loadfile, C modules, binary chunks
local sandboxed = script([[
assert(os == nil and io == nil and debug == nil, "os, io, debug gone")
assert(dofile == nil and loadfile == nil, "dofile, loadfile gone")
assert(not pcall(require, "io"), "require 'io' fails")
assert(not pcall(require, "lpeg"), "no C modules")
local chunk = string.dump(function() return 1 end)
assert(load(chunk) == nil, "binary chunks refused")
assert(load("return 2")() == 2, "text chunks load")
local kessan = require "kessan"
local m = assert(kessan.open("tests/data/tiny"))
print(m:get("rev.a", "1Q01") ~= nil)
]])
code, out, err = kessan("run --sandbox " .. sandboxed)
check.eq(code, 0, "sandboxed run: " .. err)
check.eq(out, "true\n", "the sandbox keeps kessan")

-- --max-memory: a clean message and exit 1
local greedy = script([[
local t = {}
for i = 1, 1e9 do t[i] = ("x"):rep(1000) .. i end
]])
code, _, err = kessan("run --max-memory 1 " .. greedy)
check.eq(code, 1, "memory limit exit")
check.eq(err, "kessan: not enough memory (limit 1 MB)\n", "memory message")

-- --timeout: a clean message and exit 1, even through pcall
local runaway = script([[
while true do pcall(function() while true do end end) end
]])
code, _, err = kessan("run --timeout 0.2 " .. runaway)
check.eq(code, 1, "timeout exit")
assert(err:find("kessan: ", 1, true) and err:find("timeout", 1, true), err)

-- export: stdout, --out, --scenario
code, out, err = kessan("export " .. DIR)
check.eq(code, 0, "export exit: " .. err)
check.eq(out:match("^[^\n]*"), "item,period,value", "export header")
assert(out:find("rev.a,1Q01,", 1, true), "export rows")
local csv = check.tmpname(".csv")
code = kessan("export " .. DIR .. " --out " .. csv)
check.eq(code, 0, "export --out exit")
check.eq(check.read(csv), out, "--out writes what stdout shows")
code, out = kessan("export tests/data/scenarios --scenario low --inputs-only")
check.eq(code, 0, "export --scenario exit")
assert(out:match("^[^\n]*"):find("scenario", 1, true), "scenario column")
code, _, err = kessan("export /no/such/model")
check.eq(code, 1, "export of a missing model")
assert(err:find("^kessan: "), err)

-- the repl: expressions print, tables print readably, errors continue
code, out, err = kessan("repl " .. DIR, table.concat({
  'm:get("rev.a", "1Q01") == m["rev.a"]["1Q01"]',
  'm:item("rev.a")',
  'error("oops")',
  'x = 1 +',
  '  41',
  '=x',
  'for i = 1, 2 do',
  '  print("line", i)',
  'end',
}, "\n") .. "\n")
check.eq(code, 0, "repl exit: " .. err)
assert(out:find("true", 1, true), "expression printed: " .. out)
assert(out:find('label = "Product revenues"', 1, true), "table printed: " .. out)
assert(out:find("42", 1, true), "continued lines: " .. out)
assert(out:find("line\t2", 1, true), "statements run: " .. out)
assert(err:find("kessan: stdin:1: oops", 1, true), "repl error: " .. err)
code, _, err = kessan("repl /no/such/model", "")
check.eq(code, 1, "repl of a missing model")

-- export to standard output leaves no temporary file behind
local tmpdir = io.popen("mktemp -d"):read("l")
code = os.execute("TMPDIR=" .. quote(tmpdir) .. " " .. quote(KESSAN)
                  .. " export " .. DIR .. " >/dev/null")
assert(code, "export with TMPDIR set")
check.eq(io.popen("ls -A " .. quote(tmpdir)):read("a"), "",
         "nothing left in TMPDIR")
os.execute("rmdir " .. quote(tmpdir))

-- output that cannot be written is a failure, exit 1, for every command:
-- the message comes once, and after os.exit too
local full = io.open("/dev/full", "wb")
assert(full or not os.getenv("CI"), "CI must have /dev/full")
if full then
  full:close()
  local printing = script('print("hello")\n')
  local exiting = script('print("hello") os.exit(0)\n')
  local writing = script('for i = 1, 1e5 do io.write("line ", i, "\\n") end\n')
  for _, arguments in ipairs{
    "show " .. DIR .. " is", "check " .. DIR, "check " .. DIR .. " --format csv",
    "export " .. DIR, "export tests/data/scenarios --scenario low",
    "--help", "run --help", "--version", "help run",
    "run " .. printing, "run " .. exiting, "run --sandbox " .. printing,
    "run " .. writing, "repl " .. DIR .. " </dev/null",
  } do
    local command = quote(KESSAN) .. " " .. arguments .. " >/dev/full 2>"
      .. quote(err_path)
    local _, _, status = os.execute(command)
    check.eq(status, 1, arguments .. " to a full standard output")
    local message = check.read(err_path)
    local _, count = message:gsub("kessan: standard output: write failed", "")
    check.eq(count, 1, arguments .. ": one message in: " .. message)
  end
end

-- a reader that goes away is a failed write (exit 1, a message), not death
-- by SIGPIPE: the shell's pipeline status is kessan's own
do
  local writing = script('for i = 1, 2e5 do print(i) end\n')
  local command = "bash -c " .. quote("set -o pipefail; " .. quote(KESSAN)
    .. " run " .. writing .. " 2>" .. quote(err_path) .. " | head -c 1 >/dev/null")
  local _, _, status = os.execute(command)
  check.eq(status, 1, "a closed pipe: exit 1, not 141 (SIGPIPE)")
  assert(check.read(err_path):find("standard output: write failed", 1, true),
         "a closed pipe is reported")
end

check.cleanup()
print("test_cli: ok")
