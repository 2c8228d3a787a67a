-- --max-memory nan: refused (a NaN cast to size_t)
-- options: --sandbox --timeout 2 --max-memory nan
-- expect: usage
-- stderr: max-memory|timeout
-- (the script itself does nothing that needs a limit)
print("ran")
