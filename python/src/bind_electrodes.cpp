#include "bindings.hpp"

namespace py = pybind11;

namespace ictaltrack::python {
void register_electrodes(py::module_& m) {
  (void)m;  // filled in by the electrodes stage
}
}  // namespace ictaltrack::python
