-- test_scripts.lua -- the analysts' scripts in scripts/ run from the
-- repository and say what they should.  Usage: kessan run test_scripts.lua
-- PATH_TO_KESSAN (the host runs each script as a user would).
local host = assert(arg[1], "usage: test_scripts.lua PATH_TO_KESSAN")

local function run(command)
  local pipe = assert(io.popen(host .. " run " .. command .. " 2>&1"))
  local out = pipe:read("a")
  local ok, how, code = pipe:close()
  assert(ok and how == "exit" and code == 0,
         command .. ": exit " .. tostring(code) .. "\n" .. out)
  return out
end

local function row(out, label)
  local line = assert(out:match("\n" .. label:gsub("%p", "%%%0") .. "[^\n]*"),
                      "no row '" .. label .. "'")
  local numbers = {}
  for text in line:sub(#label + 2):gmatch("%(?[%d%.]+%)?%%?") do
    local negative = text:find("(", 1, true)
    local value = tonumber((text:gsub("[()%%]", "")))
    numbers[#numbers + 1] = negative and -value or value
  end
  return numbers
end

-- the main job: the guidance range pinned, FY2002 = 9M02 as printed plus
-- each end of the 4Q02 range (30,981,122 + 12,500,000 = 43,481,122)
local chart_dir = os.tmpname()   -- a file: its name for a directory
os.remove(chart_dir)
local guidance = run("scripts/guidance_4q02.lua data/iij " .. chart_dir)
for _, name in ipairs{"revenue", "bridge", "fan"} do
  local path = chart_dir .. "/guidance_4q02_" .. name .. ".svg"
  assert(guidance:find(path, 1, true), "the script names " .. path)
  assert(io.open(path)):close()
  os.remove(path)
end
os.remove(chart_dir)
local revenue = row(guidance, "4Q02 total revenues")
assert(revenue[2] == 12.50 and revenue[3] == 13.00, guidance)
local fy = row(guidance, "FY2002 total revenues")
assert(fy[2] == 43.48 and fy[3] == 43.98, guidance)
local margin = row(guidance, "4Q02 operating margin")
local before = row(guidance, "  3Q02 operating margin")
assert(before[1] == -5.4, "3Q02's printed margin is (5.4)%")
assert(margin[2] > before[2] and margin[3] > margin[2],
       "the margin improves with revenue")
assert(guidance:find("profitability improves at both ends", 1, true))
-- how likely: shares of trials, between 0 and 100%
local in_range = tonumber(guidance:match("guided range in ([%d.]+)%% of trials"))
local beats = tonumber(guidance:match("beats 3Q02's %(5%.4%%%) in ([%d.]+)%%"))
assert(in_range and in_range > 0 and in_range < 100, guidance)
assert(beats and beats > in_range, "improving is likelier than the range")

-- break-even and sensitivity
local breakeven = run("scripts/breakeven_4q02.lua")
assert(breakeven:find("break-even", 1, true), breakeven)
local sensitivity = run("scripts/sensitivity_4q02.lua")
assert(sensitivity:find("widest bar", 1, true), sensitivity)

-- the Monte Carlo workload: 20,000 trials, its lines, and the mean of rev
-- against the drivers' exact means (guidance-mc: normals at their means,
-- triangular (4.0 + 5.0 + 6.2) / 3 bn, uniform 2.0 bn), within 4 standard
-- errors of the simulated sd
local mc = run("scripts/mc_guidance.lua 20000 7")
local stats = {}
for name, stat, value in mc:gmatch("(%S+) (%S+) (%S+)\n?") do
  stats[name .. " " .. stat] = tonumber(value)
end
local exact = 3404016 + 760650 + 931415 + 467629 + 15200000 / 3 + 2000000
local se = stats["rev sd"] / math.sqrt(20000)
assert(math.abs(stats["rev mean"] - exact) < 4 * se,
       ("rev mean %.1f against %.1f (4 se = %.1f)"):format(stats["rev mean"], exact, 4 * se))
assert(stats["rev p5"] < stats["rev p50"] and stats["rev p50"] < stats["rev p95"])
for _, share in ipairs{ "in_guidance share", "improves share", "profitable share" } do
  assert(stats[share] >= 0 and stats[share] <= 1, share)
end
assert(math.abs(stats["fy_rev mean"] - stats["rev mean"] - 30981122) < 0.01,
       "FY02 = 9M02 as printed + 4Q02")
print("scripts: ok")
