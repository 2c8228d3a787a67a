-- --max-memory inf: refused
-- options: --sandbox --timeout 2 --max-memory inf
-- expect: usage
-- stderr: max-memory|timeout
-- (the script itself does nothing that needs a limit)
print("ran")
