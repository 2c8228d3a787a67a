-- test_sandbox_paths.lua -- paths a confused script gives kessan under
-- --sandbox (docs/cli.md) beyond those of test_sandbox.lua: a path through
-- a regular file (it cannot be resolved: refused, naming why), a file
-- where a model directory is expected (the engine's own message), --allow /
-- (everything inside), and a refusal whose list of allowed directories is
-- longer than the message can hold (cut with "...", the hint kept).
-- Usage: kessan run tests/lua/test_sandbox_paths.lua [PATH-TO-KESSAN]
package.path = "tests/lua/?.lua;" .. package.path
local check = require "check"

local KESSAN = check.program()
local quote = check.quote

local function shell(command)
  local ok = os.execute(command)
  assert(ok, "failed: " .. command)
end

local SOURCE = io.popen("pwd -P"):read("l")
local TINY = SOURCE .. "/tests/data/tiny"
local ROOT = io.popen("mktemp -d"):read("l")
assert(ROOT and ROOT:match("^/"), "mktemp -d")
ROOT = io.popen("cd " .. quote(ROOT) .. " && pwd -P"):read("l")
shell("cp -r " .. quote(TINY) .. " " .. quote(ROOT .. "/model"))
check.write(ROOT .. "/afile.csv", "not a directory\n")

-- kessan run --sandbox OPTIONS SCRIPT-TEXT, from ROOT -> status, stdout, stderr
local function sandboxed(options, text)
  check.write(ROOT .. "/script.lua", text)
  return check.run("sh", "-c " .. quote("cd " .. quote(ROOT) .. " && exec "
    .. quote(KESSAN) .. " run --sandbox " .. options .. " script.lua"))
end

-- a path through a regular file is refused, naming why; a file given as a
-- model directory, or as a directory to write in, gets the engine's
-- message; the model inside opens
local status, out, err = sandboxed("", [[
local kessan = require "kessan"
print(select(2, pcall(kessan.open, "afile.csv/x")))
print(kessan.open("afile.csv"))
local m = assert(kessan.open("model"))
print(#m)
print(m:export("afile.csv/new.csv"))
print(select(2, pcall(kessan.open, ]] .. string.format("%q", TINY) .. [[)))
]])
check.eq(status, 0, "sandboxed paths: exit " .. err)
local lines = {}
for line in out:gmatch("[^\n]+") do lines[#lines + 1] = line end
check.eq(lines[1], "afile.csv/x: cannot resolve it (Not a directory)",
         "a path through a file")
check.eq(lines[2], "nil\tafile.csv/items.csv: Not a directory",
         "a file for a model directory: the engine's message")
check.eq(lines[3], "8", "the model inside opens")
check.eq(lines[4], "nil\tafile.csv/new.csv: cannot write: Not a directory",
         "an export through a file: the engine's message")
check.eq(lines[5], TINY .. ": outside the directories this sandbox allows ("
  .. ROOT .. "); --allow DIR adds one", "a model outside")

-- --allow /: every directory is inside
status, out, err = sandboxed("--allow /", [[
local kessan = require "kessan"
local m = assert(kessan.open(]] .. string.format("%q", TINY) .. [[))
print(m:get("rev.a@1Q01"))
]])
check.eq(status, 0, "--allow /: exit " .. err)
check.eq(out, "100.0\n", "--allow / lets the model outside be read")

-- sixteen long allowed directories: the refusal's list is cut to fit
local allow = {}
for i = 1, 16 do
  local dir = string.format("%s/allowed%02d_%s", ROOT, i, ("x"):rep(60))
  shell("mkdir " .. quote(dir))
  allow[i] = "--allow " .. quote(dir)
end
status, out, err = sandboxed(table.concat(allow, " "), [[
local kessan = require "kessan"
print(select(2, pcall(kessan.open, ]] .. string.format("%q", TINY) .. [[)))
]])
check.eq(status, 0, "many --allow: exit " .. err)
local message = out:match("^[^\n]*")
check.eq(message:sub(1, #TINY + 2), TINY .. ": ", "the refusal names the path")
assert(message:find(ROOT .. "/allowed01_", 1, true), "the first directories listed: " .. message)
assert(not message:find("allowed16_", 1, true), "the last ones cut: " .. message)
check.eq(message:sub(-26), "...); --allow DIR adds one", "cut with ..., the hint kept")
assert(#message - #TINY - 2 < 512, "the reason fits its buffer: " .. #message)

shell("rm -rf " .. quote(ROOT))
check.cleanup()
print("test_sandbox_paths: ok")
