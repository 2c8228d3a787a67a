-- every model method called after close
local OUTSIDE = ...
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
m:close()
for _, name in ipairs{"get", "set", "define", "scenario", "scenarios", "save", "explain", "items", "item", "setting", "periods", "import", "export", "name", "series", "simulate", "goalseek", "datatable", "tornado", "check"} do
  local f = m[name]
  if type(f) == "function" then pcall(f, m, "rev.a@3Q02", 1); pcall(f, m, {}) end
end
pcall(tostring, m); pcall(function() return #m, m["rev.a"] end)
