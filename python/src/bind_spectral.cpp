#include "bindings.hpp"

namespace py = pybind11;

namespace ictaltrack::python {
void register_spectral(py::module_& m) {
  (void)m;  // filled in by the spectral stage
}
}  // namespace ictaltrack::python
