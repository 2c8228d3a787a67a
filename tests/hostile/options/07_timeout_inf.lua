-- --timeout inf: refused
-- options: --sandbox --max-memory 64 --timeout inf
-- expect: usage
-- stderr: max-memory|timeout
-- (the script itself does nothing that needs a limit)
print("ran")
