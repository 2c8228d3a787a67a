-- promise.lua -- what the tests of the docs' promises (test_promise_*.lua)
-- share: a value as its exact bits, so that "the same, bit for bit" is
-- compared as text (a missing or error cell as nil and its reason, NaN as
-- nan, -0 apart from 0).
local promise = {}

function promise.bits(v, why)
  if v == nil then return "nil " .. tostring(why) end
  if type(v) ~= "number" then return tostring(v) end
  if v ~= v then return "nan" end
  return string.format("%a", v)
end

return promise
