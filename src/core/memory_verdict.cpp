// Telling a leak from allocator retention: tracked bytes, malloc's figures and RSS side by side.

#include <fmt/format.h>
#include <malloc.h>

#include <fstream>
#include <mutex>
#include <string>

#include "tessera/profiler.h"

namespace tessera::memory {
namespace {

std::mutex baseline_mutex;
MemoryReading stored_baseline;

// "VmRSS:     1234 kB" -> bytes; 0 when the field is missing (no /proc).
std::size_t status_field(const std::string& status, std::string_view field) {
  const std::size_t at = status.find(field);
  if (at == std::string::npos) return 0;
  return std::stoull(status.substr(at + field.size())) * 1024;
}

std::int64_t growth(std::size_t before, std::size_t after) {
  return static_cast<std::int64_t>(after) - static_cast<std::int64_t>(before);
}

// How much each of the four figures grew from one reading to the next.
struct Growth {
  std::int64_t tracked;
  std::int64_t in_use;
  std::int64_t held;
  std::int64_t rss;
};

Growth growth_between(const MemoryReading& before, const MemoryReading& after) {
  return {growth(before.tracked_live, after.tracked_live),
          growth(before.process.malloc_in_use, after.process.malloc_in_use),
          growth(before.process.malloc_free_held, after.process.malloc_free_held),
          growth(before.process.rss, after.process.rss)};
}

}  // namespace

ProcessMemory read_process_memory() {
  ProcessMemory reading;
  std::ifstream file("/proc/self/status");
  const std::string status((std::istreambuf_iterator<char>(file)),
                           std::istreambuf_iterator<char>());
  reading.rss = status_field(status, "VmRSS:");
  reading.peak_rss = status_field(status, "VmHWM:");
  // Under AddressSanitizer these are glibc's figures, which its own allocator bypasses.
  const struct mallinfo2 info = mallinfo2();
  reading.malloc_in_use = info.uordblks + info.hblkhd;
  reading.malloc_free_held = info.fordblks;
  return reading;
}

MemoryReading read_memory() { return {counters().live_bytes, read_process_memory()}; }

void set_baseline() {
  const MemoryReading now = read_memory();
  std::lock_guard lock(baseline_mutex);
  stored_baseline = now;
}

MemoryReading baseline_reading() {
  std::lock_guard lock(baseline_mutex);
  return stored_baseline;
}

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::Stable:
      return "stable";
    case Verdict::TrackedLeak:
      return "leak";
    case Verdict::UntrackedHeap:
      return "untracked heap growth";
    case Verdict::AllocatorRetention:
      return "allocator retention";
    case Verdict::OutsideMalloc:
      return "growth outside malloc";
  }
  return "?";
}

MemoryVerdict classify(const MemoryReading& baseline, const MemoryReading& now, std::size_t noise) {
  const auto threshold = static_cast<std::int64_t>(noise);
  const auto [tracked, in_use, held, rss] = growth_between(baseline, now);

  MemoryVerdict result{.verdict = Verdict::Stable, .baseline = baseline, .now = now};
  if (tracked > 0) {
    // Tracked bytes are exact counts, not estimates: any growth is memory still held.
    result.verdict = Verdict::TrackedLeak;
  } else if (in_use - tracked > threshold) {
    // tessera's buffers come from malloc too: only what malloc holds beyond them is untracked.
    result.verdict = Verdict::UntrackedHeap;
  } else if (held > threshold) {
    result.verdict = Verdict::AllocatorRetention;
  } else if (rss - std::max<std::int64_t>(in_use + held, 0) > threshold) {
    result.verdict = Verdict::OutsideMalloc;
  }
  return result;
}

std::string MemoryVerdict::to_string() const {
  const auto [tracked, in_use, held, rss] = growth_between(baseline, now);

  std::string reason;
  switch (verdict) {
    case Verdict::Stable:
      reason = "no figure grew beyond noise since the baseline";
      break;
    case Verdict::TrackedLeak:
      reason = fmt::format("tessera buffers grew by {} and are still alive: a real leak",
                           format_bytes_delta(tracked));
      break;
    case Verdict::UntrackedHeap:
      reason = fmt::format(
          "malloc'd memory outside tessera's buffers grew by {} (codec-internal or other "
          "code); tracked buffers did not grow",
          format_bytes_delta(in_use - tracked));
      break;
    case Verdict::AllocatorRetention:
      reason = fmt::format(
          "freed memory that malloc keeps for reuse grew by {}: not a leak (malloc_trim(0) "
          "returns it to the system); tracked buffers did not grow",
          format_bytes_delta(held));
      break;
    case Verdict::OutsideMalloc:
      reason = fmt::format(
          "RSS grew by {} more than malloc accounts for: memory mapped by libraries, thread "
          "stacks or files; tracked buffers did not grow",
          format_bytes_delta(rss - in_use - held));
      break;
  }
  constexpr auto kRow = "  {:<10}{:>16}{:>16}{:>20}{:>14}\n";
  std::string text = fmt::format("verdict: {}: {}\n", memory::to_string(verdict), reason);
  text += fmt::format(kRow, "", "tracked live", "malloc in use", "malloc free (held)", "RSS");
  text += fmt::format(kRow, "baseline", format_bytes(baseline.tracked_live),
                      format_bytes(baseline.process.malloc_in_use),
                      format_bytes(baseline.process.malloc_free_held),
                      format_bytes(baseline.process.rss));
  text += fmt::format(kRow, "now", format_bytes(now.tracked_live),
                      format_bytes(now.process.malloc_in_use),
                      format_bytes(now.process.malloc_free_held), format_bytes(now.process.rss));
  text += fmt::format(kRow, "change", format_bytes_delta(tracked), format_bytes_delta(in_use),
                      format_bytes_delta(held), format_bytes_delta(rss));
  return text;
}

}  // namespace tessera::memory
