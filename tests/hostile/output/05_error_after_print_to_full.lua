-- output lost to /dev/full, then the script fails: one exit 1, both
-- reported, no crash in the exit path
-- stdout: full
-- expect: error
print(string.rep("y", 100000))
error("and then an error")
