-- test_promise_formula_error_characters.lua -- a formula's syntax error
-- quotes what it got (docs/formulas.md: "(got '*')"): a character that is
-- not ASCII is quoted whole, never cut inside its UTF-8 sequence (an
-- ideographic space after `rev.a` gave "(got '\xE3')"), and a byte that is
-- no UTF-8 is named as a byte.  Random characters of 2, 3 and 4 bytes and
-- invalid bytes, at random places of random valid formulas: every message
-- is valid UTF-8 and holds the whole character where it quotes one.
local kessan = require "kessan"
math.randomseed(20261207)

local CHARACTERS = {"　", "é", "×", "−", "（", "）", "＋", "😀", "€", "\194\160", "低", "→",
                    "\239\188\141", "\240\157\144\128"}
local BAD_BYTES = {"\128", "\255", "\192", "\237\160\128", "\226\130"}
local FORMULAS = {"rev.a", "rev.a + rev.b", "sum(rev.a, rev.b) * 2", "rev.a[-1] / rev.b",
                  "abs(rev.a - rev.b)", "(rev.a + 1) ^ 2", "rev.a@3Q02 - 1"}

local m = assert(kessan.open("tests/data/tiny"))
local tried, quoted = 0, 0
for n = 1, 400 do
  local formula = FORMULAS[math.random(#FORMULAS)]
  local bad = math.random() < 0.8
  local inserted = bad and CHARACTERS[math.random(#CHARACTERS)] or BAD_BYTES[math.random(#BAD_BYTES)]
  local at = math.random(0, #formula)
  while at > 0 and formula:sub(at, at):match("[%w_.]") and formula:sub(at + 1, at + 1):match("[%w_.]") do
    at = at - 1 -- inside a word a character ends the word: fine too, but keep it simple
  end
  local text = formula:sub(1, at) .. inserted .. formula:sub(at + 1)
  local ok, err = pcall(m.define, m, "probe.n" .. n, text)
  if not ok then
    tried = tried + 1
    local message = tostring(err)
    assert(utf8.len(message), "a message that is not UTF-8: " .. message:gsub("[\128-\255]", function(c)
      return ("\\x%02X"):format(c:byte()) end))
    if bad and message:find("(got '", 1, true) then
      quoted = quoted + 1
      assert(message:find("(got '" .. inserted, 1, true),
             "the character is not quoted whole: " .. message .. " for " .. text)
    end
  end
end
assert(tried > 300 and quoted > 200, ("only %d refusals, %d quoting the character"):format(tried, quoted))

-- the example of the audit
local ok, err = pcall(m.define, m, "probe.space", "rev.a　")
assert(not ok and tostring(err):find("(got '　')", 1, true), tostring(err))
-- a byte that is no UTF-8 is named
ok, err = pcall(m.define, m, "probe.byte", "rev.a \255")
assert(not ok and tostring(err):find("0xFF", 1, true), tostring(err))
print("ok")
