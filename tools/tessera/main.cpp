// The tessera command line. Thin by design: every behaviour lives in the library.

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <cstdio>

#include "memory_demo.h"
#include "tessera/error.h"

namespace {

// Exit statuses, as documented in the README.
constexpr int kExitFailure = 1;  // some input or operation failed
constexpr int kExitUsage = 2;    // the command line itself is wrong

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"tessera: image processing with memory you can trust", "tessera"};
  app.set_version_flag("--version", "tessera 0.1.0");
  app.require_subcommand(1);

  tessera::cli::MemoryDemoOptions demo;
  auto* demo_command = app.add_subcommand(
      "memory-demo",
      "Show the memory profiler on a scripted scenario: a leak, a pinned parent, a compact, a "
      "budget refusal, and the leak report");
  demo_command->add_option("--width", demo.photo_width, "Width of each simulated photo")
      ->check(CLI::Range(1, 1 << 15));
  demo_command->add_option("--height", demo.photo_height, "Height of each simulated photo")
      ->check(CLI::Range(1, 1 << 15));
  demo_command->add_option("--photos", demo.photos, "How many photos the cache receives")
      ->check(CLI::Range(1, 1000));
  demo_command->add_flag("--leak-at-exit", demo.leak_at_exit,
                         "Leave one image alive at exit (try with TESSERA_LEAK_CHECK=1)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int status = app.exit(error);
    return status == 0 ? 0 : kExitUsage;
  }

  try {
    if (*demo_command) return tessera::cli::run_memory_demo(demo);
  } catch (const tessera::Error& error) {
    fmt::print(stderr, "tessera: {}\n", error.what());
    return kExitFailure;
  }
  return kExitUsage;
}
