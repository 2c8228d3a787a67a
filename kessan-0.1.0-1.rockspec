-- kessan-0.1.0-1.rockspec -- the kessan Lua module (kessan.so) and the
-- kessan program, built with CMake.  `luarocks make` from a checkout
-- (Debian: libcsv-dev, liblua5.4-dev; `luarocks --lua-version 5.4`).
rockspec_format = "3.0"
package = "kessan"
version = "0.1.0-1"
source = {
  url = "git+https://example.invalid/kessan.git",
  tag = "v0.1.0",
}
description = {
  summary = "Company earnings models: a C engine with a Lua 5.4 API",
  detailed = [[
    kessan loads a company's reported statements as a model of line items
    across fiscal periods, checks that the release ties, and answers
    what-if questions from short Lua scripts: scenarios, goal seek, data
    tables and Monte Carlo.
  ]],
  license = "MIT",
}
dependencies = {
  "lua >= 5.4, < 5.5",
}
external_dependencies = {
  CSV = { header = "csv.h", library = "csv" },
}
-- CMake builds both (the module into $(LIBDIR), the program into
-- $(BINDIR), which luarocks puts on the tree's bin); libcsv is found where
-- luarocks found it (CSV_DIR, CSV_INCDIR, CSV_LIBDIR).
build = {
  type = "cmake",
  variables = {
    CMAKE_BUILD_TYPE = "Release",
    CMAKE_INSTALL_PREFIX = "$(PREFIX)",
    CMAKE_INSTALL_BINDIR = "$(BINDIR)",
    LUA_CMOD_DIR = "$(LIBDIR)",
    LUA_INCLUDE_DIR = "$(LUA_INCDIR)",
    CSV_INCDIR = "$(CSV_INCDIR)",
    CSV_LIBDIR = "$(CSV_LIBDIR)",
    KESSAN_TESTS = "OFF",
    KESSAN_BENCH = "OFF",
    KESSAN_INSTALL_LIBRARY = "OFF",
  },
}
