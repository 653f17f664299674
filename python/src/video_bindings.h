#pragma once
// The pieces of the _tessera_video module (tessera.video): FFmpeg's libraries are linked here
// only, so that `import tessera` does not load them. The helpers it shares with _tessera
// (bindings.h, python_call.h) live in libtessera_python, one copy for both modules.

#include <nanobind/nanobind.h>

#include "tessera/video.h"

namespace tessera::python {

void bind_video_reader(nanobind::module_& module);  // probe() and the frames' reader
void bind_video_run(nanobind::module_& module);     // process(): video::run

// What probe() says, as the dict tessera.video.VideoInfo is made from.
nanobind::dict info_dict(const video::VideoInfo& info);

}  // namespace tessera::python
