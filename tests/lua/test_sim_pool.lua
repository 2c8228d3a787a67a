-- test_sim_pool.lua -- the state's pool of simulation threads from Lua:
-- kessan.threads(n) and its bounds, the same numbers with and without the
-- pool at any thread count (a stop rule's rounds and kept trials too), the
-- pool started by a simulation that asks for more threads, its threads
-- gone when it ends, and a script stopped by its timeout, or failing,
-- with the pool running ending cleanly.
package.path = "tests/lua/?.lua;" .. package.path
local check = require "check"
local kessan = require "kessan"

-- ---- kessan.threads and its bounds -----------------------------------------

check.eq(kessan.threads(), 1, "no pool at first")
check.raises("threads must be from 1 to 256", kessan.threads, 0)
check.raises("threads must be from 1 to 256", kessan.threads, 257)
check.raises("threads must be from 1 to 256", kessan.threads, -2)
check.raises("number expected", kessan.threads, "two")
check.raises("number has no integer representation", kessan.threads, 2.5)
check.eq(kessan.threads(), 1, "a refused count leaves no pool")

-- ---- the same numbers --------------------------------------------------------

local m = kessan.new{ fiscal_year_end_month = 3, first_year = 2002 }
m:define("x", nil, { rule = "sum" })
m:define("y", nil, { rule = "sum" })
m:define("z", "2 * x + 3 * y - 5", { rule = "sum" })
m:define("w", "x / y")
for q = 1, 3 do
  m:set("x", q .. "Q02", 10 * q)
  m:set("y", q .. "Q02", 100 + q)
end
local outputs = { "z@4Q02", "z@FY02", "w@4Q02" }

local function run(threads, extra)
  local spec = {
    trials = 9 * 4096 + 77, seed = 11, threads = threads, progress = false,
    draws = { ["x@4Q02"] = kessan.normal(40, 3),
              ["y@4Q02"] = kessan.triangular(90, 100, 130) },
    outputs = outputs,
  }
  for key, value in pairs(extra or {}) do spec[key] = value end
  return m:simulate(spec)
end

-- every statistic of every output, as exact text
local function numbers(r)
  local lines = { "trials " .. r:trials() }
  for _, cell in ipairs(outputs) do
    local line = { cell, r:mean(cell), r:sd(cell), r:min(cell), r:max(cell),
                   r:count(cell), r:invalid(cell), r:prob(cell, "<", 40) }
    for p = 0, 100, 5 do line[#line + 1] = r:percentile(cell, p) end
    for i, value in ipairs(line) do
      line[i] = math.type(value) == "float" and string.format("%a", value)
                or tostring(value)
    end
    lines[#lines + 1] = table.concat(line, " ")
  end
  return table.concat(lines, "\n")
end

local reference = numbers(run(1))
for _, threads in ipairs{ 2, 3 } do
  check.eq(numbers(run(threads)), reference, threads .. " threads, no pool yet")
end
check.eq(kessan.threads(), 3, "a run of 3 threads started a pool of 3")

check.eq(kessan.threads(4), 4, "kessan.threads(4)")
check.eq(kessan.threads(), 4, "the pool's threads")
for _, threads in ipairs{ 1, 2, 3, 4, 7 } do
  check.eq(numbers(run(threads)), reference, threads .. " threads, a pool of 4")
end
check.eq(kessan.threads(), 7, "a run of more threads grew the pool")
check.eq(kessan.threads(2), 2, "a smaller pool")
check.eq(numbers(run(2)), reference, "2 threads, a pool of 2")
check.eq(kessan.threads(1), 1, "kessan.threads(1) ends the pool")
check.eq(numbers(run(1)), reference, "1 thread after the pool ended")

-- a stop rule (rounds) and kept trials, on the pool and without one
local stop = { stop = { cell = "z@4Q02", stat = "p99", rel = 1e-6 },
               trials = 150 * 4096, keep = true }
local stopped = run(1, stop)
local kept = { stopped:values("z@4Q02") }
check.eq(kessan.threads(3), 3, "a pool of 3 for the stop rule")
for _, threads in ipairs{ 2, 3 } do
  local r = run(threads, stop)
  check.eq(numbers(r), numbers(stopped), threads .. " threads with a stop rule")
  local values = { r:values("z@4Q02") }
  check.eq(#values[1], #kept[1], "kept trials")
  for i = 1, #kept[1], 997 do
    check.eq(values[1][i], kept[1][i], "kept trial " .. i)
  end
end

-- ---- the pool's threads end with it ---------------------------------------------

local function tasks()
  local stat = io.open("/proc/self/stat")
  if not stat then return nil end
  local pid = stat:read("l"):match("^(%d+)")
  stat:close()
  local list = io.popen("ls /proc/" .. pid .. "/task")
  local count = 0
  for _ in list:lines() do count = count + 1 end
  list:close()
  return count
end

local before = tasks()
if before then
  kessan.threads(1)
  local none = tasks()
  kessan.threads(5)
  check.eq(tasks(), none + 4, "a pool of 5: four threads beside the caller")
  run(5)
  check.eq(tasks(), none + 4, "a run on the pool starts no thread")
  kessan.threads(1)
  check.eq(tasks(), none, "kessan.threads(1): the pool's threads gone")
end

-- ---- stopped or failing scripts with the pool running ------------------------

local program = check.program()
local function script(text)
  local path = check.tmpname(".lua")
  check.write(path, text)
  return path
end
local model_text = [[
local kessan = require "kessan"
kessan.threads(2)
local m = kessan.new{ fiscal_year_end_month = 3, first_year = 2002 }
m:define("x", nil, { rule = "sum" })
m:define("z", "2 * x + 1", { rule = "sum" })
local function simulate(trials)
  return m:simulate{ trials = trials, seed = 1, threads = 2, progress = false,
                     draws = { ["x@4Q02"] = kessan.normal(40, 3) },
                     outputs = { "z@4Q02" } }
end
]]

-- the timeout stops a long run on the pool
local code, _, err = check.run(program, "run --timeout 0.3 "
  .. check.quote(script(model_text .. "simulate(1e9)\n")))
check.eq(code, 1, "timeout: " .. err)
assert(err:find("interrupted while simulating", 1, true), err)

-- an error raised after a run on the pool, with a run left open
code, _, err = check.run(program, "run " .. check.quote(script(model_text .. [[
local r = simulate(100000)
assert(r:mean("z@4Q02") > 0)
error("after the run")
]])))
check.eq(code, 1, "error after a run: " .. err)
assert(err:find("after the run", 1, true), err)

-- pcall'd runs interrupted by the timeout: each returns the error at once
-- (the pool taken and given back each time); the host's hook then raises
-- the timeout, or the script ends first
local out
code, out, err = check.run(program, "run --timeout 0.3 "
  .. check.quote(script(model_text .. [[
for _ = 1, 3 do print(pcall(simulate, 1e9)) end
]])))
local _, interrupted = out:gsub("false\t[^\n]*interrupted while simulating", "")
assert((code == 0 and interrupted == 3) or
       (code == 1 and
        err:find("timeout: the script ran longer than 0.3 s", 1, true)),
       "pcall'd runs stopped by the timeout: " .. code .. "\n" .. out .. err)

-- a finished script with the pool parked exits at once, status 0
code, _, err = check.run(program, "run " .. check.quote(script(model_text .. [[
print(simulate(50000):trials())
]])))
check.eq(code, 0, "a run on the pool: " .. err)

check.cleanup()
print("test_sim_pool: ok")
