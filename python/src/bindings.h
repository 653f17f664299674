#pragma once
// The pieces of the _tessera module, each binding one part of the C++ API.

#include <nanobind/nanobind.h>

namespace tessera::python {

void bind_errors(nanobind::module_& module);
void bind_image(nanobind::module_& module);
void bind_ops(nanobind::module_& module);

}  // namespace tessera::python
