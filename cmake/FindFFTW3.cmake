# FindFFTW3
# ---------
# Finds FFTW3 (Debian `libfftw3-dev`): the double-precision library and, when present, the
# single-precision one. Debian's package ships no usable CMake config for them, hence this module.
#
# Result: imported targets `FFTW3::fftw3` (double) and `FFTW3::fftw3f` (float, if found);
# variables `FFTW3_FOUND`, `FFTW3_INCLUDE_DIR`, `FFTW3_LIBRARY`, `FFTW3F_LIBRARY`.
find_path(FFTW3_INCLUDE_DIR NAMES fftw3.h)
find_library(FFTW3_LIBRARY NAMES fftw3)
find_library(FFTW3F_LIBRARY NAMES fftw3f)

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(FFTW3 REQUIRED_VARS FFTW3_LIBRARY FFTW3_INCLUDE_DIR)

if(FFTW3_FOUND AND NOT TARGET FFTW3::fftw3)
  add_library(FFTW3::fftw3 UNKNOWN IMPORTED)
  set_target_properties(FFTW3::fftw3 PROPERTIES
    IMPORTED_LOCATION "${FFTW3_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${FFTW3_INCLUDE_DIR}")
endif()
if(FFTW3_FOUND AND FFTW3F_LIBRARY AND NOT TARGET FFTW3::fftw3f)
  add_library(FFTW3::fftw3f UNKNOWN IMPORTED)
  set_target_properties(FFTW3::fftw3f PROPERTIES
    IMPORTED_LOCATION "${FFTW3F_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${FFTW3_INCLUDE_DIR}")
endif()
mark_as_advanced(FFTW3_INCLUDE_DIR FFTW3_LIBRARY FFTW3F_LIBRARY)
