-- a crafted binary chunk named like a CSV file, reached through require
-- with package.path pointing at *.csv: the sandbox must load text only
-- setup: bytecode evil.csv
-- expect: error
-- stderr: binary
package.path = "./?.csv"
require "evil"
