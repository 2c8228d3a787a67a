-- goal seek, data table and tornado with NULs in cells
-- expect: ok
local OUTSIDE = ...
local kessan = require "kessan"
local H = require "hostile"
local m = assert(kessan.open("tiny"))
local s = m:scenario("attack")
local refused = H.refused
assert(refused(s.goalseek, s, {target = "op_income@3Q02\0", value = 0, vary = "rev.a@3Q02"}), "goalseek target")
assert(refused(s.goalseek, s, {target = "op_income@3Q02", value = 0, vary = "rev.a@3Q02\0"}), "goalseek vary")
assert(refused(s.datatable, s, {rows = {"rev.a@3Q02\0", {1}}, out = "op_income@3Q02"}), "datatable row")
assert(refused(s.datatable, s, {rows = {"rev.a@3Q02", {1}}, out = "op_income@3Q02\0"}), "datatable out")
assert(refused(s.tornado, s, {out = "op_income@3Q02", inputs = {"rev.a@3Q02\0"}}), "tornado input")
