#include "bindings.hpp"

namespace py = pybind11;

namespace ictaltrack::python {
void register_scoring(py::module_& m) {
  (void)m;  // filled in by the scoring stage
}
}  // namespace ictaltrack::python
