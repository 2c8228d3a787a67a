-- print to a full standard output (/dev/full): the script's output is
-- lost, so kessan must say so and exit 1, never report success
-- stdout: full
-- expect: error
-- stderr: standard output|write
print("a line that cannot be written")
