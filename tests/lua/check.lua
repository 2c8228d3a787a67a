-- check.lua -- what the Lua tests share: assertions (equality with a
-- message, near equality, an expected error whose message matches a
-- pattern), temporary files removed at the end, files read and written,
-- and the kessan program run as a shell runs it.
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

-- ---- files -----------------------------------------------------------------

-- The whole file, or nil when it does not open.
function check.read(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local text = f:read("a")
  f:close()
  return text
end

-- `path` made to hold `text` ("wb"), or `text` appended (mode "ab").
function check.write(path, text, mode)
  local f = assert(io.open(path, mode or "wb"))
  assert(f:write(text))
  assert(f:close())
end

-- ---- the program -----------------------------------------------------------

-- The kessan program to test: the script's first argument, else the
-- program running the script (arg's lowest index), a relative path made
-- absolute so that it still runs from another directory.
function check.program()
  local program = arg[1]
  if not program then
    local i = 0
    while arg[i - 1] do i = i - 1 end
    program = arg[i]
  end
  assert(program and program ~= "", "no program: pass PATH-TO-KESSAN")
  if program:find("/", 1, true) and program:sub(1, 1) ~= "/" then
    program = io.popen("pwd"):read("l") .. "/" .. program
  end
  return program
end

-- `s` as one word of a POSIX shell command.
function check.quote(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

-- Run `program` with `arguments` (shell words, quoted by the caller) and,
-- when given, the text `stdin` on its standard input.  Returns its exit
-- status, standard output, standard error, and how it ended ("exit" or
-- "signal").  A sanitizer's report on standard error fails the test.
local run_files
function check.run(program, arguments, stdin)
  run_files = run_files or {out = check.tmpname(".out"),
                            err = check.tmpname(".err"),
                            input = check.tmpname(".in")}
  local command = check.quote(program) .. " " .. arguments
  if stdin then
    check.write(run_files.input, stdin)
    command = command .. " <" .. check.quote(run_files.input)
  end
  command = command .. " >" .. check.quote(run_files.out) .. " 2>"
            .. check.quote(run_files.err)
  local _, how, code = os.execute(command)
  local err = check.read(run_files.err) or ""
  assert(not err:find("Sanitizer", 1, true) and
         not err:find("runtime error:", 1, true),
         "sanitizer report from " .. program .. " " .. arguments .. ":\n"
         .. err)
  return code, check.read(run_files.out) or "", err, how
end

function check.cleanup()
  for _, name in ipairs(temporaries) do os.remove(name) end
  temporaries = {}
  run_files = nil
end

return check
