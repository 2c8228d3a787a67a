-- open the outside model through a symlink, save a scenario and export it there
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local refused = H.refused
local ok, o = pcall(kessan.open, "link_out/model")
if ok and o then
  local x = o:scenario("escape"); x:set("rev.a@3Q02", 1)
  x:save()
  assert(refused(o.export, o, "link_out/model/values.csv", {scenario = true}), "saved scenarios exported through a symlinked model dir")
  assert(refused(o.export, o, "link_out/model/values.csv"), "export over the outside model")
end
