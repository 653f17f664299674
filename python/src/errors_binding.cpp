// tessera::Error as the Python class of its code (python/tessera/errors.py), with the code, the
// path and the message as attributes, so that Python code catches it idiomatically.

#include <nanobind/nanobind.h>
#include <nanobind/stl/string.h>

#include <exception>
#include <typeinfo>

#include "bindings.h"
#include "tessera/error.h"

namespace nb = nanobind;

namespace tessera::python {

void bind_errors(nb::module_& module) {
  (void)module;
  nb::register_exception_translator([](const std::exception_ptr& thrown, void*) {
    try {
      std::rethrow_exception(thrown);
    } catch (const Error& error) {
      const nb::object errors = nb::module_::import_("tessera.errors");
      const std::string code(to_string(error.code()));
      const nb::object type = errors.attr("_class_for")(code, error.os_error());
      const nb::object path = error.path().empty() ? nb::none() : nb::cast(error.path());
      const nb::object instance =
          type(std::string(error.what()), code, path, error.message(), error.os_error());
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
