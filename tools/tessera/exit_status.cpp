// The one exit rule of the command line (see exit_status.h).

#include "exit_status.h"

#include <fmt/format.h>

#include <cstdio>

namespace tessera::cli {

int exit_status(const Error& error) {
  switch (error.code()) {
    case ErrorCode::InvalidArgument:
      return kExitUsage;
    case ErrorCode::UnsupportedFormat:
      // Encoding: OUT's extension or --format names what tessera does not write. Anywhere
      // else it is an input tessera does not read, which is that file's failure.
      return error.operation() == "encode" ? kExitUsage : kExitFailure;
    default:
      return kExitFailure;
  }
}

void print_error(const Error& error) {
  const bool command_line_only = error.code() == ErrorCode::InvalidArgument && error.path().empty();
  fmt::print(stderr, "tessera: {}\n", command_line_only ? error.message() : error.what());
}

}  // namespace tessera::cli
