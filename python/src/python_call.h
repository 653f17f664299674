#pragma once
// How a binding enters the C++ library on behalf of a Python line. Two guards:
// - PythonCaller, for calls that keep the GIL (region()): while profiling is on, the user's line
//   (the innermost frame outside the tessera package) is named to the profiler with a
//   memory::CallerScope, so leak reports and compare() say "pipeline.py:42";
// - PixelCall, for every call that touches pixels: a PythonCaller that also releases the GIL
//   (threads of a ThreadPoolExecutor run at once) and lets tracemalloc see the buffers allocated.
//
// tracemalloc: each buffer tessera allocates on a Python thread is reported with
// PyTraceMalloc_Track in a domain of its own (tessera.tracemalloc_domain), so its traceback is
// the Python line that asked for it. tessera's own threads never call into Python: buffers they
// allocate are not reported, and a reported buffer that one of them frees is untracked by the
// next Python call (PixelCall's end).

#include <nanobind/nanobind.h>

#include <optional>

#include "tessera/profiler.h"

// Exported from libtessera_python for both extension modules: nanobind's types are hidden (it
// expects to live inside one module), and GCC would hide every function that takes one.
#pragma GCC visibility push(default)
namespace tessera::python {

// The GIL let go for a scope, as nanobind::gil_scoped_release, except at interpreter exit: a
// daemon thread that takes the GIL back then is ended by pthread_exit, and that unwinding
// through a destructor (noexcept) is std::terminate, an abort at exit. Such a thread waits for
// the process to end instead, as Python 3.14 makes such threads do.
class GilReleased {
 public:
  GilReleased();  // with the GIL held
  ~GilReleased();
  GilReleased(const GilReleased&) = delete;
  GilReleased& operator=(const GilReleased&) = delete;

 private:
  PyThreadState* state_;
};

class PythonCaller {
 public:
  PythonCaller();  // with the GIL held
  PythonCaller(const PythonCaller&) = delete;
  PythonCaller& operator=(const PythonCaller&) = delete;

 private:
  std::optional<memory::CallerScope> scope_;
};

class PixelCall {
 public:
  PixelCall() = default;  // with the GIL held; releases it
  ~PixelCall();           // takes it back, then untracks what tessera's threads freed
  PixelCall(const PixelCall&) = delete;
  PixelCall& operator=(const PixelCall&) = delete;

 private:
  PythonCaller caller_;  // named before the GIL goes: reading frames needs it
  std::optional<GilReleased> unlocked_{std::in_place};
};

// Makes GilReleased safe at interpreter exit (an atexit hook; see GilReleased).
void guard_daemon_threads_at_exit(nanobind::module_& module);

// Installs the tracemalloc hooks and tessera.tracemalloc_domain; removes the hooks at exit.
void bind_tracemalloc(nanobind::module_& module);

}  // namespace tessera::python
#pragma GCC visibility pop
