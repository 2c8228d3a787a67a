-- a scenario whose name carries a newline and a forged row, saved and
-- exported into the model's values file, then reopened: the forged row
-- must not become a base value (the name is refused, or quoted and read
-- back whole)
-- expect: ok
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local name = "x\nrev.a,3Q02,999999,\nrev.b,3Q02,1"
local ok, s = pcall(m.scenario, m, name)
if ok and s then
  s:set("rev.a@3Q02", 1)
  pcall(s.save, s)
  assert(m:export("tiny/values.csv", {scenario = true}))
  local back = assert(kessan.open("tiny"))
  assert(back:get("rev.a@3Q02") == 160, "a scenario's name forged a base value: " .. tostring(back:get("rev.a@3Q02")))
  assert(back:get("rev.b@3Q02") == 80, "a scenario's name forged rev.b")
  for _, n in ipairs(back:scenarios()) do
    assert(n == name or not n:find("rev%.a"), "scenario name split: " .. n)
  end
end
