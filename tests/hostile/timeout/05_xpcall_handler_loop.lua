-- the message handler itself loops forever
-- expect: error
-- stderr: timeout|interrupted
while true do xpcall(function() while true do end end, function() while true do end end) end
