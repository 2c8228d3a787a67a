-- m:export's sheets: rows whose __index hands out strings nothing else
-- holds (and __len drops them), under a collector that steps on every
-- allocation: the workbook holds those texts, not freed memory
-- expect: ok
local kessan = require "kessan"
local m = assert(kessan.open("tiny"))
collectgarbage("incremental", 10, 1000, 1)
-- every text made afresh from its bytes (a short string equal to a
-- constant of the script would be that constant, held by the script)
local function text(bytes) return string.char(table.unpack(bytes)) end
local Q, P = ("Q"):byte(), ("0"):byte()
local periods = {{P + 1, Q, P, P + 1}, {P + 2, Q, P, P + 1}, {P + 3, Q, P, P + 1}, {P + 4, Q, P, P + 1}}
local items = {{("r"):byte(), ("e"):byte(), ("v"):byte(), 46, ("a"):byte()},
               {("r"):byte(), ("e"):byte(), ("v"):byte(), 46, ("b"):byte()}}
local ITEM = {("i"):byte(), ("t"):byte(), ("e"):byte(), ("m"):byte()}
local function cell(r, c)
  if r == 1 then return text(c == 1 and ITEM or periods[c - 1]) end
  if c == 1 then return text(items[r - 1]) end
  return 1000 * r + c + 0.25
end
local function row(r)
  return setmetatable({}, {
    __len = function() collectgarbage("step") return 1 + #periods end,
    __index = function(_, c) return cell(r, c) end})
end
local rows = setmetatable({}, {
  __len = function() return 1 + #items end,
  __index = function(_, r) return row(r) end})
local name = setmetatable({}, {__index = function(_, k)
  if k == "rows" then return rows end
  if k == "name" then return "Ta" .. "ble " .. math.random(1, 9) end
end})
for round = 1, 3 do
  assert(m:export("rows.xlsx", {format = "xlsx", sheets = {name, {name = "T", rows = rows}}}))
  local back = assert(kessan.open("tiny"))
  assert(back:import("rows.xlsx", {sheet = "T", override = true}))
  for r = 2, 1 + #items do
    for c = 2, 1 + #periods do
      local item, period = text(items[r - 1]), text(periods[c - 1])
      local got = back:get(item, period)
      assert(got == cell(r, c), ("round %d: %s@%s read back as %s"):format(round, item, period, tostring(got)))
    end
  end
  back:close()
end
