-- test_missing_reason.lua -- m:get, s:get and a series' get of a missing
-- cell give nil and why, naming the first missing inputs on its path; an
-- error cell still gives its description; a number gives one value; goal
-- seek and tornado say why their target or output is missing.
package.path = "tests/lua/?.lua;" .. package.path
local check = require "check"
local kessan = require "kessan"

-- tests/data/tiny (rev.total = rev.a + rev.b) with rev.b's 4Q02 set:
-- rev.a has no 4Q02 figure
local m = assert(kessan.open("tests/data/tiny"))
m:set("rev.b@4Q02", 90)
check.eq(select("#", m:get("rev.total@3Q02")), 1, "a number is one value")
local value, why = m:get("rev.total", "4Q02")
check.eq(value, nil, "missing")
check.eq(why, "missing: rev.a@4Q02 has no value", "why, by (item, period)")
check.eq(select(2, m:get("rev.total@FY02")),
         "missing: rev.a@4Q02 has no value", "why a year is missing")
check.eq(select(2, m["rev.total"]:get("4Q02")),
         "missing: rev.a@4Q02 has no value", "a series says it too")

m:set("rev.b@3Q02", kessan.missing)
check.eq(select(2, m:get("rev.total@3Q02")),
         "missing: rev.b@3Q02 was set missing", "an input set missing")
m:set("rev.b@3Q02", nil)

m:define("bad", "rev.total / 0")
check.eq(select(2, m:get("bad@3Q02")), "division by zero in bad@3Q02",
         "an error keeps its description")

-- data/iij: a scenario carrying 3Q02's inputs into 4Q02 but equipment
local iij = assert(kessan.open("data/iij"))
local s = iij:scenario("flat")
for _, id in ipairs(iij:items()) do
  if iij:item(id).formula == nil and id ~= "rev.equipment" then
    s:set(id, "4Q02", iij:get(id, "3Q02"))
  end
end
value, why = s:get("op_income", "4Q02")
check.eq(value, nil, "op income nil")
check.eq(why, "missing: rev.equipment@4Q02 has no value",
         "op income names equipment sales")
check.eq(select(2, s["op_income"]:get("4Q02")),
         "missing: rev.equipment@4Q02 has no value", "s:get on a scenario")
check.eq(select(2, iij:get("op_income@4Q02")),
         "missing: rev.dedicated@4Q02 has no value, " ..
         "rev.dialup@4Q02 has no value, rev.vas@4Q02 has no value " ..
         "and 9 more", "three named, the rest counted")

-- goal seek and tornado say why their target or output is missing
local t = assert(kessan.open("tests/data/tiny"))
local ok, message = pcall(t.goalseek, t, {target = "rev.total@4Q02",
                                          value = 500, vary = "rev.b@4Q02"})
check.eq(ok, false, "goal seek on a missing target fails")
check.eq(message, "rev.total@4Q02 is missing: rev.a@4Q02 has no value " ..
                  "(when rev.b@4Q02 is 0)", "goal seek says why")
check.raises("tornado: output op_income@4Q02 is missing: " ..
             "rev.equipment@4Q02 has no value", function()
  return s:tornado{out = "op_income@4Q02", inputs = {"rev.si@4Q02"}}
end)
print("test_missing_reason: ok")
