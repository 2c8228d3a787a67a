-- print with standard output closed (EBADF): exit 1 with a message
-- stdout: closed
-- expect: error
-- stderr: standard output|write
print("nowhere to go")
