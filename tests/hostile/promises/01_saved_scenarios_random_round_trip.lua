-- saved scenarios of random names (Japanese, emoji, quotes, commas,
-- inner tabs, CR and LF inside, 255 bytes of 2-, 3- and 4-byte
-- characters, names a values file reads as missing or as numbers) and
-- random overrides (-0, subnormals, the largest double, missing, on
-- computed cells too), exported over the model's own values.csv and
-- opened again, twice: every cell of the base and of every scenario the
-- same, bit for bit, with the same reason where it has no number; an
-- unsaved change after s:save() is not what comes back; a scenario keeps
-- following the base where it has no override (docs/formats.md "The
-- scenario column", docs/lua-api.md m:scenario, s:save)
-- expect: ok
local kessan = require "kessan"
math.randomseed(20261207)

local PIECES = {"a", "Z", "9", " ", ",", '"', "'", "=", "-", "@", "+", "\t", "\r", "\n",
                "低", "シナリオ", "é", "😀", "€", "\194\160", "\239\187\191", "base", "n.a"}
local VALUES = {-0.0, 0.0, 5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308,
                -1.7976931348623157e308, 0.1, 1 / 3, 123456789.123, -42, kessan.missing}

local function random_name()
  local parts = {}
  for _ = 1, math.random(1, 8) do parts[#parts + 1] = PIECES[math.random(#PIECES)] end
  return table.concat(parts)
end

local function long_name(char)
  local name = ("x"):rep(255 % #char) .. char:rep(255 // #char)
  assert(#name == 255)
  return name
end

local function documented_name(name)
  -- 1 to 255 bytes, no space or tab at either end, not 'base'
  return #name >= 1 and #name <= 255 and not name:find("^[ \t]") and
         not name:find("[ \t]$") and name ~= "base"
end

local function bits(v, why)
  if v == nil then return "nil " .. tostring(why) end
  return string.format("%a", v)
end

local function picture(model)
  local cells = {}
  for _, item in ipairs(model:items()) do
    for _, period in ipairs(model:periods()) do
      cells[#cells + 1] = item .. "@" .. period .. "=" .. bits(model:get(item, period))
    end
  end
  return table.concat(cells, "\n")
end

local function same(a, b, what)
  if a == b then return end
  local x, y = {}, {}
  for line in a:gmatch("[^\n]+") do x[#x + 1] = line end
  for line in b:gmatch("[^\n]+") do y[#y + 1] = line end
  for i = 1, math.max(#x, #y) do
    assert(x[i] == y[i], what .. ": " .. tostring(x[i]) .. " came back as " .. tostring(y[i]))
  end
end

local m = assert(kessan.open("tiny"))
local items, periods = m:items(), m:periods()
local names = {long_name("é"), long_name("低"), long_name("😀"), "-", "n/a", "#N/A", "1e3", "(1)", "Base", "BASE"}
for _ = 1, 40 do names[#names + 1] = random_name() end

local expected, order = {}, {}
for _, name in ipairs(names) do
  if documented_name(name) and not expected[name] then
    local s = m:scenario(name)
    for _ = 1, math.random(1, 6) do
      local cell = items[math.random(#items)] .. "@" .. periods[math.random(#periods)]
      s:set(cell, VALUES[math.random(#VALUES)])
    end
    s:save()
    expected[name] = picture(s)
    order[#order + 1] = name
    -- changed after saving and not saved again: not what is kept
    s:set(items[1] .. "@" .. periods[1], 987654321)
  end
end
assert(#order > 30, "too few names to try")
local base = picture(m)

local model = m
for round = 1, 2 do
  assert(model:export("tiny/values.csv", {scenario = true}))
  local back, why = kessan.open("tiny")
  assert(back, "round " .. round .. ": the export does not open again: " .. tostring(why))
  same(base, picture(back), "round " .. round .. ": the base")
  local saved = back:scenarios()
  assert(#saved == #order, string.format("round %d: %d scenarios came back of %d", round, #saved, #order))
  for i, name in ipairs(order) do
    assert(saved[i] == name, string.format("round %d: scenario %d is %q, expected %q", round, i, saved[i], name))
    same(expected[name], picture(back:scenario(name)), string.format("round %d: scenario %q", round, name))
  end
  model = back
end

-- a scenario follows the base where it has no override of its own
local cell = "cost.total@1Q01"
local before = {}
for _, name in ipairs(order) do before[name] = bits(model:scenario(name):get(cell)) end
local base_before = bits(model:get(cell))
model:set(cell, 4321.5)
for _, name in ipairs(order) do
  local now = bits(model:scenario(name):get(cell))
  local want = before[name] == base_before and bits(4321.5) or before[name]
  assert(now == want, string.format("scenario %q at %s: %s, expected %s", name, cell, now, want))
end
