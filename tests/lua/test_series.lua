-- test_series.lua -- kessan.Series: reading and setting cells through a
-- series, __len, __pairs, __eq, __tostring, arithmetic with series and
-- numbers (period by period, missing and errors propagating), detached
-- results, and a series keeping its model alive.
package.path = "tests/lua/?.lua;" .. package.path
local check = require "check"
local kessan = require "kessan"

local m = assert(kessan.open("tests/data/tiny"))
local rev, cost = m["rev.total"], m["cost.total"]

-- reading and setting
check.eq(rev["3Q02"], m:get("rev.total", "3Q02"), "read by period id")
check.eq(rev[1], m:get("rev.total", "1Q01"), "read by position")
check.eq(rev[#rev + 1], nil, "position past the end")
check.eq(rev:id(), "rev.total", "id")
check.eq(m:series("rev.total")["3Q02"], rev["3Q02"], "m:series")
local a = m["rev.a"]
a["4Q02"] = 170
check.eq(m:get("rev.a", "4Q02"), 170, "a set through a series is an input")
a["4Q02"] = nil
check.eq(m:get("rev.a", "4Q02"), nil, "nil clears it")
check.raises("bad period '5Q02'", function() return rev["5Q02"] end)
check.raises("number, nil or kessan.missing expected",
             function() a["4Q02"] = {} end)
local value, why = m["op_margin"]:get("3Q02")
check.near(value, m:get("op_margin", "3Q02"), "s:get")
check.eq(why, nil, "no error")

-- __len and __pairs: period, value in time order
local periods = m:periods()
check.eq(#rev, #periods, "__len")
local i = 0
for period, v in pairs(rev) do
  i = i + 1
  check.eq(period, periods[i], "pairs in time order")
  check.eq(v, m:get("rev.total", period), "pairs value at " .. period)
end
check.eq(i, #periods, "pairs visits every period")
check.eq(rev:periods()[3], periods[3], "s:periods")
check.eq(rev:totable()["3Q02"], rev["3Q02"], "s:totable")

-- arithmetic, period by period
local gross = rev - cost
for _, p in ipairs(periods) do
  local r, c = m:get("rev.total", p), m:get("cost.total", p)
  if r and c then
    check.eq(gross[p], r - c, "rev - cost at " .. p)
  else
    check.eq(gross[p], nil, "missing propagates at " .. p)
  end
end
check.eq(gross:id(), nil, "a result is detached")
check.eq((rev * 2)["3Q02"], 2 * rev["3Q02"], "series * number")
check.eq((2 * rev)["3Q02"], 2 * rev["3Q02"], "number * series")
check.eq((100 - rev)["3Q02"], 100 - rev["3Q02"], "number - series")
check.eq((-rev)["3Q02"], -rev["3Q02"], "unary minus")
check.near((rev / cost)["3Q02"], rev["3Q02"] / cost["3Q02"], "series / series")
check.eq((rev + 1 - 1), rev:detach(), "detached equality")

-- errors: division by zero starts one naming the period; it propagates
local zero = rev * 0
local ratio = rev / zero
local v, err = ratio:get("3Q02")
check.eq(v, nil, "division by zero gives no number")
assert(err and err:find("division by zero", 1, true), "error described")
assert(err:find("3Q02", 1, true), "error names the period")
local later = ratio + 1
local _, err2 = later:get("3Q02")
check.eq(err2, err, "an error propagates with its description")
local _, _, err3 = (function() for p, x, e in pairs(later) do
  if p == "3Q02" then return p, x, e end end end)()
check.eq(err3, err, "pairs gives the error description")
m:define("bad", "rev.total / (rev.total - rev.total)")
local _, core_err = (m["bad"] + 1):get("3Q02")
assert(core_err and #core_err > 0, "an error from the model propagates")
assert(tostring(ratio):find("#ERROR", 1, true), "errors print as #ERROR")

-- detached results do not follow the model; setting them changes only them
local snapshot = rev * 1
m:set("rev.a", "3Q02", 1000)
check.eq(snapshot["3Q02"] ~= rev["3Q02"], true, "detached keeps its values")
snapshot["3Q02"] = 5
check.eq(snapshot["3Q02"], 5, "set in a detached series")
snapshot["3Q02"] = kessan.missing
check.eq(snapshot["3Q02"], nil, "missing in a detached series")

-- equality
check.eq(m["rev.a"] == m["rev.a"], true, "same item, same model")
check.eq(m["rev.a"] == m["rev.b"], false, "different items")
local other = assert(kessan.open("tests/data/tiny"))
check.eq(other["rev.b"] == m["rev.b"], true, "same values, other model")

-- misuse
check.raises("attempt to perform arithmetic", function() return rev + "x" end)
check.raises("attempt to perform arithmetic", function() return {} * rev end)
check.raises("period expected", function() return rev:get(1) end)
check.raises("kessan.Series expected", function() return rev.get(m, "3Q02") end)

-- tostring
local text = tostring(rev)
assert(text:find("kessan.Series 'rev.total' (base)", 1, true), text)
assert(text:find("3Q02", 1, true), "periods printed")

-- s[p] gives the value alone: an error cell reads nil (its text only from
-- s:get), attached or detached, so `s[p] or 0` never yields a message
do
  local errs = assert(kessan.open("tests/data/tiny"))
  errs:define("broken", "rev.total / 0")
  local attached = errs["broken"]
  local detached = errs["rev.a"] / 0
  for name, series in pairs{ attached = attached, detached = detached } do
    check.eq(series["3Q02"], nil, name .. " s[p] of an error cell is nil")
    local value, why = series:get("3Q02")
    check.eq(value, nil, name .. " s:get of an error cell")
    assert(type(why) == "string" and why:find("division by zero", 1, true),
           name .. " s:get says why: " .. tostring(why))
  end
  errs:close()
end

-- a series keeps its model alive; closing the model stops it cleanly
local kept = (function()
  local local_model = assert(kessan.open("tests/data/tiny"))
  return local_model["rev.a"]
end)()
collectgarbage()
collectgarbage()
check.eq(kept["1Q01"], other:get("rev.a", "1Q01"), "model kept alive")
m:close()
check.raises("attempt to use a closed model", function() return rev["3Q02"] end)
check.eq(gross["3Q02"] ~= nil, true, "detached series outlive close")
check.eq(tostring(rev), "kessan.Series (closed model)", "tostring when closed")

print("test_series: ok")
