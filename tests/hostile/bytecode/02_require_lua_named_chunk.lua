-- a crafted binary chunk under a .lua name on the default package.path
-- setup: bytecode evil.lua
-- expect: error
-- stderr: binary
require "evil"
