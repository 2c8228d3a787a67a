-- load() with a reader function that hands out a binary chunk byte by
-- byte, the signature split across calls
-- expect: ok

local chunk = string.dump(function() return 1 end)
local i = 0
local f = load(function() i = i + 1; return chunk:sub(i, i) ~= "" and chunk:sub(i, i) or nil end)
assert(f == nil, "load accepted a binary chunk from a reader")
local j = 0
f = load(function() j = j + 1; if j == 1 then return "" end; if j == 2 then return chunk:sub(2) end end)
assert(f == nil, "load accepted a binary chunk whose signature came in two pieces")
