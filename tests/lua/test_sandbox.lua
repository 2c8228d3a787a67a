-- test_sandbox.lua -- `kessan run --sandbox` and the limits as an attacker
-- meets them: no bytecode on any path into the compiler (load, require,
-- the repl), kessan's files and require confined to the allowed
-- directories (.., absolute paths, symlinks, prefixes of names, --allow),
-- --timeout and Ctrl-C through pcall loops, coroutines, finalizers and long
-- engine calls, the smallest limits, all within the bounds docs/cli.md
-- states.  Each case spawns the kessan program from this unsandboxed
-- script, in directories of its own under the temporary directory.
-- Usage: kessan run tests/lua/test_sandbox.lua [PATH-TO-KESSAN]
package.path = "tests/lua/?.lua;" .. package.path
local check = require "check"

-- the program: the argument, else the one running this script
local KESSAN = check.program()

local quote = check.quote
local SOURCE = io.popen("pwd"):read("l")
local TINY = SOURCE .. "/tests/data/tiny"

local slurp, spit = check.read, check.write

local function exists(path) return slurp(path) ~= nil end

local function shell(command)
  local ok, _, code = os.execute(command)
  return ok and 0 or code
end

-- a fresh directory tree: ROOT/w (the working directory), ROOT/w/data,
-- ROOT/w/data2, ROOT/outside; links in w to outside
local ROOT = io.popen("mktemp -d"):read("l")
assert(ROOT and ROOT:match("^/"), "mktemp -d")
local W, OUT = ROOT .. "/w", ROOT .. "/outside"
for _, dir in ipairs{W, W .. "/data", W .. "/data2", OUT} do
  assert(shell("mkdir -p " .. quote(dir)) == 0)
end
spit(OUT .. "/secret.csv", "item,period,value\nrev.a,1Q01,666\n")
assert(shell("ln -s " .. quote(OUT) .. " " .. quote(W .. "/dirlink")) == 0)
assert(shell("ln -s " .. quote(OUT .. "/secret.csv") .. " "
             .. quote(W .. "/filelink.csv")) == 0)
assert(shell("ln -s " .. quote(OUT .. "/new.csv") .. " "
             .. quote(W .. "/dangling.csv")) == 0)
assert(shell("cp -r " .. quote(TINY) .. " " .. quote(OUT .. "/model")) == 0)
assert(shell("cp -r " .. quote(TINY) .. " " .. quote(W .. "/model")) == 0)
-- models whose files are links: outside (refused), inside (allowed), and
-- a link the engine does not read (allowed)
for _, name in ipairs{"linked_out", "linked_in", "linked_other"} do
  assert(shell("cp -r " .. quote(TINY) .. " " .. quote(W .. "/" .. name)) == 0)
end
assert(shell("cd " .. quote(W) .. " && rm linked_out/values.csv linked_in/values.csv"
             .. " && ln -s " .. quote(OUT .. "/secret.csv") .. " linked_out/values.csv"
             .. " && ln -s ../model/values.csv linked_in/values.csv"
             .. " && ln -s " .. quote(OUT .. "/secret.csv")
             .. " linked_other/link_values.csv") == 0)

-- Run kessan in directory `dir` (default W); exit code, stdout, stderr,
-- seconds taken.
local out_path, err_path = ROOT .. "/stdout", ROOT .. "/stderr"
local function kessan(arguments, dir, redirect)
  local command = "cd " .. quote(dir or W) .. " && s=$(date +%s%N); "
    .. quote(KESSAN) .. " " .. arguments
    .. (redirect or (" >" .. quote(out_path))) .. " 2>" .. quote(err_path)
    .. "; c=$?; e=$(date +%s%N); echo $c $(( (e - s) / 1000000 ))"
  local pipe = io.popen(command)
  local code, ms = pipe:read("n", "n")
  pipe:close()
  local err = slurp(err_path) or ""
  assert(not err:find("Sanitizer", 1, true) and
         not err:find("runtime error:", 1, true),
         "sanitizer report from kessan " .. arguments .. ":\n" .. err)
  return code, slurp(out_path) or "", err, ms / 1000
end

local function script(name, text)
  local path = W .. "/" .. name
  spit(path, text)
  return path
end

local code, out, err, seconds

-- ---- bytecode: every path into the compiler is text-only ----------------
-- The chunks are made here, outside the sandbox, and named like modules
-- and like CSV files.
spit(W .. "/plain.lua", string.dump(function() return 42 end))
local dumped = string.dump(function()
  local t = {} for i = 1, 10 do t[i] = i * 2 end return t
end)
-- a crafted chunk: the header kept, the rest garbage
spit(W .. "/crafted.lua", dumped:sub(1, 32) .. ("\255"):rep(64)
  .. dumped:sub(97))
spit(W .. "/values.csv", dumped)
spit(W .. "/text_module.lua", "return {answer = 7}\n")
spit(OUT .. "/text_module.lua", "return {answer = 666}\n")
spit(OUT .. "/only_outside.lua", "return {answer = 666}\n")
script("bytecode.lua", [[
package.path = "./?.lua;./?.csv"
for _, name in ipairs{"plain", "crafted", "values"} do
  local ok, message = pcall(require, name)
  assert(not ok, name .. " loaded")
  assert(message:find("attempt to load a binary chunk (mode is 't')", 1,
                      true), message)
end
assert(require("text_module").answer == 7, "a text module loads")
-- a template that leads outside is passed over, not taken
package.loaded.text_module = nil
package.path = "../outside/?.lua;./?.lua"
assert(require("text_module").answer == 7, "the module outside was taken")
local ok, message = pcall(require, "only_outside")
assert(not ok and message:find("in the sandbox (resolves to", 1, true),
       message)
package.path = "./?.lua;./?.csv"
local chunk = string.dump(function() return 1 end)
assert(load(chunk) == nil, "load refuses bytecode")
assert(load(chunk, "x", "b") == nil, "even asked for mode b")
assert(load(chunk, "x", "bt", {}) == nil, "or bt with an env")
local parts = {chunk}
assert(load(function() return table.remove(parts) end, "x", "b") == nil,
       "or from a reader")
assert(load("return 2")() == 2, "text loads")
-- the searchers: preload and our Lua one, no C ones
assert(#package.searchers == 2, "two searchers")
assert(package.loadlib == nil and package.cpath == "", "no C modules")
-- replacing searchpath does not lead the searcher astray
package.searchpath = function() return "plain.lua" end
assert(not pcall(require, "nonesuch"), "searchpath replaced")
-- coroutines, guarded against a stop, behave as Lua's own
local gen = coroutine.wrap(function(a) local b = coroutine.yield(a + 1)
                                      return b * 2 end)
assert(gen(1) == 2 and gen(5) == 10, "wrap passes values")
local co = coroutine.create(function(...) return select("#", ...), ... end)
local ok, n, x = coroutine.resume(co, "a", nil)
assert(ok and n == 2 and x == "a", "resume passes values")
for name, arg in pairs{resume = 1, wrap = 1, create = {}} do
  local ok2, message = pcall(coroutine[name], arg)
  assert(not ok2 and message:find("bad argument #1 to 'coroutine." .. name
                                  .. "'", 1, true), message)
end
print("bytecode: ok")
]])
code, out, err = kessan("run --sandbox bytecode.lua")
check.eq(code, 0, "bytecode script: " .. err)
check.eq(out, "bytecode: ok\n", "bytecode script output")
-- the repl compiles text only: a binary line is a syntax error
code, out, err = kessan("repl --sandbox", nil, " <" .. quote(W .. "/plain.lua")
                        .. " >" .. quote(out_path))
check.eq(code, 0, "repl with a binary line: " .. err)
assert(err:find("kessan: ", 1, true), "repl error: " .. err)
assert(not out:find("42", 1, true), "the chunk did not run: " .. out)

-- ---- files: confined to the allowed directories -------------------------
-- The script runs in W with data allowed; it tries every way out and
-- prints what was refused; the test then checks nothing was written
-- outside.
local confined = script("confined.lua", [[
local OUT, W = ...
local kessan = require "kessan"
local function refused(what, f, ...)
  local ok, result, message = pcall(f, ...)
  local why = ok and message or result
  assert(not (ok and result), what .. ": allowed")
  assert(tostring(why):find("sandbox", 1, true)
         or tostring(why):find("names a directory", 1, true)
         or tostring(why):find("symbolic link", 1, true)
         or tostring(why):find("cannot resolve", 1, true)
         or tostring(why):find("empty file name", 1, true),
         what .. ": " .. tostring(why))
  return tostring(why)
end
local m = assert(kessan.open("model"))
assert(m:export("ok.csv"))
assert(m:export("data/ok.csv"))
assert(m:export(W .. "/data/abs.csv"))
assert(m:export("data/../data/dots.csv"))
local why = refused("..", m.export, m, "../escape.csv")
assert(why:find("../escape.csv: resolves to ", 1, true), why)
assert(why:find("--allow DIR adds one", 1, true), why)
refused("absolute", m.export, m, OUT .. "/abs.csv")
refused("dots down and up", m.export, m, "data/../../escape2.csv")
refused("directory link", m.export, m, "dirlink/through.csv")
refused("file link", m.export, m, "filelink.csv")
refused("dangling link", m.export, m, "dangling.csv")
refused("dot", m.export, m, ".")
refused("dotdot", m.export, m, "..")
refused("a directory name", m.export, m, "data/")
refused("empty", m.export, m, "")
refused("root", m.export, m, "/escape.csv")
refused("open outside", kessan.open, OUT .. "/model")
refused("open through a link", kessan.open, "dirlink/model")
why = refused("a model file linked outside", kessan.open, "linked_out")
assert(why:find("holds 'values.csv', a symbolic link to", 1, true), why)
assert(kessan.open("linked_in"), "a model file linked inside")
assert(kessan.open("linked_other"), "a link the engine does not read")
refused("import outside", m.import, m, OUT .. "/secret.csv")
refused("import through a link", m.import, m, "filelink.csv")
refused("import relative", m.import, m, "../outside/secret.csv")
assert(m:get("rev.a@1Q01") ~= 666, "nothing imported")
local s = m:scenario("x")
refused("scenario export", s.export, s, "../scenario.csv")
local g = m:datatable{rows = {"rev.a@1Q01", {1, 2}}, out = "rev.total@1Q01"}
assert(g:export("grid.csv"))
refused("grid export", g.export, g, "../grid.csv")
refused("grid export via link", g.export, g, "dirlink/grid.csv")
package.path = "../outside/?.lua;" .. OUT .. "/?.lua"
local ok, message = pcall(require, "mod")
assert(not ok and message:find("in the sandbox", 1, true), message)
print("confined: ok")
]])
spit(OUT .. "/mod.lua", "return 1\n")
code, out, err = kessan("run --sandbox --allow data " .. quote(confined)
                        .. " " .. quote(OUT) .. " " .. quote(W))
check.eq(code, 0, "confined script: " .. err)
check.eq(out, "confined: ok\n", "confined script output")
for _, name in ipairs{"escape.csv", "escape2.csv", "scenario.csv", "grid.csv"} do
  assert(not exists(ROOT .. "/" .. name), "written outside: " .. name)
end
for _, name in ipairs{"abs.csv", "through.csv", "new.csv", "grid.csv"} do
  assert(not exists(OUT .. "/" .. name), "written outside: " .. name)
end
check.eq(slurp(OUT .. "/secret.csv"), "item,period,value\nrev.a,1Q01,666\n",
         "the linked file is untouched")
assert(not exists("/escape.csv"), "written at the root")
for _, name in ipairs{"ok.csv", "data/ok.csv", "data/abs.csv",
                      "data/dots.csv", "grid.csv"} do
  assert(exists(W .. "/" .. name), "allowed export missing: " .. name)
end

-- the directory of the script is allowed, and --allow adds one; a name
-- that only starts like an allowed directory is not inside it.  From
-- OUT, the allowed directories are OUT and W/data (the script's).
script("data/in_data.lua", [[
local model, W = ...
local kessan = require "kessan"
local m = assert(kessan.open(model))
assert(m:export("from-data.csv"))              -- the working directory
assert(m:export(W .. "/data/y.csv"))           -- the script's directory
local ok, message = pcall(m.export, m, W .. "/data2/x.csv")
assert(not ok and message:find("outside", 1, true), "data2 is not in data")
print("script dir: ok")
]])
code, out, err = kessan("run --sandbox " .. quote(W .. "/data/in_data.lua")
                        .. " " .. quote(W .. "/model") .. " " .. quote(W), OUT)
check.eq(code, 1, "a model outside OUT and W/data: " .. err)
assert(err:find("outside the directories this sandbox allows", 1, true), err)
code, out, err = kessan("run --sandbox --allow " .. quote(W .. "/model")
                        .. " " .. quote(W .. "/data/in_data.lua") .. " "
                        .. quote(W .. "/model") .. " " .. quote(W), OUT)
check.eq(code, 0, "--allow the model: " .. err)
check.eq(out, "script dir: ok\n", "script dir output")
assert(exists(OUT .. "/from-data.csv"), "written in the working directory")
assert(exists(W .. "/data/y.csv"), "written in the script's directory")
assert(not exists(W .. "/data2/x.csv"), "data2 written")

-- the repl allows the model's directory (and the working directory)
spit(W .. "/repl-in.txt", 'print(m:export("' .. W .. '/model/r.csv"))\n'
     .. 'print(pcall(m.export, m, "' .. OUT .. '/r.csv"))\n')
code, out, err = kessan("repl --sandbox " .. quote(W .. "/model"),
                        W .. "/data", " <" .. quote(W .. "/repl-in.txt")
                        .. " >" .. quote(out_path))
check.eq(code, 0, "repl: " .. err)
assert(exists(W .. "/model/r.csv"), "repl export into the model")
assert(not exists(OUT .. "/r.csv"), "repl export outside")
assert(out:find("false", 1, true), "repl refusal: " .. out)

-- usage: --allow a missing directory, or without --sandbox
code, _, err = kessan("run --sandbox --allow /no/such/dir x.lua")
check.eq(code, 2, "--allow of a missing directory")
assert(err:find("--allow '/no/such/dir'", 1, true), err)
code, _, err = kessan("run --allow data x.lua")
check.eq(code, 2, "--allow without --sandbox")
assert(err:find("only applies with --sandbox", 1, true), err)

-- ---- the timeout holds everywhere ------------------------------------------
-- Each script would run for ever; each must stop within the timeout and
-- 1 s, with a timeout message and exit 1.
local TIMEOUT = 1
local runaways = {
  pcall_loop = "while true do pcall(function() while true do end end) end",
  wrap_in_pcall =
    "while true do pcall(coroutine.wrap(function() while true do end end)) end",
  nested = [[
local function nest(d)
  if d == 0 then while true do end end
  while true do
    pcall(coroutine.wrap(function() nest(d - 1) end))
    pcall(coroutine.resume, coroutine.create(function() nest(d - 1) end))
  end
end
nest(6)]],
  inside_coroutine = [[
coroutine.wrap(function()
  while true do pcall(function() while true do end end) end
end)()]],
  xpcall_handler = [[
while true do
  xpcall(function() while true do end end, function() while true do end end)
end]],
  close_handler = [[
while true do
  pcall(function()
    local x <close> = setmetatable({}, {__close = function()
      while true do end end})
    while true do end
  end)
end]],
  error_objects = [[
while true do
  pcall(function() while true do end end)
  pcall(error, setmetatable({}, {__tostring = function() while true do end end}))
end]],
  finalizer = [[
setmetatable({}, {__gc = function() while true do end end})
collectgarbage()
while true do end]],
  finalizer_at_close = "setmetatable({}, {__gc = function() while true do end end})",
  finalizer_after_timeout = [[
local keep = setmetatable({}, {__gc = function() while true do end end})
while true do end]],
  pattern = [[
local s = ("a"):rep(5000)
while true do pcall(string.find, s, ".-.-.-.-.-.-b") end]],
  c_calls = [[while true do pcall(string.rep, "x", 1e7) end]],
  resumer = [[
coroutine.wrap(function()
  while true do pcall(coroutine.wrap(function() while true do end end)) end
end)()]],
  simulate = [[
local kessan = require "kessan"
local m = assert(kessan.open("model"))
while true do
  pcall(m.simulate, m, {trials = 1e9, seed = 1,
    draws = {["rev.a@1Q01"] = kessan.uniform(1, 2)},
    outputs = {"rev.total@1Q01"}})
end]],
}
for name, text in pairs(runaways) do
  local path = script("runaway_" .. name .. ".lua", text .. "\n")
  code, out, err, seconds = kessan("run --sandbox --max-memory 64 --timeout "
                                   .. TIMEOUT .. " " .. quote(path))
  check.eq(code, 1, name .. " exit (" .. err .. ")")
  assert(err:find("timeout", 1, true), name .. ": " .. err)
  assert(seconds < TIMEOUT + 1, string.format("%s: stopped after %.2f s",
                                              name, seconds))
  assert(seconds >= TIMEOUT - 0.01, name .. ": stopped early")
end

-- a billion trials stop within the timeout's 50 ms (a billion trials of
-- this model take about 2 s of two cores at full speed: half a second
-- cannot be enough)
local big = script("big_simulation.lua", [[
local kessan = require "kessan"
local m = assert(kessan.open("model"))
m:simulate{trials = 1e9, seed = 1, threads = 2,
           draws = {["rev.a@1Q01"] = kessan.uniform(1, 2)},
           outputs = {"rev.total@1Q01"}}
]])
code, out, err, seconds = kessan("run --timeout 0.5 " .. quote(big))
check.eq(code, 1, "simulate timeout exit: " .. err)
assert(err:find("timeout: the script ran longer than 0.5 s", 1, true), err)
assert(err:find("interrupted while simulating", 1, true), err)
assert(seconds < 1, string.format("simulate stopped after %.2f s", seconds))

-- Ctrl-C: the same, with 'interrupted'
local function interrupt(path, arguments)
  local command = "cd " .. quote(W) .. " && " .. quote(KESSAN) .. " run "
    .. (arguments or "") .. " " .. quote(path) .. " 2>" .. quote(err_path)
    .. " & p=$!; sleep 0.5; s=$(date +%s%N); kill -INT $p; wait $p; c=$?;"
    .. " e=$(date +%s%N); echo $c $(( (e - s) / 1000000 ))"
  local pipe = io.popen(command)
  local status, ms = pipe:read("n", "n")
  pipe:close()
  local err = slurp(err_path) or ""
  assert(not err:find("Sanitizer", 1, true) and
         not err:find("runtime error:", 1, true),
         "sanitizer report from Ctrl-C of " .. path .. ":\n" .. err)
  return status, err, ms / 1000
end
for _, name in ipairs{"pcall_loop", "wrap_in_pcall", "nested", "finalizer",
                      "simulate", "inside_coroutine", "resumer"} do
  for _, arguments in ipairs{"", "--timeout 100"} do
    code, err, seconds = interrupt(W .. "/runaway_" .. name .. ".lua",
                                   arguments)
    check.eq(code, 1, "Ctrl-C " .. name .. " " .. arguments .. ": " .. err)
    assert(err:find("interrupted", 1, true), name .. ": " .. err)
    assert(seconds < 1, string.format("Ctrl-C %s %s: stopped after %.2f s",
                                      name, arguments, seconds))
    -- only a finalizer (hooks off) needs the watchdog: the running
    -- coroutine is reached even without a timeout's hooks
    if name ~= "finalizer" then
      assert(not err:find("ended", 1, true), name .. ": " .. err)
    end
  end
end

-- the smallest limits: nothing that rounds to no limit
for _, bad in ipairs{"0", "0.0000001", "0.5", "-1", "nan", "inf", "1e10",
                     "1e-320", "0x0", "", "2MB"} do
  code, _, err = kessan("run --max-memory " .. quote(bad) .. " x.lua")
  check.eq(code, 2, "--max-memory " .. bad)
  assert(err:find("expects megabytes", 1, true), err)
end
for _, bad in ipairs{"0", "0.0000001", "1e-320", "-1", "nan", "inf", "1e10"} do
  code, _, err = kessan("run --timeout " .. quote(bad) .. " x.lua")
  check.eq(code, 2, "--timeout " .. bad)
  assert(err:find("expects seconds", 1, true), err)
end
local small = script("small.lua", "print(#('x'):rep(1000))\n")
code, out, err = kessan("run --max-memory 1 --timeout 0.001 " .. quote(small))
assert(code == 0 or err:find("timeout", 1, true) or
       err:find("not enough memory", 1, true), "smallest limits: " .. err)

os.execute("rm -rf " .. quote(ROOT))
print("test_sandbox: ok")
