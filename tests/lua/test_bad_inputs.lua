-- test_bad_inputs.lua -- the broken model directories of tests/data/bad
-- (and two made here: a 10 MB field, an empty directory) met from Lua and
-- from the command line.  For each: kessan.open returns nil and the
-- message naming where (file:line:column) and what; `kessan check DIR` and
-- `kessan run` of a script opening it exit with status 1 (never a signal)
-- and print "kessan: " and the same message on stderr.
-- Usage: kessan run tests/lua/test_bad_inputs.lua [PATH-TO-KESSAN]
-- (without the argument, the program running this script is used).
package.path = "tests/lua/?.lua;" .. package.path
local check = require "check"
local kessan = require "kessan"

local KESSAN = check.program()

local cases = {
  {"truncated_items", "items.csv:4: ",
   "expected 8 fields as in the header, got 4"},
  {"truncated_values", "values.csv:29: ",
   "expected 3 fields as in the header, got 2"},
  {"unclosed_quote", "items.csv:3:7: ", "quote opened here is never closed"},
  {"bad_number", "values.csv:14:12: ",
   "expected a number like 1,234 or (566,520), got '7.5.0'"},
  {"unknown_period", "values.csv:8:7: ",
   "period '3Q07' is outside the model's calendar (FY01..FY02)"},
  {"missing_parent", "items.csv:2:47: ",
   "parent of 'rev.a': unknown item 'rev.gross'"},
  {"formula_cycle", "items.csv:12: ", "cyc.c -> cyc.a -> cyc.b -> cyc.c"},
  {"invalid_utf8", "items.csv:10:11: ", "invalid UTF-8"},
}
for _, c in ipairs(cases) do c[1] = "tests/data/bad/" .. c[1] end

local quote = check.quote

local scratch = os.tmpname()
os.remove(scratch)
assert(os.execute("mkdir -p " .. quote(scratch)))

-- made here: a 10 MB number, and an empty directory
local huge = scratch .. "/huge"
assert(os.execute("mkdir -p " .. quote(huge)))
for _, name in ipairs{"settings.csv", "items.csv", "values.csv"} do
  check.write(huge .. "/" .. name,
              assert(check.read("tests/data/tiny/" .. name)))
end
check.write(huge .. "/values.csv",
     'rev.a,4Q02,"' .. string.rep("1", 10 * 1024 * 1024) .. '"\n', "ab")
cases[#cases + 1] = {huge, "values.csv:30:12: ",
  "expected a number like 1,234 or (566,520), got '1111"}
local empty = scratch .. "/empty"
assert(os.execute("mkdir -p " .. quote(empty)))
cases[#cases + 1] = {empty, "", "not a model directory (no items.csv)",
                     where = empty .. ": "}

local function where_of(c) return c.where or (c[1] .. "/" .. c[2]) end

-- Lua: kessan.open returns nil and the message
for _, c in ipairs(cases) do
  local model, message = kessan.open(c[1])
  assert(model == nil, c[1] .. ": opened")
  assert(type(message) == "string", c[1] .. ": no message")
  assert(message:find(where_of(c), 1, true) == 1,
         c[1] .. ": message does not begin with the place: " .. message)
  assert(message:find(c[3], 1, true),
         c[1] .. ": message does not say what: " .. message)
end

-- The command line: status 1 by exit, never a signal, "kessan: " + message
local function expect_refused(c, arguments, what)
  local code, _, stderr, how = check.run(KESSAN, arguments)
  assert(how == "exit", what .. " " .. c[1] .. ": ended by a signal " ..
         tostring(code))
  assert(code == 1, what .. " " .. c[1] .. ": exit status " .. tostring(code)
         .. "\n" .. stderr)
  assert(stderr:find("kessan: ", 1, true) == 1,
         what .. ": stderr does not begin with 'kessan: ': " .. stderr)
  assert(stderr:find(where_of(c), 1, true) and stderr:find(c[3], 1, true),
         what .. " " .. c[1] .. ": stderr does not say where and what: "
         .. stderr)
end

local opener = scratch .. "/open.lua"
check.write(opener, 'local kessan = require "kessan"\n' ..
             'assert(kessan.open(arg[1]))\n')
for _, c in ipairs(cases) do
  expect_refused(c, "run " .. quote(opener) .. " " .. quote(c[1]),
                 "kessan run")
  expect_refused(c, "check " .. quote(c[1]), "kessan check")
end

os.execute("rm -rf " .. quote(scratch))
check.cleanup()
print("test_bad_inputs: " .. #cases .. " broken models refused"
      .. " by kessan.open, kessan run and kessan check")
