-- test_show_forecast.lua -- a forecast shown as the release shows a
-- statement: s:show(statement, opts) and `kessan show MODEL is --scenario
-- NAME` give the engine's figures (read back from their CSV, bit for bit,
-- against s:get), columns for the quarters a scenario forecasts, the
-- scenario's name in the title; m:extend{last_year = ...} adds forecast
-- years without editing settings.csv, refusing a year before the last,
-- a span too long, a scenario handle and words that are no year; the
-- options are the command's, checked as every options table is; and
-- m:export's excel and format = "json" options.  Run from the project
-- root, by the host (check.program) and by stock lua5.4.
package.path = "tests/lua/?.lua;" .. package.path
local check = require "check"
local kessan = require "kessan"

-- RFC 4180 records of LF-ended text (the rule of every CSV kessan writes)
local function parse_csv(text)
  assert(not text:find("\r", 1, true), "LF line ends")
  local records, at = {}, 1
  while at <= #text do
    local fields = {}
    repeat
      local value
      if text:sub(at, at) == '"' then
        local close = at
        repeat close = text:find('"', close + 1, true) until text:sub(close + 1, close + 1) ~= '"'
        value = text:sub(at + 1, close - 1):gsub('""', '"')
        at = close + 1
      else
        local stop = text:find("[,\n]", at) or #text + 1
        value = text:sub(at, stop - 1)
        at = stop
      end
      fields[#fields + 1] = value
      local separator = text:sub(at, at)
      at = at + 1
    until separator ~= ","
    records[#records + 1] = fields
  end
  return records
end

-- every figure of a statement's CSV equals the handle's own, bit for bit
-- (a ratio as its fraction), and a missing one is an empty field
local function check_figures(handle, csv, periods, what)
  local records = parse_csv(csv)
  check.eq(table.concat(records[1], ","), "item,level,label," .. table.concat(periods, ","),
           what .. ": header")
  local figures = 0
  for r = 2, #records do
    local f = records[r]
    for c, period in ipairs(periods) do
      local value = handle:get(f[1], period)
      local field = f[3 + c]
      if value == nil then
        check.eq(field, "", what .. ": " .. f[1] .. "@" .. period .. " missing")
      else
        check.eq(tonumber(field), value, what .. ": " .. f[1] .. "@" .. period)
        figures = figures + 1
      end
    end
  end
  assert(figures > 0, what .. ": some figures")
  return records
end

-- ---- m:extend ---------------------------------------------------------------
local m = assert(kessan.open("data/iij"))
local before = #m:periods()
local rev_3q02 = m:get("rev.total@3Q02")
check.eq(m:extend{ last_year = "FY2003" }, m, "extend returns the model")
check.eq(#m:periods(), before + 8, "a year is eight periods")
check.eq(m:setting("last_year"), "2003", "the setting follows")
check.eq(m:get("rev.total@3Q02"), rev_3q02, "figures kept")
check.eq(m:get("rev.total@1Q03"), nil, "a new quarter holds nothing")
m:extend{ last_year = 2003 }            -- the same year: nothing changes
m:extend{ last_year = "fy03" }          -- two digits, any case
check.eq(#m:periods(), before + 8, "the same year again changes nothing")
check.raises("extend: FY2002 is before the model's last year FY2003 (a calendar only grows)",
             m.extend, m, { last_year = "FY2002" })
check.raises("span", m.extend, m, { last_year = "FY2999" })
for _, bad in ipairs{ "", "FY", "2004x", "FY20044", "FY-4", "Q2004", "FY 04" } do
  check.raises("expected a fiscal year like FY2004", m.extend, m, { last_year = bad })
end
check.raises("field 'last_year': a fiscal year like 2004", m.extend, m, { last_year = 20.5 })
check.raises("field 'last_year': a fiscal year like 2004", m.extend, m, { last_year = {} })
check.raises("field 'last_year': a fiscal year like 2004", m.extend, m, {})
check.raises("unknown option 'last_yaer' (did you mean 'last_year'?)", m.extend, m,
             { last_yaer = "FY2004" })
check.eq(#m:periods(), before + 8, "refusals change nothing")

-- ---- s:show: a forecast as the release shows it ------------------------------------
local s = m:scenario("forecast")
check.raises("extend: the calendar can only grow", m.extend, m, { last_year = "FY2004" })
check.raises("extend: the calendar can only grow", s.extend, s, { last_year = "FY2004" })
for _, id in ipairs{ "rev.dedicated", "rev.dialup", "rev.vas", "rev.other", "rev.si",
                     "rev.equipment" } do
  s:set(id, "1Q03", m:get(id, "3Q02") * 1.05)
end
local text = s:show("is")
local title = text:match("^[^\n]*")
check.eq(title, "Internet Initiative Japan Inc.: is, scenario forecast (JPY thousands)",
         "the title names the scenario")
local header = text:match("\n([^\n]*)")
assert(header:find("^%s+1Q03%s"), "the forecast quarter comes first: " .. header)
assert(header:find("3Q02"), "the printed periods follow: " .. header)
check_figures(s, s:show("is", { periods = { "1Q03", "3Q02" }, format = "csv" }),
              { "1Q03", "3Q02" }, "s:show csv")
check_figures(s, s:show("kpi", { periods = "1Q03,3Q02", format = "csv" }),
              { "1Q03", "3Q02" }, "ratios as fractions")
-- the same options as the command, checked
check.raises("unknown option 'period' (did you mean 'periods'?)", s.show, s, "is",
             { period = { "3Q02" } })
check.raises("field 'format': 'text', 'md', 'csv' or 'json' expected, got 'xml'",
             s.show, s, "is", { format = "xml" })
check.raises("field 'lang': 'en' or 'ja' expected, got 'fr'", s.show, s, "is", { lang = "fr" })
check.raises("field 'with': entry 2: 'pct', 'yoy' or 'qoq' expected", s.show, s, "is",
             { with = { "pct", "eps" } })
check.raises("field 'with': pct, yoy and qoq expected, got 'pct,eps'", s.show, s, "is",
             { with = "pct,eps" })
check.raises("field 'periods': 1 to 64 periods expected, got 0", s.show, s, "is", { periods = {} })
check.raises("field 'with': pct, yoy and qoq expected, got 'pct,,yoy'", s.show, s, "is",
             { with = "pct,,yoy" })
check.raises("bad period '5Q03'", s.show, s, "is", { periods = { "5Q03" } })
check.raises("bad period ''", s.show, s, "is", { periods = "3Q02," })
check.raises("show: unknown statement 'pl'", s.show, s, "pl")
check.raises("show: currency 'EUR'", s.show, s, "is", { currency = "EUR" })
-- the options reach the layout: pct columns, Japanese labels, USD, md
local pct = s:show("is", { periods = { "1Q03" }, with = { "pct" }, format = "csv" })
check.eq(parse_csv(pct)[1][5], "1Q03 %", "with pct")
assert(s:show("is", { lang = "ja", periods = "1Q03" }):find("営業収益合計", 1, true), "lang ja")
assert(s:show("is", { currency = "USD", periods = "1Q03" }):find("USD thousands at 118.75 per USD",
       1, true), "currency USD")
assert(s:show("is", { format = "md", periods = "1Q03" }):find("| | 1Q03 |", 1, true), "md")
-- more columns than the model has periods: every one kept, none dropped
local many = {}
for i = 1, #m:periods() + 9 do many[i] = (i % 2 == 0) and "3Q02" or "1Q03" end
local wide = parse_csv(s:show("is", { periods = many, format = "csv" }))
check.eq(#wide[1], 3 + #many, "a column per period asked for, past the model's count")
check.eq(wide[1][#wide[1]], many[#many], "the last column kept")
-- items a script defined: with no statement on none, with no label by id
m:define("nowhere", "rev.total * 2")
m:define("unlabelled", "rev.total * 3", { statement = "is" })
local defined = s:show("is", { periods = { "3Q02" } })
assert(not defined:find("nowhere", 1, true), "an item on no statement")
assert(defined:find("\nunlabelled +[%d,]+\n"), "an item without a label: " .. defined)
check.raises("show: unknown statement 'nowhere'", s.show, s, "nowhere")
-- a model shows as itself
check.eq(m:show("is"):match("^[^\n]*"), "Internet Initiative Japan Inc.: is (JPY thousands)",
         "a model's title")
s:close()
m:close()

-- ---- kessan show --scenario: a saved scenario, from the command line ----------------------
local program = check.program()
if program then
  local saved = assert(kessan.open("tests/data/scenarios"))
  local low = saved:scenario("low")
  local code, out, err = check.run(program,
    "show tests/data/scenarios is --scenario low --periods 4Q02,3Q02 --format csv")
  check.eq(code, 0, "show --scenario: exit " .. err)
  check_figures(low, out, { "4Q02", "3Q02" }, "show --scenario low")
  code, out = check.run(program, "show tests/data/scenarios is --scenario low")
  check.eq(out:match("^[^\n]*"), "Tiny Corp. (scenarios): is, scenario low", "its title")
  assert(out:match("\n([^\n]*)"):find("^%s+4Q02%s"), "the quarter it forecasts first")
  code, out, err = check.run(program, "show tests/data/scenarios is --scenario lo")
  check.eq(code, 1, "an unknown scenario")
  check.eq(err, "kessan: tests/data/scenarios: no scenario 'lo' (did you mean 'low'?)\n",
           "names the nearest")
  code, out, err = check.run(program, "show tests/data/scenarios is --scenario base --format csv "
                                      .. "--periods 3Q02")
  check_figures(saved, out, { "3Q02" }, "base is the model")
  saved:close()
  -- kessan export: --format and --excel, and what goes together
  local function usage(arguments, message)
    local status, _, text = check.run(program, arguments)
    check.eq(status, 2, arguments .. ": bad usage")
    assert(text:find(message, 1, true), arguments .. ": " .. text)
  end
  usage("export tests/data/tiny --format xlsx", "--format xlsx needs --out FILE")
  usage("export tests/data/tiny --format json --excel", "--excel is for --format csv")
  usage("export tests/data/tiny --format yaml", "--format must be csv, xlsx or json, got 'yaml'")
  code, out = check.run(program, "export tests/data/tiny --excel")
  check.eq(code, 0, "export --excel: exit")
  check.eq(out:sub(1, 3), "\239\187\191", "export --excel: a byte order mark")
  check.eq(out:match("^\239\187\191([^\r\n]*)\r\n"), "item,period,value,label,label_ja",
           "export --excel: the header, CRLF")
  code, out = check.run(program, "export tests/data/tiny --format json")
  check.eq(code, 0, "export --format json: exit")
  assert(out:find('^{"model": "Tiny Corp%.", "scenario": "base", "cells": "inputs"'), out:sub(1, 80))
end

-- ---- m:export: excel and json ---------------------------------------------------------------
local tiny = assert(kessan.open("tests/data/tiny"))
local excel = check.tmpname(".csv")
assert(tiny:export(excel, { excel = true }))
local bytes = check.read(excel)
check.eq(bytes:sub(1, 3), "\239\187\191", "a UTF-8 byte order mark first")
assert(not bytes:gsub("\r\n", ""):find("[\r\n]"), "every line ends in CRLF")
local plain = check.tmpname(".csv")
assert(tiny:export(plain))
-- the same rows as plain CSV, with the item's labels after them (for the
-- person reading it in Excel; import skips them as columns of one's own)
local rows_excel = parse_csv((bytes:sub(4):gsub("\r\n", "\n")))
local rows_plain = parse_csv(check.read(plain))
check.eq(#rows_excel, #rows_plain, "as many rows as plain CSV")
check.eq(table.concat(rows_excel[1], ","), "item,period,value,label,label_ja", "Excel's header")
for r = 2, #rows_plain do
  check.eq(table.concat(rows_excel[r], ",", 1, 3), table.concat(rows_plain[r], ","),
           "row " .. r .. " as in plain CSV")
  local item = tiny:item(rows_plain[r][1])
  check.eq(rows_excel[r][4], item.label, "row " .. r .. ": the label")
  check.eq(rows_excel[r][5], item.label_ja or "", "row " .. r .. ": the Japanese label")
end
local back = assert(kessan.open("tests/data/tiny"))
back:import(excel)
for _, id in ipairs(tiny:items()) do
  for _, period in ipairs(tiny:periods()) do
    check.eq(back:get(id, period), tiny:get(id, period), "excel file imported: " .. id .. "@" .. period)
  end
end
back:close()
check.raises("field 'excel' is for format = \"csv\"", tiny.export, tiny,
             "no-extension", { excel = true, format = "json" })
check.raises("names a .csv file, but format is \"json\"", tiny.export, tiny,
             excel, { format = "json" })
check.raises("field 'format': 'csv', 'xlsx' or 'json' expected, got 'yaml'", tiny.export, tiny,
             excel, { format = "yaml" })
local json = check.tmpname(".json")
assert(tiny:export(json, { format = "json", cells = "all" }))
local doc = check.read(json)
assert(doc:find('^{"model": "Tiny Corp%.", "scenario": "base", "cells": "all",'), doc:sub(1, 80))
assert(doc:find('{"item": "op_margin", "period": "3Q02", "value": 0.25}', 1, true),
       "a ratio as its fraction")
assert(doc:find('{"item": "rev.a", "period": "4Q02", "value": null}', 1, true), "missing as null")
tiny:close()
check.cleanup()
print("test_show_forecast: ok")
