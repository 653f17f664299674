#include "core/storage.h"

#include <fmt/format.h>

#include <cstdint>
#include <cstdlib>
#include <new>

#ifdef __linux__
#include <sys/mman.h>
#endif

#include "core/allocation_hooks.h"
#include "core/budget_state.h"
#include "core/caller.h"
#include "core/counters.h"
#include "core/fault_injection.h"
#include "core/registry.h"
#include "tessera/error.h"
#include "tessera/memory.h"
#include "tessera/profiler.h"

namespace tessera::detail {
namespace {

constexpr std::size_t round_up(std::size_t value, std::size_t multiple) {
  return (value + multiple - 1) / multiple * multiple;
}

// The header occupies whole alignment units right before the bytes, so both stay aligned.
constexpr std::size_t kHeaderBytes = round_up(sizeof(Storage), kAlignment);
// malloc guarantees this much alignment; the rest is made up by slack at the front.
constexpr std::size_t kMallocAlignment = alignof(std::max_align_t);
constexpr std::size_t kSlack = kAlignment - kMallocAlignment;

// One malloc for header and payload, aligned by hand. On glibc this is 4x cheaper than
// aligned_alloc for image-sized blocks: memalign splits off small remainders, which makes the
// next large request consolidate every fastbin (measured by bench/memory_bench).
struct Block {
  void* block = nullptr;        // what malloc returned: what free() takes
  std::byte* header = nullptr;  // where the Storage goes, kAlignment-aligned
};

// Large images in 2 MiB pages where the kernel offers them on request (transparent huge pages
// in "madvise" mode, Debian's default). A 36 MB image otherwise takes 9,000 page faults on
// first touch, which measured as a quarter of a 4000x3000 op's time; in huge pages it takes 18.
// Only whole 2 MiB extents inside the block are marked, so no byte outside it is affected.
void prefer_huge_pages(void* block, std::size_t bytes) {
#ifdef __linux__
  constexpr std::size_t kHugePage = std::size_t{2} << 20;
  constexpr std::size_t kWorthIt = 4 * kHugePage;
  if (bytes < kWorthIt) return;
  const auto start = reinterpret_cast<std::uintptr_t>(block);
  const std::uintptr_t first = round_up(start, kHugePage);
  const std::uintptr_t end = (start + bytes) / kHugePage * kHugePage;
  if (end > first) {
    // Advice only: where it is refused (THP off), the block works the same in small pages.
    (void)madvise(reinterpret_cast<void*>(first), end - first, MADV_HUGEPAGE);
  }
#else
  (void)block;
  (void)bytes;
#endif
}

Block allocate_block(std::size_t payload_bytes) {
  if (inject_fault()) return {};  // as if malloc had failed
  const std::size_t bytes = kSlack + kHeaderBytes + payload_bytes;
  void* block = std::malloc(bytes);
  if (block == nullptr) return {};
  prefer_huge_pages(block, bytes);
  const auto address = reinterpret_cast<std::uintptr_t>(block);
  return {block, reinterpret_cast<std::byte*>(round_up(address, kAlignment))};
}

}  // namespace

Storage::Storage(void* block, std::byte* data, std::size_t bytes, std::string_view label,
                 std::shared_ptr<BudgetState> budget, std::source_location site, bool wrapped,
                 std::function<void()> deleter)
    : block_(block),
      data_(data),
      bytes_(bytes),
      label_(label),
      budget_(std::move(budget)),
      site_(site),
      caller_(current_caller()),
      wrapped_(wrapped),
      deleter_(std::move(deleter)) {}

Storage* Storage::allocate(std::size_t bytes, std::string_view label,
                           std::shared_ptr<BudgetState> budget, std::source_location site) {
  apply_environment_once();
  if (bytes == 0) {
    throw Error(ErrorCode::InvalidArgument,
                fmt::format("cannot allocate 0 bytes for '{}' (requested at {}:{})", label,
                            site.file_name(), site.line()),
                {.path = {}, .operation = "allocate"});
  }
  if (bytes > SIZE_MAX - kHeaderBytes - kSlack) {
    throw Error(
        ErrorCode::ImageTooLarge,
        fmt::format("{} bytes for '{}' is more than this machine can address", bytes, label),
        {.path = {}, .operation = "allocate"});
  }
  if (budget) budget->charge(bytes, label, site);

  const Block block = allocate_block(bytes);
  if (block.block == nullptr) {
    if (budget) budget->refund(bytes);
    throw Error(ErrorCode::OutOfMemory,
                fmt::format("the system refused {} for '{}' (requested at {}:{}); set a memory "
                            "budget to fail earlier with a clearer account",
                            memory::format_bytes(bytes), label, site.file_name(), site.line()),
                {.path = {}, .operation = "allocate"});
  }

  Storage* storage = nullptr;
  try {
    storage = new (block.header)
        Storage(block.block, block.header + kHeaderBytes, bytes, label, budget, site, false, {});
    if (budget) budget->add_holder(*storage);
  } catch (...) {
    if (storage != nullptr) storage->~Storage();
    std::free(block.block);
    if (budget) budget->refund(bytes);
    throw;
  }
  count_allocation(bytes);
  storage->hooked_ = report_allocation(storage->data(), bytes);
  if (Registry::instance().enabled()) Registry::instance().add(*storage);
  return storage;
}

Storage* Storage::wrap(std::byte* data, std::size_t bytes, std::function<void()> deleter,
                       std::string_view label, std::source_location site) {
  apply_environment_once();
  const Block block = allocate_block(0);
  if (block.block == nullptr) {
    throw Error(ErrorCode::OutOfMemory, "the system refused memory for a wrapped image's header",
                {.path = {}, .operation = "wrap"});
  }
  Storage* storage = nullptr;
  try {
    storage = new (block.header)
        Storage(block.block, data, bytes, label, nullptr, site, true, std::move(deleter));
  } catch (...) {
    std::free(block.block);
    throw;
  }
  count_wrap(bytes);
  if (Registry::instance().enabled()) Registry::instance().add(*storage);
  return storage;
}

void Storage::destroy() noexcept {
  Registry::instance().remove(*this);
  if (budget_) budget_->remove_holder(*this);
  void* const block = block_;
  if (!wrapped_) {
    if (hooked_) report_free(data_, bytes_);
    count_free(bytes_);
    this->~Storage();
    std::free(block);
    return;
  }
  count_unwrap(bytes_);
  std::function<void()> deleter = std::move(deleter_);
  this->~Storage();
  std::free(block);
  // The owner's memory is released last, after tessera let go of every pointer into it.
  if (deleter) deleter();
}

void Storage::attach(RegionRecord& region) {
  std::lock_guard lock(regions_mutex_);
  regions_.push_back(region);
}

void Storage::detach(RegionRecord& region) {
  std::lock_guard lock(regions_mutex_);
  regions_.erase(region);
}

RegionRecord::RegionRecord(Storage& storage, std::byte* data, int width, int height,
                           std::ptrdiff_t stride, PixelFormat format, std::source_location site)
    : storage_(&storage),
      data_(data),
      width_(width),
      height_(height),
      stride_(stride),
      format_(format),
      site_(site),
      caller_(current_caller()) {}

RegionRecord* RegionRecord::create(Storage& storage, std::byte* data, int width, int height,
                                   std::ptrdiff_t stride, PixelFormat format,
                                   std::source_location site) {
  auto* record = new RegionRecord(storage, data, width, height, stride, format, site);
  storage.retain();
  storage.attach(*record);
  return record;
}

void RegionRecord::destroy() noexcept {
  Storage& storage = *storage_;
  storage.detach(*this);
  delete this;
  // After the region lock is released: this may free the storage, which takes other locks.
  storage.release();
}

}  // namespace tessera::detail
