#pragma once
// The memory profiler: who holds pixel memory, what changed, what leaked, and whether RSS
// growth is a leak at all.
//
// Profiling keeps a registry of every live buffer (bytes, label, source line, thread, age, and
// which views share it). It is off by default and costs nothing then; switch it on with
// TESSERA_PROFILE=1 or memory::set_profiling(true). Buffers allocated while it was off are not
// in the registry (the always-on counters in memory.h still count them).
//
// TESSERA_LEAK_CHECK=1 turns profiling on at start-up and, at exit, prints leak_report() to
// stderr and exits with status 1 when any buffer is still alive.
//
//   tessera::memory::set_profiling(true);
//   auto before = tessera::memory::snapshot();
//   run_the_suspect_loop();
//   for (const auto& delta : tessera::memory::compare(before, tessera::memory::snapshot()))
//     std::cout << delta.to_string() << "\n";
//   // src/cache.cpp:42: size=+12.0 MiB (+3 buffers), live=12.0 MiB in 3 buffers 'thumbnail'
//
// Thread safety: every function here may be called from any thread.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/image_view.h"
#include "tessera/memory.h"

namespace tessera::memory {

void set_profiling(bool enabled);
bool profiling();

// A source line as "file:line", with the file as the compiler saw it, and the caller outside
// C++ it worked for when there was one (see CallerScope).
struct Site {
  std::string file;
  std::uint32_t line = 0;
  std::string function;
  std::string caller;  // "pipeline.py:42" when a Python line asked for it; empty otherwise

  // "file:line", or "pipeline.py:42 (file:line)" with a caller: the user's line comes first.
  std::string to_string() const;
  friend bool operator==(const Site&, const Site&) = default;
};

// Names the line outside C++ on whose behalf this thread allocates and cuts regions, for every
// report here: buffers and regions made inside the scope carry it beside their C++ site, so a
// leak report or compare() names the user's "pipeline.py:42". The Python module opens one per
// call while profiling is on. Scopes nest (the innermost wins) and belong to their thread; the
// text is kept for the life of the process, one copy per distinct text, so give source lines.
class CallerScope {
 public:
  explicit CallerScope(std::string_view caller);  // empty: no caller inside this scope
  ~CallerScope();
  CallerScope(const CallerScope&) = delete;
  CallerScope& operator=(const CallerScope&) = delete;

 private:
  const std::string* previous_;
};

// A region of a buffer that is alive through its own handles.
struct RegionInfo {
  Rect rect;  // in pixels of the image it was cut from the storage of
  PixelFormat format;
  std::size_t view_bytes = 0;  // bytes the region's pixels span (width x height x pixel size)
  std::size_t handles = 0;     // Image handles that hold this region
  Site site;                   // where region() was called
};

struct BufferInfo {
  std::uint64_t id = 0;  // registration sequence number, unique in the process
  std::size_t bytes = 0;
  bool wrapped = false;  // caller-owned memory (Image::wrap), not allocated by tessera
  std::string label;
  Site site;
  int thread = 0;  // OS thread id of the allocating thread
  std::chrono::steady_clock::time_point created;
  std::size_t direct_handles = 0;  // handles on the whole buffer (Image, Buffer)
  std::vector<RegionInfo> regions;

  // True when only regions keep the buffer alive: its other bytes are dead weight.
  bool pinned_by_regions() const { return direct_handles == 0 && !regions.empty(); }
  // Bytes the live regions span (overlaps counted once per region).
  std::size_t region_bytes() const;
};

struct Snapshot {
  std::chrono::steady_clock::time_point taken;
  Counters counters;
  std::vector<BufferInfo> buffers;  // registered buffers, oldest first
};

// The registry's content now. Without profiling, `buffers` is empty.
Snapshot snapshot();

// What one source line changed between two snapshots.
struct SiteDelta {
  Site site;
  std::string label;  // the label of the line's newest buffer
  std::int64_t bytes_delta = 0;
  std::int64_t buffers_delta = 0;
  std::size_t bytes_after = 0;
  std::size_t buffers_after = 0;

  // "file:line: size=+12.0 MiB (+3 buffers), live=12.0 MiB in 3 buffers 'label'"
  std::string to_string() const;
};

// Per-site changes from `before` to `after`, largest absolute byte change first; sites with no
// change are left out.
std::vector<SiteDelta> compare(const Snapshot& before, const Snapshot& after);

// Buffers that only regions keep alive, with how much each region pins.
std::vector<BufferInfo> pinned_buffers();

// The storage `image` keeps alive, with every live region of it (whoever holds them), read
// without profiling too: then `id` is 0 and the sites are those recorded all the same. Throws
// Error(InvalidArgument) for an empty image.
BufferInfo describe_storage(const Image& image);

// What the process holds, from the kernel and from malloc.
struct ProcessMemory {
  std::size_t rss = 0;               // resident set size now (VmRSS)
  std::size_t peak_rss = 0;          // high-water mark of RSS (VmHWM)
  std::size_t malloc_in_use = 0;     // bytes malloc has handed out and not got back (mallinfo2)
  std::size_t malloc_free_held = 0;  // bytes freed to malloc that it keeps instead of returning
};
ProcessMemory read_process_memory();

// Tracked bytes and process memory at one moment, for the verdict.
struct MemoryReading {
  std::size_t tracked_live = 0;
  ProcessMemory process;
};
MemoryReading read_memory();

enum class Verdict {
  Stable,              // nothing grew beyond noise
  TrackedLeak,         // tessera buffers still alive: a real leak of pixels
  UntrackedHeap,       // malloc'd memory outside tessera's buffers grew (codec or other code)
  AllocatorRetention,  // freed memory kept by malloc: not a leak (malloc_trim returns it)
  OutsideMalloc,       // RSS grew outside malloc: mmap'd or library-internal memory
};
std::string_view to_string(Verdict verdict);

struct MemoryVerdict {
  Verdict verdict = Verdict::Stable;
  MemoryReading baseline;
  MemoryReading now;
  // The verdict with its reason, then the four figures side by side: baseline, now, change.
  std::string to_string() const;
};

// Decides which of the figures grew, in the order of the Verdict enum: any growth of tracked
// bytes (exact counts) is a leak whatever else grew. `noise` is the smallest growth of malloc's
// and the kernel's figures that counts: those move by themselves.
MemoryVerdict classify(const MemoryReading& baseline, const MemoryReading& now,
                       std::size_t noise = std::size_t{1} << 20);

// Resets the verdict's baseline to now. Taken automatically when profiling starts.
void set_baseline();
MemoryReading baseline_reading();

struct LeakReport {
  std::vector<BufferInfo> live;  // every registered buffer still alive, largest first
  std::size_t peak_bytes = 0;    // the high-water mark of tracked bytes
  std::uint64_t total_allocations = 0;
  std::size_t untracked_live_buffers = 0;  // alive but allocated while profiling was off
  MemoryVerdict verdict;

  bool leaked() const { return !live.empty() || untracked_live_buffers > 0; }
  // Every buffer with its site, size, label, age and sharing, the high-water mark and verdict.
  std::string to_string() const;
};
LeakReport leak_report();

// Human-readable byte counts: "0 B", "512 B", "12.0 KiB", "5.9 MiB", "1.50 GiB".
std::string format_bytes(std::size_t bytes);
std::string format_bytes_delta(std::int64_t bytes);  // always signed: "+12.0 MiB", "-3 B"

// "512M", "1.5G", "64MiB", "100000": binary units (K, M, G, T = 2^10 ...), optional "B"/"iB".
// Throws Error(InvalidArgument) naming the text for anything else.
std::size_t parse_bytes(std::string_view text);

}  // namespace tessera::memory
