-- --max-memory 1e30 (beyond size_t): refused
-- options: --sandbox --timeout 2 --max-memory 1e30
-- expect: usage
-- stderr: max-memory|timeout
-- (the script itself does nothing that needs a limit)
print("ran")
