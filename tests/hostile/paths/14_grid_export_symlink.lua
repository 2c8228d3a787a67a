-- g:export through directory and file symlinks
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
-- refused: raised an error, or returned nil (and a message)
local function refused(f, ...)
  local ok, result = pcall(f, ...)
  return not ok or result == nil or result == false
end
local g = s:datatable{rows = {"rev.a@3Q02", {1, 2}}, out = "op_income@3Q02"}
assert(refused(g.export, g, "link_out/grid.csv"), "grid export through a dir symlink")
assert(refused(g.export, g, "link_canary.csv"), "grid export through a file symlink")
