-- test_number_printers.lua -- one way to print a number: every text table
-- and script helper formats figures through the core's display formatter
-- (ks_format_display, or the binding's lk_format_number/lk_format_figure
-- over it), and every CSV and JSON writer through the data formatter
-- (ks_format_data), with the one line-ending rule (KS_CSV_LINE_END, CRLF
-- only for Excel); the scripts in scripts/ and examples/ print figures
-- through kessan.format, the same display formatter.  Reads the printers'
-- sources as text: none formats a figure with a printf or string.format
-- conversion of its own, groups digits itself or writes "\r\n"; each
-- calls the formatter it should.  What they print is
-- tested in test_number_format.c, test_text_output.lua and
-- test_host_commands.lua.  Runs from the project root.
package.path = "tests/lua/?.lua;" .. package.path
local check = require "check"

local function read(path)
  local file = assert(io.open(path, "rb"))
  local text = file:read("a")
  file:close()
  -- comments are no code
  if path:match("%.lua$") then
    return (text:gsub("%-%-%[%[.-%]%]", ""):gsub("%-%-[^\n]*", ""))
  end
  return (text:gsub("/%*.-%*/", ""):gsub("//[^\n]*", ""))
end

-- printer -> the formatter it must call
local printers = {
  ["core/report/layout.c"] = { "ks_format_display", "ks_format_data" },
  ["core/io/csv_export.c"] = { "ks_format_data" },
  ["core/io/json_export.c"] = { "ks_text_json_number" },
  ["core/io/text_json.c"] = { "ks_format_data" },
  ["core/whatif/datatable.c"] = { "ks_format_data", "ks_format_display" },
  ["lua/host/host_check.c"] = { "ks_format_data" },
  ["lua/binding/lcompare.c"] = { "lk_format_figure" },
  ["lua/binding/lwhatif.c"] = { "ks_format_display" },
  ["lua/binding/lmodel.c"] = { "lk_format_figure" },
  ["lua/binding/ltext.c"] = { "ks_format_display" },
  ["lua/binding/lseries.c"] = { "lk_format_number" },
  ["lua/binding/lexplain.c"] = { "lk_format_number" },
  -- charts: tick and value labels for people (the SVG's coordinates and
  -- data-value attributes are data, written by svg.c)
  ["core/chart/chart_frame.c"] = { "ks_format_display" },
  -- the report page: figures shown, and data-value for tools
  ["lua/host/host_report_statements.c"] = { "ks_format_display",
                                            "ks_format_data" },
  ["lua/host/host_report_scenarios.c"] = { "ks_format_display",
                                           "ks_format_data" },
  -- kessan score: its table (Lua inside the C file) and its CSV
  ["lua/host/host_score.c"] = { "kessan.format", "ks_format_data" },
  -- the analysts' scripts print figures through kessan.format
  ["scripts/breakeven_4q02.lua"] = { "kessan.format" },
  ["scripts/sensitivity_4q02.lua"] = { "kessan.format" },
  ["scripts/guidance_4q02.lua"] = { "kessan.format" },
  ["examples/quickstart.lua"] = { "kessan.format" },
}

-- a printf conversion of a floating figure: %g, %.6g, %.17g, %.2f, %.*f, %e
local own_conversion = "%%[-+ #0]*%d*%.?[%d*]*[gfeGFE]"

local checked = 0
for path, formatters in pairs(printers) do
  local text = read(path)
  for _, formatter in ipairs(formatters) do
    assert(text:find(formatter .. "(", 1, true),
           path .. " does not call " .. formatter)
  end
  for line in text:gmatch("[^\n]+") do
    -- C's printf family, and Lua's string.format and ("..."):format (in
    -- a script, or in Lua a C file runs)
    if line:find("printf") or line:find("pushfstring")
       or line:find("format", 1, true) then
      -- error messages may quote a figure; a figure in a table or a file
      -- may not (the formatters own that)
      local is_message = line:find("error") or line:find("ks_error_set")
      if not is_message then
        check.eq(line:match(own_conversion), nil,
                 path .. ": a figure printed its own way: " .. line)
      end
    end
    check.eq(line:find("ks_group_digits", 1, true), nil,
             path .. ": digits grouped outside the formatter: " .. line)
    check.eq(line:find('"\\r\\n"', 1, true), nil,
             path .. ": a line end of its own (KS_CSV_LINE_END): " .. line)
  end
  checked = checked + 1
end
check.eq(checked, 20, "every printer read")
print("test_number_printers: ok")
