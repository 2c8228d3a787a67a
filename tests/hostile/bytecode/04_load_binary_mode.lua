-- load() of string.dump output, with mode "b", "bt" and an env
-- expect: ok

local chunk = string.dump(function() return 1 end)
for _, mode in ipairs{"b", "bt", "tb", nil} do
  local f = load(chunk, "x", mode, {})
  assert(f == nil, "load accepted a binary chunk in mode " .. tostring(mode))
end
