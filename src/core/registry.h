#pragma once
// The profiler's registry of live buffers. Storages join it at creation while profiling is on
// and leave it when they are freed (or when profiling is switched off).

#include <atomic>
#include <cstdint>
#include <mutex>

#include "core/intrusive_list.h"
#include "core/storage.h"

namespace tessera::detail {

class Registry {
 public:
  // Never destroyed: buffers in globals may be freed after every static destructor ran.
  static Registry& instance();

  bool enabled() const { return enabled_.load(std::memory_order_relaxed); }
  // Returns whether profiling was on before.
  bool set_enabled(bool enabled);

  void add(Storage& storage);
  void remove(Storage& storage) noexcept;

  // Calls visit(const Storage&) for every registered buffer, oldest first, under the lock.
  // Storages cannot be freed while it runs.
  template <typename Visit>
  void for_each(Visit&& visit) const {
    std::lock_guard lock(mutex_);
    buffers_.for_each(visit);
  }

 private:
  Registry() = default;

  std::atomic<bool> enabled_{false};
  mutable std::mutex mutex_;
  IntrusiveList<Storage, &Storage::registry_links> buffers_;
  std::uint64_t registrations_ = 0;
};

// Reads TESSERA_PROFILE and TESSERA_LEAK_CHECK once; called before the first allocation.
void apply_environment_once();

}  // namespace tessera::detail
