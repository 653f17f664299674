#pragma once
// `tessera memory-demo`: a scripted tour of the memory profiler on a small scenario.

#include <string>

namespace tessera::cli {

struct MemoryDemoOptions {
  int photo_width = 1920;
  int photo_height = 1080;
  int photos = 5;
  // Keep one image alive at exit, so that TESSERA_LEAK_CHECK=1 has a leak to report.
  bool leak_at_exit = false;
  // --report demo.json|demo.html: live buffers by site after each step, and memory over the
  // steps; empty: none.
  std::string report;
  std::string command_line;  // as typed, for the report
};

// Prints each step and its report to stdout; returns the process exit status.
int run_memory_demo(const MemoryDemoOptions& options);

}  // namespace tessera::cli
