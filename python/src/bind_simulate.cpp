#include "bindings.hpp"

namespace py = pybind11;

namespace ictaltrack::python {
void register_simulate(py::module_& m) {
  (void)m;  // filled in by the simulate stage
}
}  // namespace ictaltrack::python
