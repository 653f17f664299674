#include "interrupt.h"

#include <fmt/format.h>
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <utility>

#include "tessera/codec.h"

namespace tessera::cli {

namespace {
// Signals this close together are one request (see below). A person who means "stop at
// once" presses again after reading the message, well over a second later.
constexpr std::chrono::milliseconds kSameSignal{1000};
}  // namespace

InterruptWatch::InterruptWatch(std::string in_flight, std::string at_once)
    : in_flight_(std::move(in_flight)), at_once_(std::move(at_once)) {
  sigemptyset(&watched_);
  for (const int number : {SIGINT, SIGTERM}) {
    // A background job of a non-interactive shell has SIGINT ignored; keep that promise.
    struct sigaction action {};
    if (sigaction(number, nullptr, &action) == 0 && action.sa_handler == SIG_IGN) continue;
    sigaddset(&watched_, number);
  }
  pthread_sigmask(SIG_BLOCK, &watched_, &previous_mask_);
  signals_fd_ = signalfd(-1, &watched_, SFD_CLOEXEC | SFD_NONBLOCK);
  wake_fd_ = eventfd(0, EFD_CLOEXEC);
  if (signals_fd_ < 0 || wake_fd_ < 0) {  // out of descriptors: the signals keep their defaults
    pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
    return;
  }
  waiter_ = std::thread([this] {
    std::chrono::steady_clock::time_point first_at;
    for (;;) {
      // The signals, or the destructor's word on the eventfd: no timeout, so that a command
      // that is done ends at once rather than at the next tick of a poll.
      pollfd ready[2] = {{.fd = signals_fd_, .events = POLLIN, .revents = 0},
                         {.fd = wake_fd_, .events = POLLIN, .revents = 0}};
      if (::poll(ready, 2, -1) < 0) continue;  // EINTR
      if (ready[1].revents != 0) return;
      signalfd_siginfo received{};
      if (::read(signals_fd_, &received, sizeof received) != sizeof received) continue;
      const int number = static_cast<int>(received.ssi_signo);
      int expected = 0;
      if (signal_.compare_exchange_strong(expected, number)) {
        first_at = std::chrono::steady_clock::now();
        fmt::print(stderr,
                   "\ntessera: {}: finishing the {} in flight, starting no more (again to "
                   "stop at once)\n",
                   number == SIGINT ? "interrupted" : "terminated", in_flight_);
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
        if (!at_once_.empty()) fmt::print(stderr, "\ntessera: {}\n", at_once_);
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
  if (waiter_.joinable()) {
    const std::uint64_t one = 1;
    (void)!::write(wake_fd_, &one, sizeof one);
    waiter_.join();
    // A signal that came after the watch ended is taken here, not by its default action once
    // the mask is restored: the work is done, so it no longer has anything to stop (and killing
    // the process now would end it by the signal after a complete run).
    signalfd_siginfo late{};
    while (::read(signals_fd_, &late, sizeof late) == static_cast<ssize_t>(sizeof late)) {
    }
  }
  if (signals_fd_ >= 0) ::close(signals_fd_);
  if (wake_fd_ >= 0) ::close(wake_fd_);
  pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
}

}  // namespace tessera::cli
