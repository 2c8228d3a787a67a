-- a table of one's own with holes, NaN, infinities, huge and subnormal
-- numbers and empty texts: the report counts the cells written, and the
-- cells a sheet cannot hold (NaN, inf) are left empty, not counted
-- expect: ok
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local _, bare = assert(m:export("bare.xlsx", {format = "xlsx"}))
local rows = {
  {"a", nil, 1, 0 / 0},
  {1 / 0, -1 / 0, -0.0, 5e-324, 1.7976931348623157e308},
  {},
  {"", nil, nil, nil, "end"},
}
local written = 7 -- "a", 1; -0.0, 5e-324, 1.79e308; "", "end"
local _, with = assert(m:export("table.xlsx", {format = "xlsx", sheets = {{name = "T", rows = rows}}}))
assert(with.values - bare.values == written,
       ("%d table cells counted, %d written"):format(with.values - bare.values, written))
assert(with.sheets == bare.sheets + 1 and with.formulas == bare.formulas)
