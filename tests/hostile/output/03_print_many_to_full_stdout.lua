-- a hundred thousand lines to /dev/full, each print failing inside the
-- buffer: exit 1 with a message, within the timeout
-- stdout: full
-- expect: error
-- stderr: standard output|write
for i = 1, 100000 do print(i, string.rep("x", 40)) end
