-- a string.dump whose code words are overwritten (out-of-range
-- constants): refused in every mode, also inside a coroutine
-- expect: ok

local chunk = string.dump(function(a) local t = {a, 1, "x"}; return t[1] end)
local bad = chunk:sub(1, 40) .. string.rep("\255", 64) .. chunk:sub(105)
local co = coroutine.wrap(function()
  for _, mode in ipairs{"b", "bt", nil} do
    local f = load(bad, "=bad", mode)
    assert(f == nil, "binary chunk loaded in a coroutine")
  end
  return true
end)
assert(co())
