#pragma once
// Runs a shell command for a test and captures what it printed.

#include <string>

namespace tessera::testing {

struct CommandResult {
  int status = -1;     // exit status, or -1 if it did not exit normally
  std::string output;  // stdout, and stderr when merged
};

// Runs `command` through /bin/sh; stderr is merged into the output unless `merge_stderr` is off.
CommandResult run_command(const std::string& command, bool merge_stderr = true);

// `text` quoted for the shell.
std::string shell_quote(const std::string& text);

}  // namespace tessera::testing
