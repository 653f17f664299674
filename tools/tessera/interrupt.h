#pragma once
// Ctrl-C and SIGTERM for the commands that write files. The first signal asks the work to stop
// admitting files (those in flight finish, so every temporary is renamed or removed, and the
// report and summary are written); a second, a second or more later, ends the process at once
// (a batch's leftover temporaries are then removed by --resume; its report's .part holds the
// files finished so far). Signals closer together are one request delivered twice (`timeout`
// signals the process and its group). A signal that comes after the watch ends (the work is
// done) is taken and dropped, not left to kill the process by its default action.
//
//   tessera::cli::InterruptWatch watch;   // before any thread is started
//   options.stop = watch.token();
//   ... run ...
//   if (watch.signal()) return watch.exit_status();   // 130 for SIGINT, 143 for SIGTERM

#include <signal.h>

#include <atomic>
#include <stop_token>
#include <string>
#include <thread>

namespace tessera::cli {

class InterruptWatch {
 public:
  // Blocks SIGINT and SIGTERM in this thread (and so in every thread it starts after) and
  // waits for them on a thread of its own. A signal the shell set to be ignored stays ignored.
  // `in_flight` names what the first signal lets finish ("files", "frames"); `at_once`, when
  // not empty, is said when a second one ends the process (what it left).
  explicit InterruptWatch(std::string in_flight = "files", std::string at_once = {});
  ~InterruptWatch();
  InterruptWatch(const InterruptWatch&) = delete;
  InterruptWatch& operator=(const InterruptWatch&) = delete;

  std::stop_token token() const { return stop_.get_token(); }
  // The first signal received; 0: none.
  int signal() const { return signal_.load(); }
  int exit_status() const { return 128 + signal(); }

 private:
  std::string in_flight_;
  std::string at_once_;
  std::stop_source stop_;
  std::atomic<int> signal_{0};
  int signals_fd_ = -1;  // a signalfd for the watched signals
  int wake_fd_ = -1;     // an eventfd: the destructor ends the wait through it
  sigset_t watched_{};
  sigset_t previous_mask_{};
  std::thread waiter_;
};

}  // namespace tessera::cli
