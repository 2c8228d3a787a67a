-- --timeout nan: refused (a NaN deadline never passes)
-- options: --sandbox --max-memory 64 --timeout nan
-- expect: usage
-- stderr: max-memory|timeout
-- (the script itself does nothing that needs a limit)
print("ran")
