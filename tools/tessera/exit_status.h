#pragma once
// How the command line ends on an Error: one rule for every subcommand, as the README states
// (0 all done, 1 an input or operation failed, 2 the command line itself is wrong).

#include "tessera/error.h"

namespace tessera::cli {

constexpr int kExitFailure = 1;  // an input, an operation or the system failed
constexpr int kExitUsage = 2;    // the command line itself is wrong

// 2 when the user has to change the command: an argument outside its range, a pipeline the
// image cannot take, an output format tessera does not write (UnsupportedFormat while encoding).
// 1 for everything about the data or the system: an input tessera cannot read, corrupt data, a
// budget crossed, a full disk.
int exit_status(const Error& error);

// Prints "tessera: ..." on stderr. A command-line mistake (InvalidArgument, no file) is its
// message alone, which says what to change; anything else is what(), whose code, operation and
// file help find the cause.
void print_error(const Error& error);

}  // namespace tessera::cli
