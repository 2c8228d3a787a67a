-- --max-memory 0.0000001 rounds to 0 bytes (unlimited): refused
-- options: --sandbox --timeout 2 --max-memory 0.0000001
-- expect: usage
-- stderr: max-memory|timeout
-- (the script itself does nothing that needs a limit)
print("ran")
