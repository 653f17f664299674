#pragma once
// libtessera_python holds the bindings and their helpers for both extension modules, but it is
// no module itself: nanobind 3 keeps, in each binary, a hidden pointer to its state (the
// registry of bound types, the exception translators) that NB_MODULE sets, and a cache of
// Python's singletons (None, True, ...). Each module hands its state to the library first
// thing, so that the library's calls see the types the modules see (both modules are in the
// same nanobind domain: it is one state).

#include <nanobind/nanobind.h>

#pragma GCC visibility push(default)  // called by the modules; see bindings.h
namespace tessera::python {

void adopt_nanobind_state(nanobind::detail::nb_internals* state);

}  // namespace tessera::python
#pragma GCC visibility pop
