-- require of a Lua text module that lies outside the allowed directories,
-- by absolute path, by ../ and through a directory symlink: refused
-- setup: outside-module spy
-- expect: ok
local OUTSIDE = ...
for _, template in ipairs{OUTSIDE .. "/?.lua", "../../outside/?.lua", "./link_out/?.lua",
                          "link_out/../../../outside/?.lua"} do
  package.path = template
  package.loaded.spy = nil
  local ok, result = pcall(require, "spy")
  assert(not ok, "required a module outside through " .. template .. ": " .. tostring(result))
end
