-- test_host_messages.lua -- what the kessan program says when a script or
-- a repl line fails in the ways a confused user's do (docs/cli.md): error
-- objects that are no string (a table, nil, a number, one with a
-- __tostring, one whose __tostring fails), a repl value whose text
-- cannot be made, a line left incomplete at the end of input, a line too
-- large for --max-memory, and a sandboxed script that breaks package.path.
-- The message is "kessan: ...", the exit status 1 for a script; the repl
-- reports and goes on.
-- Usage: kessan run tests/lua/test_host_messages.lua [PATH-TO-KESSAN]
package.path = "tests/lua/?.lua;" .. package.path
local check = require "check"

local KESSAN = check.program()
local quote = check.quote

-- kessan ARGUMENTS with INPUT on standard input -> status, stdout, stderr
local function run(arguments, input)
  return check.run(KESSAN, arguments, input or "")
end

local function first_line(text) return text:match("^[^\n]*") end

-- ---- run: error objects that are no string -------------------------------
local script = check.tmpname(".lua")
local cases = {
  { "error({})", "kessan: (error object is a table value)" },
  { "error(nil)", "kessan: (error object is a nil value)" },
  { "error(42)", "kessan: 42" },
  { "error(setmetatable({}, {__tostring = function() return 'custom object' end}))",
    "kessan: custom object" },
  { "error(setmetatable({}, {__tostring = function() return 42 end}))",
    "kessan: (error object is a table value)" },
  { "error(setmetatable({}, {__tostring = function() error('inner') end}))",
    "kessan: " .. script .. ":1: inner" },
}
for _, case in ipairs(cases) do
  check.write(script, case[1] .. "\n")
  local status, out, err = run("run " .. quote(script))
  check.eq(status, 1, case[1] .. ": exit")
  check.eq(out, "", case[1] .. ": nothing on standard output")
  check.eq(first_line(err), case[2], case[1])
end

-- ---- the repl ---------------------------------------------------------------
-- a chunk still open at the end of input is not run; the repl ends well
local status, out, err = run("repl", "x = 1\nfor i = 1, 2 do\n  print('ran', i)\n")
check.eq(status, 0, "an incomplete chunk at the end: exit")
check.eq(err, "", "an incomplete chunk at the end: no message")
assert(not out:find("ran\t1", 1, true), "an incomplete chunk is not run: " .. out)

-- a value whose text fails: reported, and the repl goes on
status, out, err = run("repl", table.concat({
  "setmetatable({}, {__tostring = function() error('no text') end})",
  "print('after')",
  "return 6 * 7",
  "nil",
}, "\n") .. "\n")
check.eq(status, 0, "a failing __tostring: exit")
check.eq(first_line(err), "kessan: stdin:1: no text", "the __tostring's error")
assert(out:find("\nafter\n", 1, true), "the repl goes on: " .. out)
assert(out:find("\n42\n", 1, true), "return prints its values: " .. out)
assert(out:find("\nnil\n", 1, true), "nil prints: " .. out)

-- a line too large to compile within --max-memory: reported, the repl
-- goes on, and the line did not run
local large = "x = '" .. ("a"):rep(400 * 1024) .. "'"
status, out, err = run("repl --max-memory 1", large .. "\nprint(x == nil)\n")
check.eq(status, 0, "a line over the memory limit: exit")
check.eq(first_line(err), "kessan: not enough memory (limit 1 MB)", "the memory message")
assert(out:find("\ntrue\n", 1, true), "the large line did not run: " .. out)

-- a line too large even to hold as text within --max-memory (1.1 MB
-- under a 1 MB limit): the same, never an abort; and the second line of a
-- chunk too large to join with its first (each some seconds: readline
-- takes piped input a byte at a time)
local huge = "x = '" .. ("a"):rep(1100 * 1024) .. "'"
status, out, err = run("repl --max-memory 1", huge .. "\nprint(x == nil)\n")
check.eq(status, 0, "a line over the memory limit as text: exit")
check.eq(first_line(err), "kessan: not enough memory (limit 1 MB)",
         "the memory message for a line too large to hold")
assert(out:find("\ntrue\n", 1, true), "the huge line did not run: " .. out)
status, out, err = run("repl --max-memory 1",
                       "y = {\n'" .. ("b"):rep(1100 * 1024) .. "'}\n"
                       .. "print(y == nil)\n")
check.eq(status, 0, "a continuation line over the limit: exit")
check.eq(first_line(err), "kessan: not enough memory (limit 1 MB)",
         "the memory message for a continuation line")
assert(out:find("\ntrue\n", 1, true), "the joined chunk did not run: " .. out)

-- ---- the sandbox: package.path that is no string -------------------------------
check.write(script, "package.path = {}\nrequire 'nosuch'\n")
status, out, err = run("run --sandbox " .. quote(script))
check.eq(status, 1, "a table for package.path: exit")
check.eq(first_line(err), "kessan: 'package.path' must be a string", "package.path checked")
-- empty templates are passed over
check.write(script, "package.path = ';;./nowhere/?.lua;;'\n"
                   .. "print(select(2, pcall(require, 'nosuch')))\n")
status, out, err = run("run --sandbox " .. quote(script))
check.eq(status, 0, "empty templates: exit " .. err)
assert(out:find("no file './nowhere/nosuch.lua'", 1, true), "the one template: " .. out)

check.cleanup()
print("test_host_messages: ok")
