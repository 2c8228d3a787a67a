-- an import file made by export from a scenario whose values were set to
-- extreme numbers, read back: figures at full precision, no row injected,
-- no infinity
-- expect: ok
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local vals = {1.7976931348623157e308, -1.7976931348623157e308, 5e-324, -0.0, 2^53 + 1, 0.1, 1/3}
local periods = {"1Q01", "2Q01", "3Q01", "4Q01", "1Q02", "2Q02", "3Q02"}
for i, v in ipairs(vals) do assert(pcall(m.set, m, "rev.b@" .. periods[i], v)) end
assert(m:export("x.csv", {inputs_only = true}))
local back = assert(kessan.open("tiny"))
assert(back:import("x.csv"))
for i, v in ipairs(vals) do
  local got = back:get("rev.b@" .. periods[i])
  assert(got == v, periods[i] .. ": exported " .. string.format("%.17g", v) .. ", read back " .. tostring(got))
end
