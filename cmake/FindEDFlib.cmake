# FindEDFlib
# ----------
# Finds EDFlib (Teunis van Beelen), shipped by Debian as `libedf-dev`, which has no CMake config.
#
# Result: imported target `EDFlib::EDFlib`, variables `EDFlib_FOUND`, `EDFlib_INCLUDE_DIR`,
# `EDFlib_LIBRARY`. The header carries no version macro; `edflib_version()` reports it at run time.
find_path(EDFlib_INCLUDE_DIR NAMES edflib.h)
find_library(EDFlib_LIBRARY NAMES edf)

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(EDFlib
  REQUIRED_VARS EDFlib_LIBRARY EDFlib_INCLUDE_DIR)

if(EDFlib_FOUND AND NOT TARGET EDFlib::EDFlib)
  add_library(EDFlib::EDFlib UNKNOWN IMPORTED)
  set_target_properties(EDFlib::EDFlib PROPERTIES
    IMPORTED_LOCATION "${EDFlib_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${EDFlib_INCLUDE_DIR}")
endif()
mark_as_advanced(EDFlib_INCLUDE_DIR EDFlib_LIBRARY)
