-- test_attack_option_values.lua -- a typo in an option's VALUE (not its
-- key) is refused with the nearest value it takes, as a typo in a key is:
-- simulate's sampling and copula, m:export's cells and format, the host's
-- --format of show, export and score; and a boolean option given a
-- string or a number (excel = "yes") is refused naming the field.
package.path = "tests/lua/?.lua;" .. package.path
local check = require "check"
local kessan = require "kessan"

local m = assert(kessan.open("tests/data/tiny"))
local OUT = "op_income@3Q02"
local draws = {["rev.a@3Q02"] = kessan.normal(160, 10)}

local function simulate(options)
  options.trials, options.draws, options.outputs = 50, draws, {OUT}
  return function() return m:simulate(options) end
end

check.raises("field 'sampling': 'mc' or 'lhs' expected, got 'lsh' (did you mean 'lhs'?)",
             simulate{sampling = "lsh"})
check.raises("field 'copula': 'gaussian' or 'rank' expected, got 'rnak' (did you mean 'rank'?)",
             simulate{copula = "rnak"})
check.raises("field 'copula': 'gaussian' or 'rank' expected, got 'gausian' (did you mean 'gaussian'?)",
             simulate{copula = "gausian"})
-- nothing near: no suggestion, and a value of the wrong type still named
local far = check.raises("got 'zzzzzz'", simulate{sampling = "zzzzzz"})
check.eq(far:find("did you mean", 1, true), nil, "no suggestion for zzzzzz")
check.raises("got boolean", simulate{copula = true})

-- m:export's enumerated and boolean options
local path = check.tmpname(".csv")
local function export(options)
  return function() return m:export(path, options) end
end
check.raises("field 'cells': 'inputs' or 'all' expected, got 'al' (did you mean 'all'?)",
             export{cells = "al"})
check.raises("field 'format': 'csv', 'xlsx' or 'json' expected, got 'xslx' (did you mean 'xlsx'?)",
             export{format = "xslx"})
check.raises("field 'format': 'csv', 'xlsx' or 'json' expected, got 'jsno' (did you mean 'json'?)",
             export{format = "jsno"})
for _, key in ipairs{"excel", "scenario", "inputs_only"} do
  for _, value in ipairs{"yes", "false", 1, 0, {}} do
    check.raises("field '" .. key .. "' expected a boolean, got " .. type(value),
                 export{[key] = value})
  end
end
-- a refused option writes nothing
check.eq(io.open(path, "rb"), nil, "no file after refused options")
-- booleans still work as before
assert(m:export(path, {excel = true, inputs_only = false}))
assert(m:export(path, {excel = false, scenario = false, cells = "all"}))
for _, key in ipairs{"reported", "override"} do
  check.raises("field '" .. key .. "' expected a boolean, got string",
               function() return m:import(path, {[key] = "yes"}) end)
end

-- the host's enumerated option values
local program = check.program()
local function usage(arguments, expected)
  local code, _, err = check.run(program, arguments)
  check.eq(code, 2, "exit status of " .. arguments)
  assert(err:find(expected, 1, true),
         arguments .. ": expected '" .. expected .. "', got: " .. err)
end
usage("show tests/data/tiny --format jsno",
      "--format must be text, md, csv or json, got 'jsno' (did you mean 'json'?)")
usage("export tests/data/tiny --format xslx",
      "got 'xslx' (did you mean 'xlsx'?)")
usage("score tests/data/tiny x.lua --actuals a.csv --format cvs",
      "got 'cvs' (did you mean 'csv'?)")
-- a value that is no typo of a short choice gets no suggestion
local code, _, err = check.run(program, "show tests/data/tiny --format xml")
check.eq(code, 2, "show --format xml")
assert(err:find("got 'xml'\n", 1, true), "no suggestion for xml: " .. err)
check.cleanup()
