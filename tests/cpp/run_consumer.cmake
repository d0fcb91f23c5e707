# Installs the already-built library into WORK_DIR/prefix, then builds and runs tests/consumer
# against that prefix with find_package(ictaltrack). Run by ctest as `cmake_package_consumer`.
file(REMOVE_RECURSE "${WORK_DIR}")
execute_process(COMMAND ${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${WORK_DIR}/prefix"
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "install failed (${rc})")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -S "${SOURCE_DIR}/tests/consumer" -B "${WORK_DIR}/build"
                        -G "${CMAKE_GENERATOR}" -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "configuring the consumer failed (${rc})")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build "${WORK_DIR}/build" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "building the consumer failed (${rc})")
endif()
# The project's own sample files when present, else the EDF.jl corpus folder beside the checkout.
set(edf_folder "${SOURCE_DIR}/sample_edf")
file(GLOB sample_files "${edf_folder}/*.edf")
if(NOT sample_files)
  get_filename_component(edf_folder "${SOURCE_DIR}/../shared/corpus/edfjl" ABSOLUTE)
  file(GLOB sample_files "${edf_folder}/*.edf")
endif()
if(NOT sample_files)
  message(STATUS "consumer built; not run: no .edf in sample_edf/ nor in ../shared/corpus/edfjl")
  return()
endif()
execute_process(COMMAND "${WORK_DIR}/build/consumer" "${edf_folder}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message(STATUS "consumer output:\n${out}${err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the consumer program failed (${rc})")
endif()
# Live use of the streaming detector on a recording with seizures when there is one.
set(live_file "${SOURCE_DIR}/sample_edf/migrating_referential.edf")
if(NOT EXISTS "${live_file}")
  list(GET sample_files 0 live_file)
endif()
execute_process(COMMAND "${WORK_DIR}/build/live" "${live_file}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message(STATUS "live output:\n${out}${err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the live program failed (${rc})")
endif()
