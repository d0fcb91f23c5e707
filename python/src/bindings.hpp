// One registration function per pipeline stage, each in its own bind_<stage>.cpp.
// Conventions: convert and check arguments with the GIL held, then run the C++ work inside a
// narrow py::gil_scoped_release scope; never touch Python objects without the GIL.
#pragma once

#include <pybind11/pybind11.h>

#include <vector>

#include "ictaltrack/warning.hpp"

namespace ictaltrack::python {
void register_errors(pybind11::module_& m);
void register_io(pybind11::module_& m);
void register_spectral(pybind11::module_& m);
void register_electrodes(pybind11::module_& m);
void register_simulate(pybind11::module_& m);
void register_scoring(pybind11::module_& m);
void register_detect(pybind11::module_& m);
void register_migrate(pybind11::module_& m);

/// A Warning as the dict {"code", "message", "signal"} (the one form warnings take in Python).
pybind11::dict warning_to_dict(const Warning& warning);
pybind11::list warnings_to_list(const std::vector<Warning>& warnings);
}  // namespace ictaltrack::python
