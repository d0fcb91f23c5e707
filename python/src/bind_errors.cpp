#include <cerrno>
#include <string>

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

// The Python class of an IoError: the OSError subclass that Python's own open() would raise for
// the same errno (so `except FileNotFoundError` catches a missing input), else IoError itself.
const char* io_error_class(int error_number) {
  switch (error_number) {
    case ENOENT:
      return "FileNotFoundIoError";
    case EACCES:
    case EPERM:
      return "PermissionIoError";
    case EISDIR:
      return "IsADirectoryIoError";
    default:
      return "IoError";
  }
}

// A class `name` of this module deriving from every class in `bases` (PyErr_NewException takes
// a tuple of bases).
void add_exception(py::module_& m, const char* name, const py::tuple& bases) {
  const std::string full_name = std::string("ictaltrack._core.") + name;
  m.attr(name) = py::reinterpret_steal<py::object>(
      PyErr_NewException(full_name.c_str(), bases.ptr(), nullptr));
}
}  // namespace

void register_errors(py::module_& m) {
  // Python-side classes: ictaltrack.Error (a RuntimeError) <- FormatError / IoError /
  // UnsupportedError. FormatError carries .field, .signal, .byte_offset; IoError (also an
  // OSError) carries .path and .errno, and is raised as FileNotFoundIoError (also a
  // FileNotFoundError), PermissionIoError (PermissionError) or IsADirectoryIoError
  // (IsADirectoryError) when the errno says so.
  py::exception<Error> base(m, "Error", PyExc_RuntimeError);
  py::exception<FormatError>(m, "FormatError", base);
  py::exception<IoError> io(m, "IoError", py::make_tuple(base, py::handle(PyExc_OSError)));
  add_exception(m, "FileNotFoundIoError", py::make_tuple(io, py::handle(PyExc_FileNotFoundError)));
  add_exception(m, "PermissionIoError", py::make_tuple(io, py::handle(PyExc_PermissionError)));
  add_exception(m, "IsADirectoryIoError", py::make_tuple(io, py::handle(PyExc_IsADirectoryError)));
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
      // Only errno is set on the OSError side: with strerror or filename set, OSError's str()
      // would replace the message (which already names the reason and the path).
      raise_python(io_error_class(e.error_number()), e.what(), [&](py::object& exc) {
        exc.attr("path") = e.path();
        if (e.error_number() != 0) exc.attr("errno") = e.error_number();
      });
    } catch (const UnsupportedError& e) {
      raise_python("UnsupportedError", e.what(), [](py::object&) {});
    } catch (const Error& e) {
      raise_python("Error", e.what(), [](py::object&) {});
    }
  });
}
}  // namespace ictaltrack::python
