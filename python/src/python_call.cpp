// PythonCaller, PixelCall and the tracemalloc bridge (see python_call.h).

#include "python_call.h"

#include <Python.h>
#include <dlfcn.h>
#include <frameobject.h>
#include <nanobind/stl/string.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "tessera/memory.h"

namespace nb = nanobind;

namespace tessera::python {
namespace {

// tracemalloc's domain for tessera's pixels, as numpy has 389047 for its arrays. Any number
// other than 0 (Python's own heap) works; this one spells "7E55E7A".
constexpr unsigned int kTracemallocDomain = 0x7E55E7A;

// Python 3.11's tracemalloc.h declares PyTraceMalloc_Track/Untrack without extern "C", so a
// C++ call would look for mangled names: they are looked up by their C names instead.
struct TracemallocApi {
  int (*track)(unsigned int, std::uintptr_t, std::size_t) = nullptr;
  int (*untrack)(unsigned int, std::uintptr_t) = nullptr;
};
const TracemallocApi& tracemalloc_api() {
  static const TracemallocApi api = [] {
    TracemallocApi found;
    found.track =
        reinterpret_cast<decltype(found.track)>(dlsym(RTLD_DEFAULT, "PyTraceMalloc_Track"));
    found.untrack =
        reinterpret_cast<decltype(found.untrack)>(dlsym(RTLD_DEFAULT, "PyTraceMalloc_Untrack"));
    return found;
  }();
  return api;
}

int track(std::uintptr_t address, std::size_t bytes) {
  const auto function = tracemalloc_api().track;
  return function != nullptr ? function(kTracemallocDomain, address, bytes) : -2;
}

void untrack(std::uintptr_t address) {
  const auto function = tracemalloc_api().untrack;
  if (function != nullptr) (void)function(kTracemallocDomain, address);
}

// Set on a thread once it calls into tessera from Python: the only threads that may report to
// tracemalloc. tessera's own threads never set it.
thread_local bool python_thread = false;

// The package's folder ("/.../site-packages/tessera/"), where this module's file lies: frames
// in it are tessera's, not the user's.
const std::string& package_folder() {
  static const std::string* const folder = [] {
    Dl_info info{};
    std::string path;
    if (dladdr(reinterpret_cast<const void*>(&package_folder), &info) != 0 &&
        info.dli_fname != nullptr) {
      path = info.dli_fname;
    }
    return new std::string(path.substr(0, path.rfind('/') + 1));
  }();
  return *folder;
}

// The innermost Python frame outside the package, as "file:line"; empty when there is none.
std::string user_line() {
  PyFrameObject* frame = PyEval_GetFrame();  // borrowed
  if (frame == nullptr) return {};
  Py_INCREF(frame);
  std::string line;
  const std::string& skip = package_folder();
  while (frame != nullptr) {
    PyCodeObject* code = PyFrame_GetCode(frame);
    const char* file = PyUnicode_AsUTF8(code->co_filename);
    Py_DECREF(code);
    if (file == nullptr) {
      PyErr_Clear();
    } else if (skip.empty() || std::string_view(file).rfind(skip, 0) != 0) {
      line = std::string(file) + ":" + std::to_string(PyFrame_GetLineNumber(frame));
      Py_DECREF(frame);
      return line;
    }
    PyFrameObject* back = PyFrame_GetBack(frame);
    Py_DECREF(frame);
    frame = back;
  }
  return line;
}

// Buffers reported to tracemalloc that tessera's own threads freed, untracked by the next
// Python call.
struct PendingUntracks {
  std::mutex mutex;
  std::vector<std::uintptr_t> addresses;
  std::atomic<bool> any{false};
};
PendingUntracks& pending() {
  static auto* const untracks = new PendingUntracks;
  return *untracks;
}

void untrack_pending() noexcept {
  PendingUntracks& untracks = pending();
  if (!untracks.any.load(std::memory_order_acquire)) return;
  std::vector<std::uintptr_t> addresses;
  {
    std::lock_guard lock(untracks.mutex);
    addresses.swap(untracks.addresses);
    untracks.any.store(false, std::memory_order_release);
  }
  for (const std::uintptr_t address : addresses) {
    untrack(address);
  }
}

bool on_allocated(const void* data, std::size_t bytes) noexcept {
  if (!python_thread) return false;
  const auto address = reinterpret_cast<std::uintptr_t>(data);
  PendingUntracks& untracks = pending();
  if (untracks.any.load(std::memory_order_acquire)) {
    // malloc gave back an address whose untrack is still pending: it must not hit this buffer.
    std::lock_guard lock(untracks.mutex);
    std::erase(untracks.addresses, address);
  }
  // Returns -2 at once, without the GIL, when tracemalloc is not tracing: then the free is not
  // reported either.
  return track(address, bytes) == 0;
}

void on_freed(const void* data, std::size_t) noexcept {
  const auto address = reinterpret_cast<std::uintptr_t>(data);
  if (python_thread) {
    untrack(address);
    return;
  }
  PendingUntracks& untracks = pending();
  std::lock_guard lock(untracks.mutex);
  untracks.addresses.push_back(address);
  untracks.any.store(true, std::memory_order_release);
}

}  // namespace

PythonCaller::PythonCaller() {
  python_thread = true;
  if (memory::profiling()) {
    const std::string line = user_line();
    if (!line.empty()) scope_.emplace(line);
  }
}

namespace {

// Set by an atexit hook, before the interpreter starts finalizing (after that, a thread that
// takes the GIL is ended with pthread_exit).
std::atomic<bool> exiting{false};
// The thread that runs the exit (atexit handlers run later than ours may still call tessera on
// it: it must never wait).
std::atomic<std::thread::id> exiting_thread{};
// Threads in ~GilReleased that found `exiting` false and are taking the GIL back.
std::atomic<int> retaking{0};

}  // namespace

GilReleased::GilReleased() : state_(PyEval_SaveThread()) {}

GilReleased::~GilReleased() {
  ++retaking;
  if (exiting && std::this_thread::get_id() != exiting_thread.load()) {
    --retaking;
    for (;;) pause();  // the process is ending: this thread must not run Python again
  }
  PyEval_RestoreThread(state_);
  --retaking;
}

void guard_daemon_threads_at_exit(nb::module_&) {
  // At exit (atexit runs before finalizing starts), with the GIL held: from now on a thread
  // leaving a GilReleased scope waits for the end; those already taking the GIL back (they
  // found `exiting` false, seq_cst on both sides) are let through before finalizing starts, and
  // may return to Python, where pthread_exit ends them in Python's own frames, safely.
  nb::module_::import_("atexit").attr("register")(nb::cpp_function([] {
    exiting_thread = std::this_thread::get_id();
    exiting = true;
    PyThreadState* const main = PyEval_SaveThread();
    while (retaking.load() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    PyEval_RestoreThread(main);
  }));
}

PixelCall::~PixelCall() {
  unlocked_.reset();
  untrack_pending();
}

void bind_tracemalloc(nb::module_& module) {
  module.attr("tracemalloc_domain") = kTracemallocDomain;
  (void)tracemalloc_api();  // looked up now, not on the first allocation of some thread
  memory::set_allocation_hooks({.allocated = on_allocated, .freed = on_freed});
  // Buffers freed after the interpreter is gone (static destructors) must not call into it.
  nb::module_::import_("atexit").attr("register")(
      nb::cpp_function([] { memory::set_allocation_hooks({}); }));
}

}  // namespace tessera::python
