#pragma once
// Ctrl-C during a long call. Python runs its SIGINT handler only between bytecodes, and while a
// convert runs on the main thread no bytecode runs there: without help, KeyboardInterrupt would
// come when the file is done. An Interruptible call chains a C handler in front of Python's for
// its duration; the handler sets a flag (and lets Python's run as before), the job checks the
// flag before each band (JobOptions::check_interrupt), stops, leaves no output, and the call
// raises what Python's handler raises: KeyboardInterrupt.
//
// Only on the main thread (where Python delivers signals) and only while SIGINT has Python's
// default handler: a program with a handler of its own keeps it as it is.

#include <functional>

namespace tessera::python {

class Interruptible {
 public:
  Interruptible();  // with the GIL held
  ~Interruptible();
  Interruptible(const Interruptible&) = delete;
  Interruptible& operator=(const Interruptible&) = delete;

  // For JobOptions::check_interrupt: throws once SIGINT came (any thread may call it).
  std::function<void()> check() const;
  // Runs `work` (which may call check()); after an interrupt, with the GIL held again, raises
  // the KeyboardInterrupt as a nanobind::python_error.
  void run(const std::function<void()>& work);

 private:
  bool installed_ = false;
};

}  // namespace tessera::python
