// _tessera: the C++ library's Python face. The module is thin: behaviour lives in libtessera,
// and python/tessera/__init__.py arranges these names as the package users import.

#include <nanobind/nanobind.h>

#include "bindings.h"
#include "nanobind_state.h"
#include "python_call.h"
#include "tessera/version.h"

NB_MODULE(_tessera, module) {
  tessera::python::adopt_nanobind_state(nanobind::detail::internals);
  module.doc() = "tessera's C++ core (import tessera, not this)";
  module.attr("__version__") = tessera::kVersion;
  tessera::python::bind_errors(module);
  tessera::python::bind_image(module);
  tessera::python::bind_ops(module);
  tessera::python::bind_convert(module);
  tessera::python::bind_batch(module);
  tessera::python::bind_source(module);
  tessera::python::bind_memory(module);
  tessera::python::bind_report(module);
  tessera::python::bind_tracemalloc(module);
  tessera::python::guard_daemon_threads_at_exit(module);
}
