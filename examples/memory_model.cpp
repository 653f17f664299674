// The README's example, compiled and run by the test suite so that it stays true.

#include <tessera/tessera.h>

#include <iostream>

int main() {
  tessera::memory::set_profiling(true);
  tessera::MemoryBudget budget(512 << 20, "thumbnails");
  tessera::BudgetScope scope(budget);  // this thread's allocations count against it

  auto photo = tessera::Image::create(4000, 3000, tessera::PixelFormat::rgb8());
  auto face = photo.region({1200, 800, 64, 64});  // shares photo's 36 MB, no copy
  photo = {};                                     // face stays valid: it holds the storage
  for (const auto& pinned : tessera::memory::pinned_buffers()) {
    std::cout << tessera::memory::format_bytes(pinned.bytes) << " pinned by a region of "
              << tessera::memory::format_bytes(pinned.region_bytes()) << "\n";
  }
  face = face.compact();  // 12 KiB of its own; the 36 MB is freed
  std::cout << "budget holds " << tessera::memory::format_bytes(budget.used()) << "\n";

  try {
    auto huge = tessera::Image::create(40000, 30000, tessera::PixelFormat::rgb8());
  } catch (const tessera::Error& error) {  // OutOfBudget, before anything is allocated
    std::cout << error.what() << "\n";
  }
  return 0;
}
