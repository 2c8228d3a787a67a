-- scenario names with quotes, commas, CR, a BOM, tabs and a leading '='
-- (a spreadsheet formula), 5,000 bytes long, round-trip through export and
-- open, or are refused when made or saved: an export that does not open
-- again is a broken promise; the base never changes
-- expect: ok
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local names = {'a,b', 'say "hi"', '"', '""', 'x\r', '\239\187\191bom', 'tab\there', '=1+2', ' lead', 'base ', ('n'):rep(5000)}
local kept = {}
for i, name in ipairs(names) do
  local ok, s = pcall(m.scenario, m, name)
  if ok and s then
    s:set("rev.a@3Q02", i)
    if pcall(s.save, s) then kept[name] = i end
  end
end
assert(m:export("tiny/values.csv", {scenario = true}))
local back, why = kessan.open("tiny")
assert(back, "the export does not open again: " .. tostring(why))
assert(back:get("rev.a@3Q02") == 160, "base changed")
local saved = {}
for _, n in ipairs(back:scenarios()) do saved[n] = true end
for name, i in pairs(kept) do
  assert(saved[name], "scenario " .. string.format("%q", name) .. " did not come back")
  assert(back:scenario(name):get("rev.a@3Q02") == i, "scenario " .. string.format("%q", name) .. " value")
end
