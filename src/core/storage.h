#pragma once
// The objects behind Image and Buffer handles.
//
// A Storage is one block of tracked memory: its bookkeeping header sits in front of the bytes,
// in the same aligned allocation, so tracking costs no second malloc. Handles on the whole
// buffer (Image::create, Buffer) hold the Storage directly. Each region() creates a
// RegionRecord that holds the Storage and is linked into the Storage's region list: that list
// is how the profiler can tell "only a 64x64 region keeps this 36 MB alive".

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <source_location>
#include <string>
#include <string_view>

#include "core/intrusive_list.h"
#include "tessera/pixel_format.h"

namespace tessera::detail {

struct BudgetState;
class Storage;

// What an Image handle holds a reference on. The count starts at 1 for the creating handle.
class Owner {
 public:
  void retain() noexcept { references_.fetch_add(1, std::memory_order_relaxed); }
  void release() noexcept {
    // A sole owner cannot race with a copy (copying needs a handle), so it skips the atomic
    // decrement: most images die with one handle.
    if (references_.load(std::memory_order_acquire) == 1 ||
        references_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      destroy();
    }
  }
  std::size_t references() const noexcept { return references_.load(std::memory_order_relaxed); }
  virtual Storage& storage() noexcept = 0;

 protected:
  Owner() = default;
  ~Owner() = default;  // destroy() is the only way out
  virtual void destroy() noexcept = 0;

 private:
  std::atomic<std::size_t> references_{1};
};

// The record behind a region() handle: where the region lies and who cut it. It holds one
// reference on its Storage for as long as any handle holds the record.
class RegionRecord final : public Owner {
 public:
  // Retains `storage` and links the record into its region list.
  static RegionRecord* create(Storage& storage, std::byte* data, int width, int height,
                              std::ptrdiff_t stride, PixelFormat format, std::source_location site);

  Storage& storage() noexcept override { return *storage_; }
  std::byte* data() const { return data_; }
  int width() const { return width_; }
  int height() const { return height_; }
  std::ptrdiff_t stride() const { return stride_; }
  PixelFormat format() const { return format_; }
  const std::source_location& site() const { return site_; }
  const std::string* caller() const { return caller_; }  // see memory::CallerScope

  ListLinks<RegionRecord> region_links;  // guarded by the storage's region lock

 private:
  RegionRecord(Storage& storage, std::byte* data, int width, int height, std::ptrdiff_t stride,
               PixelFormat format, std::source_location site);
  ~RegionRecord() = default;
  void destroy() noexcept override;

  Storage* const storage_;
  std::byte* const data_;
  const int width_;
  const int height_;
  const std::ptrdiff_t stride_;
  const PixelFormat format_;
  const std::source_location site_;
  const std::string* const caller_;
};

class Storage final : public Owner {
 public:
  // Charges `budget` (may be null), allocates header and bytes in one block, counts them and
  // registers them with the profiler when it is on. Throws Error; allocates nothing on failure.
  static Storage* allocate(std::size_t bytes, std::string_view label,
                           std::shared_ptr<BudgetState> budget, std::source_location site);
  // Tracks `bytes` at `data` that the caller owns; `deleter` runs when the last handle goes.
  static Storage* wrap(std::byte* data, std::size_t bytes, std::function<void()> deleter,
                       std::string_view label, std::source_location site);

  Storage& storage() noexcept override { return *this; }

  std::byte* data() const { return data_; }
  std::size_t bytes() const { return bytes_; }
  bool wrapped() const { return wrapped_; }
  const std::string& label() const { return label_; }
  const std::source_location& site() const { return site_; }
  const std::string* caller() const { return caller_; }  // see memory::CallerScope

  // Region bookkeeping, under this storage's own lock.
  void attach(RegionRecord& region);
  void detach(RegionRecord& region);
  // Calls visit(const RegionRecord&) for each live region, under the region lock.
  template <typename Visit>
  void for_each_region(Visit&& visit) const {
    std::lock_guard lock(regions_mutex_);
    regions_.for_each(visit);
  }
  std::size_t region_count() const {
    std::lock_guard lock(regions_mutex_);
    return regions_.size();
  }

  // Profiler registry membership; the registry's mutex guards the links.
  ListLinks<Storage> registry_links;
  std::atomic<bool> registered{false};
  std::uint64_t id = 0;  // registration order; 0 if allocated while profiling was off
  int thread = 0;
  std::chrono::steady_clock::time_point created;

  // Membership of the budget's holder list; the budget's mutex guards the links.
  ListLinks<Storage> budget_links;

 private:
  Storage(void* block, std::byte* data, std::size_t bytes, std::string_view label,
          std::shared_ptr<BudgetState> budget, std::source_location site, bool wrapped,
          std::function<void()> deleter);
  ~Storage() = default;
  void destroy() noexcept override;

  void* const block_;  // the allocation that holds this header (and the bytes, unless wrapped)
  std::byte* const data_;
  const std::size_t bytes_;
  const std::string label_;
  const std::shared_ptr<BudgetState> budget_;
  const std::source_location site_;
  const std::string* const caller_;
  const bool wrapped_;
  bool hooked_ = false;            // the host's allocation hook asked to hear of the free
  std::function<void()> deleter_;  // runs once at destruction of a wrapped storage

  mutable std::mutex regions_mutex_;
  IntrusiveList<RegionRecord, &RegionRecord::region_links> regions_;
};

}  // namespace tessera::detail
