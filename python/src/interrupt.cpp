// Interruptible: a SIGINT handler chained in front of Python's while a long call runs.

#include "interrupt.h"

#include <nanobind/nanobind.h>

#include <atomic>
#include <csignal>

namespace nb = nanobind;

namespace tessera::python {
namespace {

// Set by the handler: a lock-free atomic store is what a signal handler may do.
std::atomic<bool> interrupted{false};
struct sigaction python_handler {};  // what was installed before ours: Python's C handler

void on_sigint(int number, siginfo_t* info, void* context) {
  interrupted.store(true, std::memory_order_relaxed);
  // Python's own handler trips its flag, so KeyboardInterrupt comes as it would have.
  if ((python_handler.sa_flags & SA_SIGINFO) != 0) {
    python_handler.sa_sigaction(number, info, context);
  } else if (python_handler.sa_handler != SIG_DFL && python_handler.sa_handler != SIG_IGN) {
    python_handler.sa_handler(number);
  }
}

// Thrown by check() through the job: not a tessera::Error, so nothing mistakes it for one.
struct Interrupted {};

bool on_main_thread_with_default_handler() {
  const nb::module_ threading = nb::module_::import_("threading");
  if (!threading.attr("current_thread")().is(threading.attr("main_thread")())) return false;
  const nb::module_ signal = nb::module_::import_("signal");
  return signal.attr("getsignal")(signal.attr("SIGINT")).is(signal.attr("default_int_handler"));
}

}  // namespace

Interruptible::Interruptible() {
  if (!on_main_thread_with_default_handler()) return;
  interrupted.store(false, std::memory_order_relaxed);
  struct sigaction ours {};
  ours.sa_sigaction = on_sigint;
  ours.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&ours.sa_mask);
  installed_ = sigaction(SIGINT, &ours, &python_handler) == 0;
}

Interruptible::~Interruptible() {
  if (installed_) sigaction(SIGINT, &python_handler, nullptr);
}

std::function<void()> Interruptible::check() const {
  if (!installed_) return {};
  return [] {
    if (interrupted.load(std::memory_order_relaxed)) throw Interrupted{};
  };
}

void Interruptible::run(const std::function<void()>& work) {
  try {
    work();
  } catch (const Interrupted&) {
    // Python's handler ran when the GIL came back (or runs now): KeyboardInterrupt.
    if (PyErr_CheckSignals() != 0) throw nb::python_error();
    PyErr_SetNone(PyExc_KeyboardInterrupt);
    throw nb::python_error();
  }
}

}  // namespace tessera::python
