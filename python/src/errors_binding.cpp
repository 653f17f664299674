// tessera::Error as the Python class of its code (python/tessera/errors.py), with the code, the
// path and the message as attributes, so that Python code catches it idiomatically.

#include <nanobind/nanobind.h>
#include <nanobind/stl/string.h>

#include <exception>
#include <filesystem>
#include <string>
#include <string_view>
#include <typeinfo>

#include "bindings.h"
#include "tessera/error.h"

namespace nb = nanobind;

namespace tessera::python {

namespace {

// Neither decoding fails but for want of memory.
nb::str checked(PyObject* text) {
  if (text == nullptr) throw nb::python_error();
  return nb::steal<nb::str>(text);
}

}  // namespace

nb::str path_str(const std::filesystem::path& path) {
  const std::string& native = path.native();
  return checked(
      PyUnicode_DecodeFSDefaultAndSize(native.data(), static_cast<Py_ssize_t>(native.size())));
}

nb::str message_str(std::string_view text) {
  return checked(
      PyUnicode_DecodeUTF8(text.data(), static_cast<Py_ssize_t>(text.size()), "backslashreplace"));
}

void bind_errors(nb::module_& module) {
  (void)module;
  nb::register_exception_translator([](const std::exception_ptr& thrown, void*) {
    try {
      std::rethrow_exception(thrown);
    } catch (const Error& error) {
      const nb::object errors = nb::module_::import_("tessera.errors");
      const std::string code(to_string(error.code()));
      const nb::object type = errors.attr("_class_for")(code, error.os_error());
      // A file name that is not UTF-8 must not turn the error into a UnicodeDecodeError.
      const nb::object path =
          error.path().empty() ? nb::none() : nb::object(path_str(error.path()));
      const nb::object instance = type(message_str(error.what()), code, path,
                                       message_str(error.message()), error.os_error());
      PyErr_SetObject(type.ptr(), instance.ptr());
    } catch (const std::bad_cast&) {
      // A Python value nanobind could not convert inside a binding (a numpy array where a
      // tessera.Image goes, a value of the wrong type): a TypeError, as Python's own calls say.
      PyErr_SetString(PyExc_TypeError,
                      "tessera: an argument has the wrong type (an Image is made with "
                      "tessera.Image(array); sizes are ints or text such as \"512M\")");
    }
  });
}

}  // namespace tessera::python
