#include "bindings.hpp"
#include "ictaltrack/errors.hpp"

namespace py = pybind11;

namespace ictaltrack::python {
namespace {
// Raises the Python exception class `name` of ictaltrack._core with `message`, then sets
// attributes on the instance (so Python code can inspect field, signal, byte offset, path).
template <typename SetAttributes>
void raise_python(const char* name, const char* message, SetAttributes&& set_attributes) {
  py::object type = py::module_::import("ictaltrack._core").attr(name);
  py::object instance = type(message);
  set_attributes(instance);
  PyErr_SetObject(type.ptr(), instance.ptr());
}
}  // namespace

void register_errors(py::module_& m) {
  // Python-side classes: ictaltrack.Error (a RuntimeError) <- FormatError / IoError /
  // UnsupportedError. FormatError carries .field, .signal, .byte_offset; IoError carries .path.
  py::exception<Error> base(m, "Error", PyExc_RuntimeError);
  py::exception<FormatError>(m, "FormatError", base);
  py::exception<IoError>(m, "IoError", base);
  py::exception<UnsupportedError>(m, "UnsupportedError", base);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const FormatError& e) {
      raise_python("FormatError", e.what(), [&](py::object& exc) {
        exc.attr("field") = e.field();
        exc.attr("signal") = e.signal();
        exc.attr("byte_offset") = e.byte_offset();
      });
    } catch (const IoError& e) {
      raise_python("IoError", e.what(), [&](py::object& exc) { exc.attr("path") = e.path(); });
    } catch (const UnsupportedError& e) {
      raise_python("UnsupportedError", e.what(), [](py::object&) {});
    } catch (const Error& e) {
      raise_python("Error", e.what(), [](py::object&) {});
    }
  });
}
}  // namespace ictaltrack::python
