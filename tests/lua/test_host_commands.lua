-- test_host_commands.lua -- check, show, export and help as a confused user
-- meets them (docs/cli.md, docs/check.md, docs/show.md): every option
-- misspelled, abbreviated, given a value it does not take or missing its
-- own; bad choices, stray operands, `--` ending the options; check's
-- three formats against the same results from m:check(), with notes,
-- engine-less cells, percentages and a statement that needs CSV quoting;
-- show's figures against the engine's, in every format, and its bad
-- periods and currencies.  Exit statuses: 0, 1 (a model error, a break),
-- 2 (bad usage).
-- Usage: kessan run tests/lua/test_host_commands.lua [PATH-TO-KESSAN]
package.path = "tests/lua/?.lua;" .. package.path
local check = require "check"
local kessan = require "kessan"

local KESSAN = check.program()
local quote = check.quote

-- kessan ARGUMENTS (shell words) -> exit status, stdout, stderr
local function run(arguments) return check.run(KESSAN, arguments) end

local function contains(text, piece, what)
  if not text:find(piece, 1, true) then
    error(string.format("%s: expected '%s' in:\n%s", what, piece, text), 2)
  end
end

-- bad usage: exit 2, "kessan: COMMAND: MESSAGE", the usage, the hint
local function usage_error(arguments, command, message)
  local status, out, err = run(arguments)
  check.eq(status, 2, arguments .. ": exit status")
  check.eq(out, "", arguments .. ": nothing on standard output")
  contains(err, "kessan: " .. command .. ": " .. message .. "\n", arguments)
  contains(err, "\nusage: kessan " .. command .. " ", arguments)
  contains(err, "(try 'kessan " .. command .. " --help')", arguments)
end

-- RFC 4180 records (LF line ends, quoted fields) -> list of field lists
local function parse_csv(text)
  local records, fields, at = {}, {}, 1
  while at <= #text do
    local value
    if text:sub(at, at) == '"' then
      local parts = {}
      at = at + 1
      while true do
        local close = assert(text:find('"', at, true), "unclosed quote")
        parts[#parts + 1] = text:sub(at, close - 1)
        if text:sub(close + 1, close + 1) == '"' then
          parts[#parts + 1] = '"'
          at = close + 2
        else
          at = close + 1
          break
        end
      end
      value = table.concat(parts)
    else
      local stop = text:find("[,\r\n]", at) or #text + 1
      value = text:sub(at, stop - 1)
      at = stop
    end
    fields[#fields + 1] = value
    local separator = text:sub(at, at)
    if separator == "," then
      at = at + 1
    else
      assert(text:sub(at, at) == "\n", "CSV lines end in LF (text.h's rule)")
      records[#records + 1] = fields
      fields = {}
      at = at + 1
    end
  end
  return records
end

local function lines(text)
  local list = {}
  for line in text:gmatch("([^\n]*)\n") do list[#list + 1] = line end
  return list
end

local TINY, IIJ, ACME = "tests/data/tiny", "data/iij", "examples/acme"

-- ---- help --------------------------------------------------------------
local status, out, err = run("help")
check.eq(status, 0, "help: exit")
for _, command in ipairs{"run", "repl", "export", "check", "show"} do
  assert(out:find("\n  " .. command .. " ", 1, true), "help lists " .. command)
end
check.eq(select(2, run("-h")), out, "-h is --help")
for _, command in ipairs{"check", "show", "export", "repl", "run"} do
  local usage_line = "usage: kessan " .. command .. " "
  local _, help_text = run("help " .. command)
  check.eq(help_text:sub(1, #usage_line), usage_line, "help " .. command)
  check.eq(select(2, run(command .. " --help")), help_text,
           command .. " --help is help " .. command)
  check.eq(select(2, run(command .. " -h")), help_text,
           command .. " -h is help " .. command)
end
-- --help wins wherever it comes among a command's arguments
status, out = run("check " .. IIJ .. " --format md --help")
check.eq(status, 0, "check ... --help: exit")
contains(out, "usage: kessan check MODEL", "check ... --help")
contains(out, "--only breaks", "check --help lists its options")
status, out = run("show --help")
for _, option in ipairs{"--periods", "--with", "--currency", "--lang",
                        "--format"} do
  contains(out, option, "show --help lists " .. option)
end

-- ---- options: the same rules for every command --------------------------
usage_error("check " .. IIJ .. " --fromat csv", "check",
            "unknown option '--fromat' (did you mean '--format'?)")
usage_error("check " .. IIJ .. " --form csv", "check",
            "unknown option '--form' (did you mean '--format'?)")
usage_error("export " .. TINY .. " --scenarios low", "export",
            "unknown option '--scenarios' (did you mean '--scenario'?)")
usage_error("export " .. TINY .. " --zzzzzzzzzzzz", "export",
            "unknown option '--zzzzzzzzzzzz'")
usage_error("show " .. TINY .. " is --zzzzzzzz=1", "show",
            "unknown option '--zzzzzzzz'")
usage_error("check " .. IIJ .. " -x", "check", "unknown option '-x'")
usage_error("export " .. TINY .. " --inputs-only=yes", "export",
            "option '--inputs-only' takes no value")
usage_error("check " .. IIJ .. " --help=please", "check",
            "option '--help' takes no value")
usage_error("check " .. IIJ .. " --format", "check",
            "option '--format' needs a value")
usage_error("export " .. TINY .. " --out", "export",
            "option '--out' needs a value")
usage_error("check " .. IIJ .. " --format xml", "check",
            "--format must be text, md, csv or json, got 'xml'")
usage_error("check " .. IIJ .. " --format=", "check",
            "--format must be text, md, csv or json, got ''")
usage_error("check " .. IIJ .. " --only all", "check",
            "--only must be breaks, got 'all'")
usage_error("show " .. TINY .. " is --format html", "show",
            "--format must be text, md, csv or json, got 'html'")
usage_error("show " .. TINY .. " is --lang fr", "show",
            "--lang must be en or ja, got 'fr'")
usage_error("show " .. TINY .. " is --with pct,abc", "show",
            "--with takes pct, yoy and qoq, got 'pct,abc'")
usage_error("check", "check", "no model given")
usage_error("check " .. TINY .. " " .. IIJ, "check", "more than one model given")
usage_error("export " .. TINY .. " " .. IIJ, "export", "more than one model given")
usage_error("export --inputs-only", "export", "no model given")
usage_error("show", "show", "no model given")
usage_error("show " .. TINY, "show", "no statement given (is, bs, cf, kpi, ...)")
usage_error("show " .. TINY .. " is bs", "show", "unexpected argument 'bs'")
usage_error("repl " .. TINY .. " " .. IIJ, "repl", "more than one model given")
usage_error("repl --allow . " .. TINY, "repl", "--allow only applies with --sandbox")
usage_error("repl --max-memory 0.5", "repl",
            "option '--max-memory' expects megabytes from 1 to 1e9, not '0.5'")
usage_error("repl --max-memory lots", "repl",
            "option '--max-memory' expects megabytes from 1 to 1e9, not 'lots'")
usage_error("run --timeout 0 x.lua", "run",
            "option '--timeout' expects seconds from 0.001 to 1e9, not '0'")
usage_error("run --timeout 1e10 x.lua", "run",
            "option '--timeout' expects seconds from 0.001 to 1e9, not '1e10'")
usage_error("run --timeout nan x.lua", "run",
            "option '--timeout' expects seconds from 0.001 to 1e9, not 'nan'")
usage_error("run --timeout 5s x.lua", "run",
            "option '--timeout' expects seconds from 0.001 to 1e9, not '5s'")
usage_error("run --sandbox --allow /etc/passwd x.lua", "run",
            "--allow '/etc/passwd': not a directory")
do
  local many = {}
  for i = 1, 100 do many[i] = "--allow ." end
  local _, _, many_err = run("run --sandbox " .. table.concat(many, " ")
                             .. " x.lua")
  assert(many_err:find("kessan: run: at most %d+ %-%-allow options"), many_err)
end

-- --name=value is --name value; options come before, between or after
-- the operands; `--` ends them
local _, breaks_csv = run("check " .. IIJ .. " --format csv --only breaks")
check.eq(select(2, run("check --only=breaks --format=csv " .. IIJ)), breaks_csv,
         "--name=value, before the model")
check.eq(select(2, run("check --only breaks " .. IIJ .. " --format csv")),
         breaks_csv, "options around the model")
status, out, err = run("check -- --format")
check.eq(status, 1, "after --, --format is the model")
contains(err, "kessan: --format: not a model directory (no items.csv)", "--")

-- ---- check ---------------------------------------------------------------
-- a model of its own: a total that breaks by one (a note explains it), a
-- total the engine cannot compute, a percentage that breaks, an identity
-- (which breaks the explained total's cell too: one break, reported once),
-- and a statement whose name needs quoting in CSV
local MODEL = check.tmpname(".model")
assert(os.execute("mkdir " .. quote(MODEL)))
check.write(MODEL .. "/items.csv", [[
id,label,label_ja,unit,statement,parent,rule,formula
a,A,,JPY thousands,"in""come",t,sum,
b,B,,JPY thousands,"in""come",t,sum,
t,Total,,JPY thousands,"in""come",,sum,a + b
]])
check.write(MODEL .. "/settings.csv", [[
key,value
name,Quote Corp.
fiscal_year_end_month,3
first_year,2001
last_year,2002
"pct_base.in""come",t
check.identity.total,t == a + b
]])
check.write(MODEL .. "/values.csv", [[
item,period,value
a,1Q01,100
b,1Q01,50
t,1Q01,151
a,2Q01,100
t,2Q01,100
a,3Q01,100
b,3Q01,100
t,3Q01,200
]])
check.write(MODEL .. "/printed.csv", [[
item,period,measure,value
a,3Q01,pct,40.0%
a,1Q01,pct,66.7%
]])
check.write(MODEL .. "/notes.csv", [[
id,item,period,text
n9,t,1Q01,"Rounded, ""as printed"""
]])

local model = assert(kessan.open(MODEL))
local results = model:check()
check.eq(#results, 6, "m:check(): every check, a cell's break once")
check.eq(results.passed, 3, "m:check(): passed")
check.eq(results.adjusted, 0, "m:check(): adjusted")
check.eq(results.breaks, 2, "m:check(): breaks")
check.eq(results.explained, 1, "m:check(): explained")
local by_cell = {}
for _, r in ipairs(results) do
  by_cell[r.kind .. " " .. r.item .. "@" .. r.period .. " " .. r.measure] = r
  check.eq(r.statement, 'in"come', "m:check(): statement")
end
local explained = by_cell["total t@1Q01 value"]
check.eq(explained.status, "EXPLAINED", "a note explains t@1Q01")
check.eq(explained.note, "n9", "the note's id")
check.eq(explained.note_text, 'Rounded, "as printed"', "the note's text")
check.eq(explained.printed, 151, "printed")
check.eq(explained.engine, model:get("t@1Q01"), "engine = m:get")
check.eq(explained.difference, 1, "printed - engine")
local engineless = by_cell["total t@2Q01 value"]
check.eq(engineless.status, "BREAK", "no engine value: a break")
check.eq(model:get("t@2Q01"), nil, "the engine has no t@2Q01")
check.eq(engineless.engine, nil, "no engine value")
check.eq(engineless.difference, nil, "no difference")
check.eq(engineless.message, "printed 100, but the engine has no value for t@2Q01",
         "engine-less message")
local percent = by_cell["measure a@3Q01 pct"]
check.eq(percent.status, "BREAK", "40.0% against 50%")
check.near(percent.engine, 100 * model:get("a@3Q01") / model:get("t@3Q01"),
           "percentages in percent", 1e-12)
check.eq(percent.printed_text, "40.0%", "printed text")
check.eq(by_cell["identity t@1Q01 value"], nil,
         "the identity's break of t@1Q01 is not reported again")
check.eq(explained.message, "printed 151, engine 150 (= a + b): does not tie; "
  .. "identity total breaks too", "the total's check names the identity")
local identity = by_cell["identity t@3Q01 value"]
check.eq(identity.identity, "total", "the identity's name")
check.eq(identity.status, "PASS", "the identity holds")
model:close()
check.raises("attempt to use a closed model", model.check, model)
do
  local blank = kessan.new{first_year = 2001}
  check.raises("bad argument #1 to 'check' (kessan.Model expected, got number)",
               function() return blank.check(1) end)
  check.eq(#blank:check(), 0, "a model with nothing printed: no checks")
  check.eq(blank:check().passed, 0, "a model with nothing printed: none passed")
end

-- the same results, as text: grouped under the statement, a summary
status, out, err = run("check " .. quote(MODEL))
check.eq(status, 1, "unexplained breaks: exit 1")
check.eq(err, "", "text: nothing on standard error")
local text_lines = lines(out)
check.eq(text_lines[1], 'in"come', "the statement heads its group")
check.eq(#text_lines, 1 + #results + 2, "a line per check, a gap, a summary")
check.eq(text_lines[#text_lines], "6 checks: 3 passed, 0 footing adjustments, "
  .. "1 breaks explained by notes, 2 breaks not explained", "summary")
for i, r in ipairs(results) do
  local line = text_lines[i + 1]
  contains(line, r.item .. "@" .. r.period, "text line " .. i)
  contains(line, r.message, "text line " .. i)
  assert(line:find("^  " .. r.status:gsub("ADJUSTED", "ADJ")), line)
end
contains(out, "-10.000 pt", "a percentage's difference in points")
contains(out, " n.a ", "an engine-less difference")
contains(out, '[note n9: Rounded, "as printed"]', "the note in the text")

-- as CSV: a record per check that says what m:check() says
status, out, err = run("check " .. quote(MODEL) .. " --format csv")
check.eq(status, 1, "csv: exit 1")
check.eq(err, "6 checks: 3 passed, 0 footing adjustments, 1 breaks explained "
  .. "by notes, 2 breaks not explained\n", "csv: the summary on standard error")
local records = parse_csv(out)
check.eq(table.concat(records[1], ","), "statement,status,kind,item,period,"
  .. "measure,identity,printed,expected,difference,decimals,note,message",
  "csv header")
check.eq(#records, #results + 1, "a record per check")
for i, r in ipairs(results) do
  local f = records[i + 1]
  local what = "csv record " .. i
  check.eq(#f, 13, what .. ": fields")
  check.eq(f[1], r.statement, what .. ": statement (quoted)")
  check.eq(f[2], r.status, what .. ": status")
  check.eq(f[3], r.kind, what .. ": kind")
  check.eq(f[4], r.item, what .. ": item")
  check.eq(f[5], r.period, what .. ": period")
  check.eq(f[6], r.measure, what .. ": measure")
  check.eq(f[7], r.identity or "", what .. ": identity")
  check.eq(tonumber(f[8]), r.printed, what .. ": printed")
  check.eq(tonumber(f[9]), r.engine, what .. ": expected, at full precision")
  check.eq(tonumber(f[10]), r.difference, what .. ": difference")
  check.eq(f[12], r.note or "", what .. ": note")
  check.eq(f[13], r.message, what .. ": message")
end

-- as Markdown: a row per check, the note's id in its column
status, out, err = run("check --format md " .. quote(MODEL))
check.eq(status, 1, "md: exit 1")
contains(err, "6 checks: 3 passed", "md: the summary on standard error")
local md_lines = lines(out)
check.eq(md_lines[1], "| statement | status | kind | cell | measure | "
  .. "difference | message | note |", "md header")
check.eq(#md_lines, #results + 2, "md: a row per check")
check.eq(md_lines[3 + 2], '| in"come | EXPLAINED | total | t@1Q01 | value | '
  .. "+1.00 | printed 151, engine 150 (= a + b): does not tie; identity total "
  .. "breaks too | n9 |",
  "md: the explained row")

-- --only breaks: only BREAK and EXPLAINED lines, in every format
status, out = run("check " .. quote(MODEL) .. " --only breaks --format csv")
check.eq(#parse_csv(out) - 1, results.breaks + results.explained,
         "--only breaks lists breaks, explained or not")
status, out = run("check " .. quote(MODEL) .. " --only breaks --format md")
check.eq(#lines(out) - 2, results.breaks + results.explained, "md --only breaks")
status, out = run("check " .. quote(MODEL) .. " --only breaks")
assert(not out:find("PASS", 1, true), "--only breaks: no PASS line")

-- IIJ: the release's one break, Adjusted EBITDA in three quarters, each
-- reported once and explained by the model's note (docs/check.md), as
-- m:check() counts them
local iij = assert(kessan.open(IIJ))
local iij_results = iij:check()
status, out = run("check " .. IIJ)
check.eq(status, 0, "IIJ's breaks are explained: exit 0")
local summary = string.format("%d checks: %d passed, %d footing adjustments, "
  .. "%d breaks explained by notes, %d breaks not explained", #iij_results,
  iij_results.passed, iij_results.adjusted, iij_results.explained,
  iij_results.breaks)
check.eq(summary, "535 checks: 498 passed, 34 footing adjustments, "
  .. "3 breaks explained by notes, 0 breaks not explained", "IIJ summary")
contains(out, "\n\n" .. summary .. "\n", "IIJ text summary")
local _, adjusted_lines = out:gsub("\n  ADJ ", "")
check.eq(adjusted_lines, iij_results.adjusted, "IIJ: an ADJ line per adjustment")
status, out = run("check " .. IIJ .. " --format csv")
check.eq(#parse_csv(out) - 1, #iij_results, "IIJ csv: every check")
iij:close()

-- Acme: a break a note explains is no failure
status, out = run("check " .. ACME .. " --only breaks")
check.eq(status, 0, "explained breaks only: exit 0")
contains(out, "EXPLAINED total           opex.total@3Q24", "Acme's explained break")
contains(out, "[note n1: Note 1: Total operating expenses", "Acme's note")

-- a model with nothing to check passes; one that does not open fails
status, out = run("check " .. TINY)
check.eq(status, 0, "nothing to check: exit 0")
check.eq(out, "\n0 checks: 0 passed, 0 footing adjustments, 0 breaks "
  .. "explained by notes, 0 breaks not explained\n", "an empty audit")
status, out, err = run("check /no/such/model --format csv")
check.eq(status, 1, "check of a missing model")
check.eq(out, "", "no header for a model that does not open")
check.eq(err, "kessan: /no/such/model: not a model directory (no items.csv)\n",
         "check: the model's error")
status, _, err = run("check tests/data/bad/bad_number")
check.eq(status, 1, "check of a broken model")
assert(err:find("^kessan: tests/data/bad/bad_number/[%w_.]+%.csv:%d+:%d+: "), err)

-- ---- show ------------------------------------------------------------------
local tiny = assert(kessan.open(TINY))
-- CSV: figures as plain numbers, equal to the engine's
status, out, err = run("show " .. TINY .. " is --periods 3Q02,1Q01,FY01 --format csv")
check.eq(status, 0, "show csv: exit " .. err)
records = parse_csv(out)
check.eq(table.concat(records[1], ","), "item,level,label,3Q02,1Q01,FY01",
         "show csv header: the periods in the order given")
local shown_items = 0
for i = 2, #records do
  local f = records[i]
  local item = tiny:item(f[1])
  check.eq(f[3], item.label, "show csv: label of " .. f[1])
  check.eq(f[2], item.parent and "1" or "0", "show csv: level of " .. f[1])
  for column, period in ipairs{"3Q02", "1Q01", "FY01"} do
    check.eq(tonumber(f[3 + column]), tiny:get(f[1], period),
             "show csv: " .. f[1] .. "@" .. period)
  end
  shown_items = shown_items + 1
end
check.eq(shown_items, 5, "show csv: the is statement's five items")

-- text: a title, the periods, grouped figures, in the order asked for
status, out = run("show " .. TINY .. " is --periods 3Q02,3Q01")
check.eq(status, 0, "show text: exit")
local show_lines = lines(out)
check.eq(show_lines[1], "Tiny Corp.: is", "show: the title")
assert(show_lines[2]:find("^%s+3Q02%s+3Q01$"), "show: the header: " .. show_lines[2])
assert(out:find("\nTotal revenues +240 +180\n"), "show: total revenues: " .. out)
assert(out:find("\n  Product revenues +160 +120\n"), "show: children indented: " .. out)

-- --with yoy,qoq in Markdown: the growth the engine's figures give
status, out = run("show " .. TINY .. " is --with yoy,qoq --periods 3Q02 --format md")
check.eq(status, 0, "show md: exit")
local yoy = 100 * (tiny:get("rev.total@3Q02") / tiny:get("rev.total@3Q01") - 1)
local qoq = 100 * (tiny:get("rev.total@3Q02") / tiny:get("rev.total@2Q02") - 1)
contains(out, "| | 3Q02 | YoY % | QoQ % |\n|---|---:|---:|---:|\n", "show md header")
contains(out, string.format("| Total revenues | 240 | %.1f | %.1f |\n", yoy, qoq),
         "show md: growth")
contains(out, "| &nbsp;&nbsp;Product revenues | 160 |", "show md: indentation")

-- --lang ja: Japanese labels where there are some
status, out = run("show " .. TINY .. " is --lang ja --periods 3Q02")
check.eq(status, 0, "show ja: exit")
contains(out, "売上高合計", "show ja: a Japanese label")
assert(not out:find("Total revenues", 1, true), "show ja: no English label")

-- --currency USD: at the model's rate
status, out = run("show " .. IIJ .. " is --periods 3Q02 --currency USD --format csv")
check.eq(status, 0, "show USD: exit")
do
  local iij_model = assert(kessan.open(IIJ))
  local rate = tonumber(iij_model:setting("rate.USD"))
  local usd = iij_model:get("rev.total@3Q02") / rate
  local row
  for _, f in ipairs(parse_csv(out)) do
    if f[1] == "rev.total" then row = f end
  end
  assert(row, "show USD: a rev.total row")
  check.near(tonumber(row[4]), usd, "show USD: revenues in dollars", 0.5)
  iij_model:close()
end

-- errors: a model error is exit 1 with the reason
local function show_fails(arguments, message)
  local show_status, show_out, show_err = run("show " .. arguments)
  check.eq(show_status, 1, "show " .. arguments .. ": exit")
  check.eq(show_out, "", "show " .. arguments .. ": no output")
  check.eq(show_err, "kessan: " .. message .. "\n", "show " .. arguments)
end
show_fails(TINY .. " is --currency USD",
           "show: USD needs a positive setting rate.USD (JPY per USD)")
show_fails(IIJ .. " is --currency EUR",
           "show: currency 'EUR': only the model's (JPY) or USD")
show_fails(TINY .. " nosuch",
           "show: unknown statement 'nosuch' (the model has is, kpi, bs)")
show_fails(TINY .. " is --periods 5Q02",
           "show: --periods: bad period '5Q02' (expected an id like 3Q02, "
           .. "1H02, 9M02 or FY02)")
show_fails(TINY .. " is --periods 3Q02,,1Q02",
           "show: --periods: expected ids like 3Q02,3Q01, got '3Q02,,1Q02'")
show_fails(TINY .. " is --periods ,",
           "show: --periods: expected ids like 3Q02,3Q01, got ','")
-- an empty list, or a comma with nothing after it, is no list of columns
show_fails(TINY .. " is --periods=",
           "show: --periods: expected ids like 3Q02,3Q01, got nothing")
show_fails(TINY .. " is --periods 3Q02,",
           "show: --periods: expected ids like 3Q02,3Q01, got '3Q02,'")
local long_id = ("9"):rep(40) .. "Q02"
show_fails(TINY .. " is --periods " .. long_id,
           "show: --periods: expected ids like 3Q02,3Q01, got '" .. long_id .. "'")
do
  -- every period of the model, in the order given
  local periods = tiny:periods()
  status, out = run("show " .. TINY .. " is --format csv --periods "
                    .. table.concat(periods, ","))
  check.eq(status, 0, "every period: exit")
  check.eq(table.concat(parse_csv(out)[1], ","), "item,level,label,"
           .. table.concat(periods, ","), "every period, in order")
  -- more than 64 columns are refused
  local columns = {}
  for i = 1, 65 do columns[i] = "3Q02" end
  local list = table.concat(columns, ",")
  show_fails(TINY .. " is --periods " .. list,
             "show: --periods: at most 64 periods")
end
show_fails("/no/such/model is",
           "/no/such/model: not a model directory (no items.csv)")

-- ---- export ----------------------------------------------------------------
-- a scenario the model never saved names the nearest one
status, out, err = run("export tests/data/scenarios --scenario lo")
check.eq(status, 1, "export of an unsaved scenario")
check.eq(err, "kessan: tests/data/scenarios: no scenario 'lo' (did you mean "
  .. "'low'?)\n", "export --scenario: the nearest")
-- --scenario base: the model itself, with a scenario column
status, out = run("export " .. TINY .. " --scenario base --inputs-only")
check.eq(status, 0, "export --scenario base: exit")
records = {}
for line in out:gmatch("[^\n]+") do records[#records + 1] = line end
check.eq(records[1], "item,period,value,scenario", "export --scenario base header")
for i = 2, #records do
  local item, period, value, scenario = records[i]:match("^([^,]+),([^,]+),([^,]*),([^,]*)$")
  check.eq(scenario, "base", "every row's scenario")
  check.eq(tonumber(value), tiny:get(item, period), "exported " .. item .. "@" .. period)
end
-- --out to a directory is refused; nothing on standard output
status, out, err = run("export " .. TINY .. " --out tests")
check.eq(status, 1, "export --out a directory")
check.eq(out, "", "export --out: nothing on standard output")
assert(err:find("^kessan: tests"), err)
tiny:close()

check.cleanup()
os.execute("rm -rf " .. quote(MODEL))
print("test_host_commands: ok")
