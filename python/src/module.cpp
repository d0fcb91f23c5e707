// The private extension module ictaltrack._core. The public API is the pure-Python package
// `ictaltrack`, which re-exports what is defined here with docstrings and type stubs.
#include "bindings.hpp"

PYBIND11_MODULE(_core, m) {
  m.doc() = "ictaltrack private extension module (use the `ictaltrack` package instead)";
  m.attr("__version__") = ICTALTRACK_VERSION;
  ictaltrack::python::register_errors(m);
  ictaltrack::python::register_io(m);
  ictaltrack::python::register_spectral(m);
  ictaltrack::python::register_electrodes(m);
  ictaltrack::python::register_simulate(m);
  ictaltrack::python::register_scoring(m);
  ictaltrack::python::register_detect(m);
  ictaltrack::python::register_migrate(m);
}
