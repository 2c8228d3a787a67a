-- unknown keys that are huge (a 4 MB name, a 100,000-entry list with one
-- stray key at its end), and finalizers that close the model while the
-- refusal is written (the collector steps on every allocation): refused
-- within the timeout, the message whole, nothing read after the close
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local OUT = "op_income@3Q02"
local draws = {["rev.a@3Q02"] = kessan.normal(160, 5)}

local huge = ("trials"):rep(700000)
local ok, why = pcall(s.simulate, s, {trials = 10, [huge] = 1, draws = draws, outputs = {OUT}})
assert(not ok and #tostring(why) > #huge, "a huge key is named whole")

local outputs = {}
for i = 1, 100000 do outputs[i] = OUT end
outputs.stray = true
ok, why = pcall(s.simulate, s, {trials = 10, draws = draws, outputs = outputs})
assert(not ok and tostring(why):find("field 'outputs': unknown option 'stray' (entries 1 to 100000)", 1, true),
       tostring(why))

-- finalizers close the model and the scenario during the refusals
collectgarbage("incremental", 10, 1000, 1)
local arm = H.armer(m, s)
local M, S = m, s
for i = 1, 30 do
  arm(20)
  pcall(S.simulate, S, {trials = 10, sede = i, draws = draws, outputs = {OUT}})
  pcall(M.define, M, "x.new" .. i, "rev.a", {lable = "x"})
  pcall(S.datatable, S, {rows = {"rev.a@3Q02", {1, 2}}, col = {}, out = OUT})
  pcall(kessan.compare, {M, S, item = {"rev.a"}})
end
collectgarbage()
assert(not pcall(M.get, M, OUT), "the finalizers closed the model")
print("ok")
