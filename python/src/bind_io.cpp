#include "bindings.hpp"

namespace py = pybind11;

namespace ictaltrack::python {
void register_io(py::module_& m) {
  (void)m;  // filled in by the io stage
}
}  // namespace ictaltrack::python
