# FindCSV.cmake -- libcsv (Debian: libcsv-dev), which ships no pkg-config or
# CMake file.  Defines CSV_FOUND and the imported target CSV::CSV.
# CSV_INCDIR and CSV_LIBDIR (what luarocks calls the external dependency's
# directories; the rockspec passes them) are looked in first.
find_path(CSV_INCLUDE_DIR csv.h HINTS ${CSV_INCDIR})
find_library(CSV_LIBRARY NAMES csv HINTS ${CSV_LIBDIR})
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(CSV
  REQUIRED_VARS CSV_LIBRARY CSV_INCLUDE_DIR
  FAIL_MESSAGE "libcsv not found: install Debian's libcsv-dev (scripts/dev/setup does)")
if(CSV_FOUND AND NOT TARGET CSV::CSV)
  add_library(CSV::CSV UNKNOWN IMPORTED)
  set_target_properties(CSV::CSV PROPERTIES
    IMPORTED_LOCATION "${CSV_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${CSV_INCLUDE_DIR}")
endif()
mark_as_advanced(CSV_INCLUDE_DIR CSV_LIBRARY)
