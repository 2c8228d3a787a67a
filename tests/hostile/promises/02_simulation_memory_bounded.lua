-- --max-memory bounds what a simulation allocates on its threads: the
-- percentiles' sketches of 24 outputs whose trials span every power of
-- two from 1e-140 to 1e140 of both signs (4 MB per output per thread,
-- docs/simulate.md) on 16 threads would take gigabytes, and 200,000 kept
-- trials of 48 cells 77 MB: under --max-memory 64 each run is refused as
-- out of memory, and a small run on a pool of threads works after them
-- (the limit is 5 s, not 2: a loaded machine running the sanitizer build)
-- expect: ok
-- options: --sandbox --timeout 5 --max-memory 64
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
local draws, outputs = {}, {}
for _, item in ipairs{"rev.a", "rev.b", "cost.total"} do
  for _, period in ipairs{"1Q01", "2Q01", "3Q01", "4Q01", "1Q02", "2Q02", "3Q02", "4Q02"} do
    local cell = item .. "@" .. period
    draws[cell] = kessan.discrete{values = {1e-140, -1e-140, 1e140, -1e140, 1, -1, 1e70, -1e-70, 1e-35, -1e105}}
    outputs[#outputs + 1] = cell
  end
end
for _, keep in ipairs{false, true} do
  for _, threads in ipairs{16, 1} do
    local ok, err = pcall(m.simulate, m, {trials = keep and 200000 or 2000, threads = threads, draws = draws,
                                          outputs = outputs, keep = keep, progress = false})
    assert(not ok, string.format("%d threads, keep %s: gigabytes of sketches allowed under --max-memory 64",
                                 threads, tostring(keep)))
    assert(tostring(err):find("not enough memory", 1, true),
           string.format("%d threads, keep %s: refused but not for memory: %s", threads, tostring(keep), tostring(err)))
  end
end
-- the limit holds the model, not the script: a small run still works
local r = m:simulate{trials = 1000, draws = {["rev.a@3Q02"] = kessan.normal(160, 10)},
                     outputs = {"op_income@3Q02"}, threads = 4, progress = false}
assert(r:count("op_income@3Q02") == 1000, "a small run after the refusals")
