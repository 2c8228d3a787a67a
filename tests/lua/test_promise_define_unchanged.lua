-- test_promise_define_unchanged.lua -- "on any error the model is
-- unchanged" (docs/lua-api.md, m:define) and "A formula that would make a
-- cell depend on itself is refused when it is defined ... and the model
-- stays as it was" (docs/formulas.md), tried with 615 random formulas
-- from the language's own tokens (ids, offsets up to and past 4000,
-- @PERIOD, numbers up to and past 1.8e308, every operator, functions,
-- unbalanced and deep parentheses) given to existing and new items of a
-- model, its scenarios and the IIJ model: after a refusal every item, its
-- formula and every cell of the model and of a scenario read the same,
-- bit for bit; after an acceptance every cell reads (a number, missing
-- or an error, never a hang or a crash), and defining the old formula
-- again gives back the model as it was, bit for bit.
package.path = "tests/lua/?.lua;" .. package.path
local check = require "check"
local kessan = require "kessan"

local bits = require("promise").bits

local function picture(m, s)
  local out = {}
  for _, id in ipairs(m:items()) do
    local info = m:item(id)
    out[#out + 1] = id .. " = " .. tostring(info.formula) .. " " .. tostring(info.rule)
    for _, period in ipairs(m:periods()) do
      out[#out + 1] = bits(m:get(id, period)) .. " | " .. bits(s:get(id, period))
    end
  end
  return table.concat(out, "\n")
end

local function first_difference(a, b)
  local x, y = {}, {}
  for line in a:gmatch("[^\n]+") do x[#x + 1] = line end
  for line in b:gmatch("[^\n]+") do y[#y + 1] = line end
  for i = 1, math.max(#x, #y) do
    if x[i] ~= y[i] then return string.format("line %d: %s became %s", i, tostring(x[i]), tostring(y[i])) end
  end
end

local NUMBERS = { "0", "1", "2.5", "1e308", "1.7976931348623157e308", "1.8e308", "1e309",
                  "1e-400", "4.9e-324", "0.1", "100", "007", "1e", ".5", "5." }
local OPERATORS = { "+", "-", "*", "/", "^", "<", "<=", ">", ">=", "==", "~=" }
local FUNCTIONS = { "sum", "min", "max", "abs", "round", "if" }

local function random_formula(ids, periods, depth)
  depth = depth or 0
  local r = math.random(100)
  if depth > 4 or r <= 35 then
    local id = ids[math.random(#ids)]
    local suffix = math.random(6)
    if suffix == 1 then
      local offset = ({ -1, -4, 1, 4, -4000, 4000, -4001, 0, 8, -8 })[math.random(10)]
      return id .. "[" .. (offset > 0 and "+" or "") .. offset .. "]"
    elseif suffix == 2 then
      return id .. "@" .. periods[math.random(#periods)]
    end
    return id
  elseif r <= 50 then
    return NUMBERS[math.random(#NUMBERS)]
  elseif r <= 80 then
    return random_formula(ids, periods, depth + 1) .. " " .. OPERATORS[math.random(#OPERATORS)] ..
           " " .. random_formula(ids, periods, depth + 1)
  elseif r <= 88 then
    local f = FUNCTIONS[math.random(#FUNCTIONS)]
    local args = {}
    for i = 1, (f == "if" and 3 or math.random(1, 3)) do args[i] = random_formula(ids, periods, depth + 1) end
    return f .. "(" .. table.concat(args, ", ") .. ")"
  elseif r <= 94 then
    return "(" .. random_formula(ids, periods, depth + 1) .. ")"
  elseif r <= 96 then
    return "-" .. random_formula(ids, periods, depth + 1)
  elseif r <= 98 then
    return ("("):rep(199 + math.random(0, 2)) .. "1" .. (")"):rep(199 + math.random(0, 2))
  end
  -- broken on purpose
  return ({ "(", ")", ",", "@", "[", "rev.", "..", "a b", "if(1, 2)", "sum()" })[math.random(10)]
end

local function attack(m, label, rounds)
  local s = m:scenario("watch")
  s:set(m:items()[1] .. "@" .. m:periods()[2], 12345.5)
  local ids, periods = m:items(), m:periods()
  local refused, accepted = 0, 0
  for round = 1, rounds do
    local before = picture(m, s)
    local id = math.random(4) == 1 and ("new.item" .. math.random(5)) or ids[math.random(#ids)]
    local known, info = pcall(m.item, m, id)
    local old = known and info.formula or nil
    local formula = random_formula(ids, periods)
    local ok, err = pcall(m.define, m, id, formula)
    local after = picture(m, s)
    if not ok then
      refused = refused + 1
      local difference = first_difference(before, after)
      if difference then
        error(string.format("%s: refused define(%q, %q) (%s) changed the model: %s",
                            label, id, formula, tostring(err), difference))
      end
    else
      accepted = accepted + 1
      -- the old formula back: the model as it was (a new item stays, so
      -- only an existing item is put back)
      if known then
        check.eq(select(1, pcall(m.define, m, id, old)), true,
                 string.format("%s: defining %s's formula %q again", label, id, tostring(old)))
        local difference = first_difference(before, picture(m, s))
        if difference then
          error(string.format("%s: define(%q, %q) then its old formula %q back: %s",
                              label, id, formula, tostring(old), difference))
        end
      else
        ids[#ids + 1] = id
      end
    end
  end
  check.eq(refused > rounds / 10 and accepted > rounds / 10, true,
           string.format("%s: %d refused and %d accepted of %d: both must be tried", label,
                         refused, accepted, rounds))
end

math.randomseed(20261207)
attack(assert(kessan.open("tests/data/tiny")), "tiny", 600)
attack(assert(kessan.open("data/iij")), "iij", 15)
check.cleanup()
print("ok")
