-- test_attack_score_cli.lua -- `kessan score` and r:score with a values
-- file under careless input: --low/--high naming no saved scenario are
-- refused with the saved names and the nearest (they were copies of the
-- base); an output left empty in the actuals file is not scored (it was,
-- against the figure the model computes); the command's own mistakes
-- (no such file, unknown item, bad --quantiles, no such script) are one
-- line "kessan: score: ..." with exit 1 (data) or 2 (usage), while an
-- error in the script keeps its traceback.
package.path = "tests/lua/?.lua;" .. package.path
local check = require "check"
local kessan = require "kessan"

local dir = check.tmpname(".model")
assert(os.execute("cp -r tests/data/tiny " .. check.quote(dir)))
do
  local m = assert(kessan.open(dir))
  for _, saved in ipairs{{"high", 200}, {"low", 100}} do
    local s = m:scenario(saved[1])
    s:set("rev.a", "3Q02", saved[2])
    s:save()
  end
  assert(m:export(dir .. "/values.csv", {scenario = true}))
end

local script = check.tmpname(".lua")
check.write(script, [[
local m = ...
local k = require "kessan"
return m:simulate{trials = 300, seed = 3, keep = true,
  draws = {["rev.a@3Q02"] = k.normal(160, 10), ["rev.b@3Q02"] = k.normal(80, 5),
           ["cost.total@3Q02"] = k.normal(180, 5)},
  outputs = {"rev.total@3Q02", "op_income@3Q02"}}
]])
local actuals = check.tmpname(".csv")
-- rev.total left empty: no actual; op_income given
check.write(actuals, "item,period,value\nrev.total,3Q02,\nop_income,3Q02,61\n")

local program = check.program()
local function score(arguments)
  return check.run(program, "score " .. check.quote(dir) .. " "
                   .. check.quote(script) .. " " .. arguments)
end
local A = "--actuals " .. check.quote(actuals)

-- (b) only what the file gives is scored, on the command line ...
local code, out, err = score(A .. " --format csv")
check.eq(code, 0, "score: " .. err)
local cells = {}
for cell in out:gmatch("\n([^,\n]+@[^,\n]+),") do cells[#cells + 1] = cell end
check.eq(table.concat(cells, " "), "op_income@3Q02", "cells scored")
-- ... and in r:score(path), the same as the table of what the file gives
local m = assert(kessan.open(dir))
local r = assert(loadfile(script))(m)
local from_file = r:score(actuals, {model = m})
local from_table = r:score({["op_income@3Q02"] = 61})
check.eq(#from_file, 1, "outputs scored from the file")
check.eq(from_file[1].cell, "op_income@3Q02", "the output scored")
check.eq(from_file[1].pit, from_table[1].pit, "pit as from the table")
check.eq(from_file.summary.count, 1, "summary count")
-- a cell the model itself overrides, left empty in the file: not scored
m:set("rev.total", "3Q02", 250)
check.eq(#r:score(actuals, {model = m}), 1, "an override of the model's own")
-- a file that gives nothing: nothing scored
local empty = check.tmpname(".csv")
check.write(empty, "item,period,value\nrev.total,3Q02,\nop_income,3Q02,\n")
check.eq(#r:score(empty, {model = m}), 0, "an empty file scores nothing")
code, out = score("--actuals " .. check.quote(empty))
check.eq(code, 0, "score of an empty file")
assert(out:find("no output has an actual", 1, true), out)

-- (a) --low and --high must be saved scenarios
local function refused(arguments, status, expected)
  local c, o, e = score(arguments)
  check.eq(c, status, "exit status of " .. arguments .. ": " .. e)
  check.eq(o, "", "no output from " .. arguments)
  assert(e:find(expected, 1, true),
         arguments .. ": expected '" .. expected .. "', got: " .. e)
  assert(not e:find("traceback", 1, true), arguments .. ": a traceback: " .. e)
  return e
end
refused(A .. " --low nope --high nope2", 1, "kessan: score: --low: ")
refused(A .. " --low nope --high nope2", 1, "no scenario 'nope' (saved: high, low)")
refused(A .. " --low lwo --high high", 1, "no scenario 'lwo' (did you mean 'low'?)")
refused(A .. " --low low --high hgh", 1, "--high: ")
refused(A .. " --low low --high hgh", 1, "(did you mean 'high'?)")
code, out, err = score(A .. " --low low --high high")
check.eq(code, 0, "saved scenarios: " .. err)
code, out, err = score(A .. " --low base --high high")
check.eq(code, 0, "base as a scenario: " .. err)

-- (c) one line, the right status
refused("--actuals " .. check.quote(actuals .. ".none"), 1, "kessan: score: ")
refused("--actuals " .. check.quote(actuals .. ".none"), 1, "No such file")
local unknown = check.tmpname(".csv")
check.write(unknown, "item,period,value\nrev.totl,3Q02,5\n")
refused("--actuals " .. check.quote(unknown), 1,
        "unknown item 'rev.totl' (did you mean 'rev.total'?)")
local e = refused("--actuals " .. check.quote(unknown), 1, "kessan: score: ")
assert(not e:find("score:%d"), "the driver's position: " .. e)
for _, bad in ipairs{"0.5,2", "0", "1", ",", "0.5,", "x", "nan", "0.1 0.5"} do
  refused(A .. " --quantiles " .. check.quote(bad), 1,
          "kessan: score: --quantiles: '")
end
code = score(A .. " --quantiles 0.05,0.5,0.95")
check.eq(code, 0, "good quantiles")
code, out, err = check.run(program, "score " .. check.quote(dir)
                           .. " no-such-script.lua " .. A)
check.eq(code, 1, "no script")
assert(err:find("^kessan: score: cannot open no%-such%-script%.lua"), err)
assert(not err:find("traceback", 1, true), "no traceback: " .. err)
-- the script's own error keeps its traceback
check.write(script, "local m = ...\nerror('boom in the script')\n")
code, out, err = score(A)
check.eq(code, 1, "script error")
assert(err:find("boom in the script", 1, true), err)
assert(err:find("stack traceback", 1, true), "script traceback: " .. err)
check.cleanup()
