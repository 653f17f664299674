// The leak report, and TESSERA_LEAK_CHECK / TESSERA_PROFILE read from the environment.

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "core/registry.h"
#include "tessera/profiler.h"

namespace tessera {
namespace memory {
namespace {

// "int ns::f(const T&)" -> "ns::f": the qualified name is what a reader searches for.
std::string_view short_function_name(std::string_view function) {
  function = function.substr(0, function.find('('));
  const std::size_t space = function.rfind(' ');
  return space == std::string_view::npos ? function : function.substr(space + 1);
}

std::string describe_region(const RegionInfo& region) {
  return fmt::format("region {}x{} at ({}, {}) {} ({}, {} handle{}) cut at {}", region.rect.width,
                     region.rect.height, region.rect.x, region.rect.y, region.format.name(),
                     format_bytes(region.view_bytes), region.handles,
                     region.handles == 1 ? "" : "s", region.site.to_string());
}

std::string describe_sharing(const BufferInfo& buffer) {
  if (buffer.pinned_by_regions()) {
    const std::size_t used = std::min(buffer.region_bytes(), buffer.bytes);
    std::string text = fmt::format(
        "pinned: only {} region{} keep{} all {} alive ({:.1f}% of it unused); compact() the "
        "region{} to free the rest",
        buffer.regions.size(), buffer.regions.size() == 1 ? "" : "s",
        buffer.regions.size() == 1 ? "s" : "", format_bytes(buffer.bytes),
        100.0 * static_cast<double>(buffer.bytes - used) / static_cast<double>(buffer.bytes),
        buffer.regions.size() == 1 ? "" : "s");
    for (const RegionInfo& region : buffer.regions) text += "\n        " + describe_region(region);
    return text;
  }
  std::string text = fmt::format("held by {} whole-image handle{}", buffer.direct_handles,
                                 buffer.direct_handles == 1 ? "" : "s");
  if (!buffer.regions.empty()) {
    text += fmt::format(" and {} region{}", buffer.regions.size(),
                        buffer.regions.size() == 1 ? "" : "s");
    for (const RegionInfo& region : buffer.regions) text += "\n        " + describe_region(region);
  }
  return text;
}

}  // namespace

LeakReport leak_report() {
  Snapshot now = snapshot();
  LeakReport report;
  report.live = std::move(now.buffers);
  std::stable_sort(report.live.begin(), report.live.end(),
                   [](const BufferInfo& a, const BufferInfo& b) { return a.bytes > b.bytes; });
  report.peak_bytes = now.counters.peak_bytes;
  report.total_allocations = now.counters.total_allocations;
  report.untracked_live_buffers = now.counters.live_buffers > report.live.size()
                                      ? now.counters.live_buffers - report.live.size()
                                      : 0;
  report.verdict = classify(baseline_reading(), read_memory());
  return report;
}

std::string LeakReport::to_string() const {
  const auto now = std::chrono::steady_clock::now();
  std::size_t live_bytes = 0;
  for (const BufferInfo& buffer : live) live_bytes += buffer.bytes;

  std::string text;
  if (leaked()) {
    text += fmt::format("tessera leak report: {} buffer{} still alive, {}\n", live.size(),
                        live.size() == 1 ? "" : "s", format_bytes(live_bytes));
  } else {
    text += "tessera leak report: no buffers alive\n";
  }
  for (const BufferInfo& buffer : live) {
    const std::chrono::duration<double> age = now - buffer.created;
    text += fmt::format("  {:>10} '{}'{} allocated at {} in {}, thread {}, alive {:.2f} s\n",
                        format_bytes(buffer.bytes), buffer.label,
                        buffer.wrapped ? " (wrapped, caller-owned)" : "", buffer.site.to_string(),
                        short_function_name(buffer.site.function), buffer.thread, age.count());
    text += fmt::format("        {}\n", describe_sharing(buffer));
  }
  if (untracked_live_buffers > 0) {
    text += fmt::format(
        "  and {} buffer{} allocated while profiling was off (no site recorded; run with "
        "TESSERA_PROFILE=1 to see them)\n",
        untracked_live_buffers, untracked_live_buffers == 1 ? "" : "s");
  }
  text += fmt::format("high-water mark: {} tracked, {} allocations in all\n",
                      format_bytes(peak_bytes), total_allocations);
  text += verdict.to_string();
  return text;
}

}  // namespace memory

namespace detail {
namespace {

bool environment_flag(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' && std::string_view(value) != "0";
}

void report_leaks_at_exit() {
  const memory::LeakReport report = memory::leak_report();
  std::fflush(stdout);
  if (report.leaked()) {
    std::fputs(report.to_string().c_str(), stderr);
    std::fputs("tessera leak check: FAILED (exit status 1)\n", stderr);
    std::fflush(stderr);
    // Other exit handlers (sanitizers' among them) would only repeat what was said.
    std::_Exit(1);
  }
  std::fputs(fmt::format("tessera leak check: no leaks (high-water mark {} in {} allocations)\n",
                         memory::format_bytes(report.peak_bytes), report.total_allocations)
                 .c_str(),
             stderr);
}

struct EnvironmentSwitches {
  EnvironmentSwitches() {
    const bool leak_check = environment_flag("TESSERA_LEAK_CHECK");
    if (leak_check || environment_flag("TESSERA_PROFILE")) {
      if (!Registry::instance().set_enabled(true)) memory::set_baseline();
    }
    // Registered at start-up (or at the first allocation, if a static image comes first). Exit
    // handlers run after the destructors of statics constructed later than their registration,
    // so images held in such globals are freed before the check and are not reported.
    if (leak_check) std::atexit(report_leaks_at_exit);
  }
};

// Applied at start-up, too, so the baseline predates the program's own allocations.
[[maybe_unused]] const bool applied_at_startup = (apply_environment_once(), true);

}  // namespace

void apply_environment_once() { static const EnvironmentSwitches switches; }

}  // namespace detail
}  // namespace tessera
