#pragma once
// The one door through which tessera's pixel memory comes in: memory::allocate().
//
// Every byte it hands out is accounted: always-on atomic counters (live bytes, live buffers,
// peak, total allocations), the memory budget it is charged to, and, when profiling is on, a
// registry entry naming the label and the source line that asked for it (see profiler.h).
// Images are built on top of it; nothing else in tessera calls malloc for pixels.
//
// Buffer is the owning handle it returns: reference-counted, cheap to copy, freed when the last
// copy goes. Thread safety: copying and destroying Buffers from many threads is safe; the bytes
// themselves are not synchronised.
//
// Cost: one aligned allocation (the bookkeeping lives in the same block as the bytes) and a few
// atomic operations; bench/memory_bench measures it against a plain aligned allocation.
//
//   auto scratch = tessera::memory::allocate(1 << 20, {.label = "decode scratch"});
//   std::memset(scratch.data(), 0, scratch.size());

#include <cstddef>
#include <cstdint>
#include <source_location>
#include <string_view>

namespace tessera {

class MemoryBudget;
class Image;

namespace detail {
class Storage;
}

struct AllocationOptions {
  // What the memory is for, shown by the profiler and in budget errors ("decode", "blur").
  std::string_view label = "pixels";
  // The budget to charge. nullptr: the thread's current BudgetScope, or none if there is none.
  MemoryBudget* budget = nullptr;
};

// Every allocation is aligned to this, and so is the first row of every Image.
inline constexpr std::size_t kAlignment = 64;

namespace memory {

// An owning, reference-counted handle to tracked bytes (aligned to kAlignment).
class Buffer {
 public:
  Buffer() = default;
  Buffer(const Buffer& other) noexcept;
  Buffer(Buffer&& other) noexcept;
  Buffer& operator=(Buffer other) noexcept;
  ~Buffer();

  std::byte* data() const;
  std::size_t size() const;
  bool empty() const { return storage_ == nullptr; }

 private:
  friend Buffer allocate(std::size_t, AllocationOptions, std::source_location);
  friend class tessera::Image;
  explicit Buffer(detail::Storage* adopted) noexcept : storage_(adopted) {}

  detail::Storage* storage_ = nullptr;
};

// Allocates `bytes` (> 0) of uninitialised, tracked memory, charged to the budget, recorded
// against `site` (the caller's line unless given). Throws Error: InvalidArgument for 0 bytes,
// OutOfBudget when the budget's cap would be crossed (nothing is allocated then), OutOfMemory
// when the system refuses.
Buffer allocate(std::size_t bytes, AllocationOptions options = {},
                std::source_location site = std::source_location::current());

// Always-on process-wide counters. Wrapped (caller-owned) memory counts as a live buffer but
// its bytes are reported separately: tessera did not allocate them.
struct Counters {
  std::size_t live_bytes = 0;           // bytes allocated through allocate() and not yet freed
  std::size_t live_buffers = 0;         // allocated + wrapped buffers still alive
  std::size_t peak_bytes = 0;           // high-water mark of live_bytes since the last reset_peak()
  std::uint64_t total_allocations = 0;  // allocate() calls that succeeded, ever
  std::uint64_t total_bytes = 0;        // bytes those calls allocated, ever
  std::size_t wrapped_bytes = 0;        // bytes of caller-owned memory wrapped by Image::wrap
};

// A consistent-enough reading: each field is exact, fields may be from slightly different
// moments when other threads allocate meanwhile.
Counters counters();

// Starts a new high-water mark from the current live bytes.
void reset_peak();

// A host's view of tessera's allocations: the Python module reports every pixel buffer to
// tracemalloc through these. Wrapped (caller-owned) memory is not reported: its owner did that.
struct AllocationHooks {
  // After allocate() succeeded, on the allocating thread. Returns whether `freed` should be
  // called for this buffer.
  bool (*allocated)(const void* data, std::size_t bytes) noexcept = nullptr;
  // When a buffer `allocated` asked for is freed, on the thread that dropped its last handle
  // (any thread), before the bytes go back to malloc.
  void (*freed)(const void* data, std::size_t bytes) noexcept = nullptr;
};

// Installs `hooks` for every allocation from now on; {} switches them off. Buffers reported
// to earlier hooks are reported to the current `freed`, or to none when it is null.
void set_allocation_hooks(AllocationHooks hooks) noexcept;

}  // namespace memory
}  // namespace tessera
