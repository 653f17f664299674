// Reading the profiler's registry: snapshots, per-site comparison, pinned buffers.

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <tuple>

#include "core/registry.h"
#include "core/storage.h"
#include "tessera/error.h"
#include "tessera/image.h"
#include "tessera/profiler.h"

namespace tessera::memory {
namespace {

Site site_of(const std::source_location& location, const std::string* caller) {
  return {location.file_name(), location.line(), location.function_name(),
          caller != nullptr ? *caller : std::string()};
}

BufferInfo describe(const detail::Storage& storage) {
  BufferInfo info;
  info.id = storage.id;
  info.bytes = storage.bytes();
  info.wrapped = storage.wrapped();
  info.label = storage.label();
  info.site = site_of(storage.site(), storage.caller());
  info.thread = storage.thread;
  info.created = storage.created;
  storage.for_each_region([&](const detail::RegionRecord& region) {
    const std::ptrdiff_t offset = region.data() - storage.data();
    const auto pixel_bytes = static_cast<std::ptrdiff_t>(region.format().bytes_per_pixel());
    const Rect rect{static_cast<int>(offset % region.stride() / pixel_bytes),
                    static_cast<int>(offset / region.stride()), region.width(), region.height()};
    info.regions.push_back({.rect = rect,
                            .format = region.format(),
                            .view_bytes = static_cast<std::size_t>(region.width()) *
                                          region.height() * region.format().bytes_per_pixel(),
                            .handles = region.references(),
                            .site = site_of(region.site(), region.caller())});
  });
  // Regions were listed first: each holds one reference, and was attached after taking it.
  const std::size_t references = storage.references();
  info.direct_handles = references > info.regions.size() ? references - info.regions.size() : 0;
  return info;
}

}  // namespace

std::string Site::to_string() const {
  if (caller.empty()) return fmt::format("{}:{}", file, line);
  return fmt::format("{} ({}:{})", caller, file, line);
}

std::size_t BufferInfo::region_bytes() const {
  std::size_t total = 0;
  for (const RegionInfo& region : regions) total += region.view_bytes;
  return total;
}

void set_profiling(bool enabled) {
  detail::apply_environment_once();
  const bool was_enabled = detail::Registry::instance().set_enabled(enabled);
  if (enabled && !was_enabled) set_baseline();
}

bool profiling() {
  detail::apply_environment_once();
  return detail::Registry::instance().enabled();
}

Snapshot snapshot() {
  Snapshot result;
  result.taken = std::chrono::steady_clock::now();
  result.counters = counters();
  detail::Registry::instance().for_each(
      [&](const detail::Storage& storage) { result.buffers.push_back(describe(storage)); });
  return result;
}

std::string SiteDelta::to_string() const {
  return fmt::format("{}: size={} ({:+} buffer{}), live={} in {} buffer{} '{}'", site.to_string(),
                     format_bytes_delta(bytes_delta), buffers_delta,
                     std::abs(buffers_delta) == 1 ? "" : "s", format_bytes(bytes_after),
                     buffers_after, buffers_after == 1 ? "" : "s", label);
}

std::vector<SiteDelta> compare(const Snapshot& before, const Snapshot& after) {
  struct Totals {
    std::size_t bytes[2] = {0, 0};  // [0] before, [1] after
    std::size_t buffers[2] = {0, 0};
    Site site;
    std::string label;
  };
  // The caller is part of the key: one C++ line (Image::create) serves many Python lines.
  std::map<std::tuple<std::string, std::string, std::uint32_t>, Totals> by_site;
  const auto add = [&by_site](const Snapshot& snapshot, int side) {
    for (const BufferInfo& buffer : snapshot.buffers) {
      Totals& totals = by_site[{buffer.site.caller, buffer.site.file, buffer.site.line}];
      totals.bytes[side] += buffer.bytes;
      ++totals.buffers[side];
      totals.site = buffer.site;
      totals.label = buffer.label;  // the newest buffer's label wins
    }
  };
  add(before, 0);
  add(after, 1);

  std::vector<SiteDelta> deltas;
  for (const auto& [key, totals] : by_site) {
    SiteDelta delta{
        .site = totals.site,
        .label = totals.label,
        .bytes_delta =
            static_cast<std::int64_t>(totals.bytes[1]) - static_cast<std::int64_t>(totals.bytes[0]),
        .buffers_delta = static_cast<std::int64_t>(totals.buffers[1]) -
                         static_cast<std::int64_t>(totals.buffers[0]),
        .bytes_after = totals.bytes[1],
        .buffers_after = totals.buffers[1],
    };
    if (delta.bytes_delta != 0 || delta.buffers_delta != 0) deltas.push_back(std::move(delta));
  }
  std::stable_sort(deltas.begin(), deltas.end(), [](const SiteDelta& a, const SiteDelta& b) {
    return std::tuple(std::abs(a.bytes_delta), std::abs(a.buffers_delta)) >
           std::tuple(std::abs(b.bytes_delta), std::abs(b.buffers_delta));
  });
  return deltas;
}

BufferInfo describe_storage(const Image& image) {
  if (image.empty()) {
    throw Error(ErrorCode::InvalidArgument, "an empty image has no storage to describe",
                {.path = {}, .operation = "describe_storage"});
  }
  BufferInfo info = describe(image.owner_->storage());
  if (!image.owner_->storage().registered.load(std::memory_order_acquire)) info.id = 0;
  return info;
}

std::vector<BufferInfo> pinned_buffers() {
  std::vector<BufferInfo> pinned;
  for (BufferInfo& buffer : snapshot().buffers) {
    if (buffer.pinned_by_regions()) pinned.push_back(std::move(buffer));
  }
  return pinned;
}

}  // namespace tessera::memory
