-- exports (with saved scenarios) over the model's own values file, then reopened: the model
-- directory stays a model (atomic replacement, no half-written file)
-- expect: ok
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
assert(m:export("tiny/values.csv"))
local s = m:scenario("again"); s:set("rev.a@3Q02", 7); s:save()
assert(m:export("tiny/values.csv", {scenario = true}))
local back = assert(kessan.open("tiny"))
assert(back:get("rev.a@3Q02") == 160, "base value changed")
assert(back:scenario("again"):get("rev.a@3Q02") == 7, "saved scenario lost")
