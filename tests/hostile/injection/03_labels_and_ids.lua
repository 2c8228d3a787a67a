-- item ids and labels with CSV and formula metacharacters: an id that is
-- not an id is refused; a label of any text is kept whole, and the
-- export imports back
-- expect: ok
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
for _, id in ipairs{"a,b", "a\nb", 'a"b', "a b", "", "1abc", "a@3Q02", "rev.a[1]", "a+b", ("x"):rep(100000)} do
  local ok = pcall(m.define, m, id, "rev.a")
  assert(not ok or m:get(id .. "@3Q02") == 160, "odd id " .. string.format("%q", id:sub(1, 20)) .. " defined but unreadable")
end
local label = 'l,"a\nb\r\n=cmd|x'
assert(pcall(m.define, m, "lab", "rev.a * 2", {label = label}))
assert(m:item("lab").label == label, "label changed")
assert(m:export("lab.csv"))
local ok, err = m:import("lab.csv")
assert(ok, "an export with that label does not import back: " .. tostring(err))
assert(m:get("lab@3Q02") == 320)
