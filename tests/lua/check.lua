-- check.lua -- small assertions for the Lua tests: equality with a message,
-- near equality, and an expected error whose message matches a pattern.
local check = {}

function check.eq(actual, expected, what)
  if actual ~= expected then
    error(string.format("%s: expected %s, got %s", what or "value",
                        tostring(expected), tostring(actual)), 2)
  end
end

function check.near(actual, expected, what, tolerance)
  tolerance = tolerance or 1e-9
  if type(actual) ~= "number" or math.abs(actual - expected) > tolerance then
    error(string.format("%s: expected %s, got %s", what or "value",
                        tostring(expected), tostring(actual)), 2)
  end
end

-- f(...) must raise an error whose message contains `pattern` (plain text).
function check.raises(pattern, f, ...)
  local ok, message = pcall(f, ...)
  if ok then
    error("expected an error containing '" .. pattern .. "'", 2)
  end
  message = tostring(message)
  if not message:find(pattern, 1, true) then
    error("expected an error containing '" .. pattern .. "', got: " .. message, 2)
  end
  return message
end

-- A temporary file name that is removed by check.cleanup().
local temporaries = {}
function check.tmpname(suffix)
  local base = os.tmpname()
  temporaries[#temporaries + 1] = base
  local name = base .. (suffix or "")
  temporaries[#temporaries + 1] = name
  return name
end

function check.cleanup()
  for _, name in ipairs(temporaries) do os.remove(name) end
  temporaries = {}
end

return check
