-- require of a module through a symlink to the outside directory, and
-- of a path with ../: whatever is found, binary is refused
-- setup: bytecode evil.csv

package.path = "./link_out/?.lua;../../outside/?.lua;" .. OUTSIDE .. "/?.lua;./?.csv"
local ok, err = pcall(require, "evil")
assert(not ok and tostring(err):find("binary"), "binary module: " .. tostring(err))
