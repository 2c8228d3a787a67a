-- a model whose values.csv links to a file outside: reading it is
-- reading outside; saving a scenario would write through the link
-- setup: values-outside tiny
-- expect: ok
local kessan = require "kessan"
local ok, m = pcall(kessan.open, "tiny")
if ok and m then
  local s = m:scenario("through")
  s:set("rev.a@3Q02", 1)
  pcall(s.save, s)
  pcall(m.export, m, "tiny/values.csv")
  error("opened a model whose values.csv links outside the allowed directories")
end
