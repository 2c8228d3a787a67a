-- a tight loop of errors caught by pcall (every instruction raises)
-- expect: error
-- stderr: timeout|interrupted
while true do pcall(error, "x") end
