-- the Lua-file searcher called by hand, then its loader
-- setup: bytecode evil.csv
-- expect: ok
package.path = "./?.csv"
for i = 1, #package.searchers do
  local ok, loader, extra = pcall(package.searchers[i], "evil")
  if ok and type(loader) == "function" then
    local ran = pcall(loader, "evil", extra)
    error("searcher " .. i .. " returned a loader for a binary chunk")
  end
end
