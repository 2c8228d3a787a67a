-- test_architecture.lua -- the map of docs/architecture.md, kept: which
-- part of the core may include which, that only model/ (and the
-- simulation plan) reaches the model's own structures, that the binding
-- and the host include public headers only, that public headers include
-- nothing internal, and that every source file begins by naming itself
-- and saying what it owns.  Reads the tree as text; runs from the
-- project root.
package.path = "tests/lua/?.lua;" .. package.path
local check = require "check"

-- part -> the parts its files may include besides their own and the
-- public headers (kessan/...)
local may_use = {
  base = {},
  formula = { "base" },
  model = { "base", "formula" },
  io = { "base", "formula", "model" },
  report = { "base", "formula", "model", "io" },
  whatif = { "base", "formula", "model", "io" },
  simulate = { "base", "formula", "model", "io" },
  chart = { "base", "model", "io" },
}
-- the one file outside model/ allowed the model's own structures, and why
-- (its head comment says so)
local private_model_readers = {
  ["core/simulate/simulate_internal.h"] = true,
}

local function set_of(list)
  local set = {}
  for _, name in ipairs(list) do set[name] = true end
  return set
end

local function files_under(dir)
  local list = {}
  local pipe = assert(io.popen("find " .. check.quote(dir)
                               .. " -name '*.[ch]' -type f | sort"))
  for path in pipe:lines() do list[#list + 1] = path end
  pipe:close()
  return list
end

local function includes_of(path)
  local found = {}
  local number = 0
  for line in io.lines(path) do
    number = number + 1
    local target = line:match('^%s*#%s*include%s+"([^"]+)"')
    if target then found[#found + 1] = { target = target, line = number } end
  end
  return found
end

local failures = {}
local function fail(path, line, message)
  failures[#failures + 1] = string.format("%s:%d: %s", path, line, message)
end

-- every file begins "/*\n * NAME -- what it owns"
local function check_head(path)
  local f = assert(io.open(path))
  local first, second = f:read("l"), f:read("l")
  f:close()
  local name = path:match("([^/]+)$")
  if first ~= "/*" or not second
     or not second:find(" * " .. name .. " -- ", 1, true) then
    fail(path, 1, "does not begin with a comment naming it ('/*' then"
                  .. " ' * " .. name .. " -- what it owns')")
  end
end

local parts_seen = {}
for _, path in ipairs(files_under("core")) do
  check_head(path)
  local part = path:match("^core/([^/]+)/")
  if part == "include" then
    for _, inc in ipairs(includes_of(path)) do
      if not inc.target:match("^kessan/") then
        fail(path, inc.line, "a public header includes an internal one: "
                             .. inc.target)
      end
    end
  else
    local allowed = may_use[part]
    if not allowed then
      fail(path, 1, "core/" .. part .. "/ is no part of the map"
                    .. " (docs/architecture.md)")
    else
      parts_seen[part] = true
      local allowed_set = set_of(allowed)
      for _, inc in ipairs(includes_of(path)) do
        local other = inc.target:match("^([^/]+)/")
        if not other then
          fail(path, inc.line, "include names no part: " .. inc.target)
        elseif other ~= part and other ~= "kessan"
               and not allowed_set[other] then
          fail(path, inc.line, part .. "/ may not use " .. other .. "/ ("
                               .. inc.target .. ")")
        end
        if inc.target == "model/model_internal.h" and part ~= "model"
           and not private_model_readers[path] then
          fail(path, inc.line, "only model/ includes model_internal.h")
        end
      end
    end
  end
end
for part in pairs(may_use) do
  check.eq(parts_seen[part], true, "core/" .. part .. "/ has files")
end

-- the binding and the host: public headers and their own
for layer, own in pairs{ binding = { "binding" },
                         host = { "host", "binding" } } do
  local own_set = set_of(own)
  for _, path in ipairs(files_under("lua/" .. layer)) do
    check_head(path)
    for _, inc in ipairs(includes_of(path)) do
      local other = inc.target:match("^([^/]+)/")
      if not (other == "kessan" or own_set[other]) then
        fail(path, inc.line, "lua/" .. layer .. "/ includes only public"
                             .. " headers and its own: " .. inc.target)
      end
    end
  end
end

if #failures > 0 then
  error("the tree departs from docs/architecture.md:\n  "
        .. table.concat(failures, "\n  "), 0)
end
print("test_architecture: ok")
