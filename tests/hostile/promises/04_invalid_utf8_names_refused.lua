-- a name that is not UTF-8 never reaches a file the model reopens
-- (docs/lua-api.md m:scenario, m:define; docs/formats.md: files are
-- UTF-8): random invalid sequences (stray continuation bytes, overlong
-- forms, surrogates, beyond U+10FFFF, a sequence cut off, 0xFE/0xFF) in
-- scenario names and in an item's label, label_ja, unit, statement and
-- parent are refused with a message naming what is wrong; whatever is
-- accepted exports with the scenarios and the model directory opens
-- again (a scenario "\255bad" once saved made values.csv unreadable)
-- expect: ok
local kessan = require "kessan"
math.randomseed(20261207)

local INVALID = {"\128", "\191", "\192\128", "\193\191", "\224\128\128", "\237\160\128",
                 "\237\191\191", "\240\128\128\128", "\244\144\128\128", "\245\128\128\128",
                 "\254", "\255", "\226\130", "\240\159\152", "\195"}
local VALID = {"a", "Z", "低", "シナリオ", "é", "😀", " x", "base2", "n"}

local function pieces()
  local parts = {VALID[math.random(#VALID)]}
  for _ = 1, math.random(1, 4) do
    parts[#parts + 1] = math.random() < 0.5 and INVALID[math.random(#INVALID)]
                        or VALID[math.random(#VALID)]
  end
  parts[#parts + 1] = INVALID[math.random(#INVALID)]
  for i = #parts, 2, -1 do
    local j = math.random(i)
    parts[i], parts[j] = parts[j], parts[i]
  end
  return (table.concat(parts):gsub("^%s+", ""):gsub("%s+$", ""))
end

-- (pieces can join into a valid sequence: "\195" .. "\128")
local function invalid_text()
  local text
  repeat text = pieces() until not utf8.len(text)
  return text
end

local m = assert(kessan.open("tiny"))
local accepted = 0
for n = 1, 300 do
  local name = invalid_text()
  local ok, s = pcall(m.scenario, m, name)
  if ok then
    accepted = accepted + 1
    s:set("rev.a", "1Q01", n)
    pcall(s.save, s)
  else
    assert(tostring(s):find("UTF-8", 1, true), "refused without saying why: " .. tostring(s))
  end
end

for n = 1, 200 do
  local field = ({"label", "label_ja", "unit", "statement", "parent"})[n % 5 + 1]
  local id = "bad.n" .. n
  local ok, err = pcall(m.define, m, id, "rev.a", {[field] = invalid_text()})
  if not ok then
    assert(tostring(err):find(field, 1, true) and tostring(err):find("UTF-8", 1, true),
           "refused without naming " .. field .. ": " .. tostring(err))
  else
    accepted = accepted + 1
  end
end

-- what was accepted (nothing, if all is well) must not break the model
assert(m:export("tiny/values.csv", {scenario = true}))
local again, err = kessan.open("tiny")
assert(again, "the model directory no longer opens: " .. tostring(err))
assert(accepted == 0, accepted .. " names that are not UTF-8 accepted")
print("ok")
