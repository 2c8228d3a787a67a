-- a model's text table, a grid and a simulation printed to /dev/full
-- stdout: full
-- expect: error
-- stderr: standard output|write
local kessan = require "kessan"
local m = assert(kessan.open("iij"))
print(m)
print(m:scenario("x"):datatable{rows = {"rev.si@3Q02", {1, 2, 3}}, out = "op_income@3Q02"})
