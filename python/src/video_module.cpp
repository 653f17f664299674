// _tessera_video: tessera's video layer (FFmpeg's libraries) as python/tessera/video.py uses it.
// Imported after _tessera, whose tessera.Image and exception translation it relies on.

#include <nanobind/nanobind.h>

#include "nanobind_state.h"
#include "video_bindings.h"

NB_MODULE(_tessera_video, module) {
  tessera::python::adopt_nanobind_state(nanobind::detail::internals);
  module.doc() = "tessera's video layer (import tessera.video, not this)";
  // tessera.Image must be a bound type before frames are cast to it.
  nanobind::module_::import_("tessera._tessera");
  tessera::python::bind_video_reader(module);
  tessera::python::bind_video_run(module);
}
