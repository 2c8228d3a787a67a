-- g:export through directory and file symlinks
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local refused = H.refused
local g = s:datatable{rows = {"rev.a@3Q02", {1, 2}}, out = "op_income@3Q02"}
assert(refused(g.export, g, "link_out/grid.csv"), "grid export through a dir symlink")
assert(refused(g.export, g, "link_canary.csv"), "grid export through a file symlink")
