// adopt_nanobind_state (see nanobind_state.h).

#include "nanobind_state.h"

namespace tessera::python {

void adopt_nanobind_state(nanobind::detail::nb_internals* state) {
  nanobind::detail::init_singletons();
  nanobind::detail::internals = state;
}

}  // namespace tessera::python
