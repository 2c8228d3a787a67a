-- busy loops in string.gsub and table.sort callbacks
-- expect: error
-- stderr: timeout|interrupted
while true do
  pcall(string.gsub, "xxxx", ".", function() while true do end end)
  pcall(table.sort, {3, 2, 1, 5, 4}, function() while true do end end)
end
