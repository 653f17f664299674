#pragma once
// `tessera memory-demo`: a scripted tour of the memory profiler on a small scenario.

namespace tessera::cli {

struct MemoryDemoOptions {
  int photo_width = 1920;
  int photo_height = 1080;
  int photos = 5;
  // Keep one image alive at exit, so that TESSERA_LEAK_CHECK=1 has a leak to report.
  bool leak_at_exit = false;
};

// Prints each step and its report to stdout; returns the process exit status.
int run_memory_demo(const MemoryDemoOptions& options);

}  // namespace tessera::cli
