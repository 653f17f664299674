#include "core/registry.h"

#include <unistd.h>

#include <atomic>
#include <chrono>

namespace tessera::detail {
namespace {

int current_thread_id() {
  thread_local const int id = static_cast<int>(gettid());
  return id;
}

}  // namespace

Registry& Registry::instance() {
  static Registry* const registry = new Registry;
  return *registry;
}

bool Registry::set_enabled(bool enabled) {
  std::lock_guard lock(mutex_);
  const bool was_enabled = enabled_.exchange(enabled);
  if (!enabled) buffers_.clear([](Storage& storage) { storage.registered.store(false); });
  return was_enabled;
}

void Registry::add(Storage& storage) {
  storage.thread = current_thread_id();
  storage.created = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  if (!enabled_.load(std::memory_order_relaxed)) return;  // switched off meanwhile
  storage.id = ++registrations_;
  buffers_.push_back(storage);
  storage.registered.store(true, std::memory_order_release);
}

void Registry::remove(Storage& storage) noexcept {
  // Most buffers were never registered: skip the lock for them.
  if (!storage.registered.load(std::memory_order_acquire)) return;
  std::lock_guard lock(mutex_);
  if (!storage.registered.load(std::memory_order_relaxed)) return;  // profiling switched off
  buffers_.erase(storage);
  storage.registered.store(false, std::memory_order_relaxed);
}

}  // namespace tessera::detail
