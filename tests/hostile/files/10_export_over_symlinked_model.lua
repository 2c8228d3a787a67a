-- a model directory reached through a symlink to the outside: opening it
-- by that name must not make the outside writable
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local ok, m = pcall(kessan.open, "link_out/model")
if ok and m then
  local okx, r = pcall(m.export, m, "link_out/model/items.csv")
  assert(not okx or not r, "exported over a model outside through a link")
end
