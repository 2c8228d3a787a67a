-- --max-memory -1: refused
-- options: --sandbox --timeout 2 --max-memory -1
-- expect: usage
-- stderr: max-memory|timeout
-- (the script itself does nothing that needs a limit)
print("ran")
