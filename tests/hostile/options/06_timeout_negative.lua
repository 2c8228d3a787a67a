-- --timeout -1: refused
-- options: --sandbox --max-memory 64 --timeout -1
-- expect: usage
-- stderr: max-memory|timeout
-- (the script itself does nothing that needs a limit)
print("ran")
