#include "interrupt.h"

#include <fmt/format.h>
#include <pthread.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>

#include "tessera/codec.h"

namespace tessera::cli {

namespace {
// Signals this close together are one request (see below). A person who means "stop at
// once" presses again after reading the message, well over a second later.
constexpr std::chrono::milliseconds kSameSignal{1000};
}  // namespace

InterruptWatch::InterruptWatch() {
  sigemptyset(&watched_);
  for (const int number : {SIGINT, SIGTERM}) {
    // A background job of a non-interactive shell has SIGINT ignored; keep that promise.
    struct sigaction action {};
    if (sigaction(number, nullptr, &action) == 0 && action.sa_handler == SIG_IGN) continue;
    sigaddset(&watched_, number);
  }
  pthread_sigmask(SIG_BLOCK, &watched_, &previous_mask_);
  waiter_ = std::thread([this] {
    // A short timeout so that the destructor can end the wait without a signal of its own.
    const timespec tick{0, 50'000'000};
    std::chrono::steady_clock::time_point first_at;
    while (!done_.load()) {
      const int number = sigtimedwait(&watched_, nullptr, &tick);
      if (number <= 0) continue;  // EAGAIN (the tick) or EINTR
      int expected = 0;
      if (signal_.compare_exchange_strong(expected, number)) {
        first_at = std::chrono::steady_clock::now();
        fmt::print(stderr,
                   "\ntessera: {}: finishing the files in flight, starting no more (again to "
                   "stop at once)\n",
                   number == SIGINT ? "interrupted" : "terminated");
        stop_.request_stop();
      } else if (std::chrono::steady_clock::now() - first_at < kSameSignal) {
        // The same request delivered twice: `timeout -s INT` signals the process and then its
        // whole group, a shell may pass a terminal's Ctrl-C on as well. Not a second press.
        continue;
      } else {
        // The second: at once, leaving no temporary (this is a thread of its own, not a signal
        // handler: it may lock and unlink), by the signal itself, with its default action, so
        // that nothing of the process runs after it (no exit handlers, no sanitizer's checks of
        // threads still working) and the shell sees the death a signal gives.
        remove_unfinished_outputs();
        std::signal(number, SIG_DFL);
        sigset_t only;
        sigemptyset(&only);
        sigaddset(&only, number);
        pthread_sigmask(SIG_UNBLOCK, &only, nullptr);
        raise(number);
        _exit(128 + number);  // not reached
      }
    }
  });
}

InterruptWatch::~InterruptWatch() {
  done_ = true;
  waiter_.join();
  pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
}

}  // namespace tessera::cli
