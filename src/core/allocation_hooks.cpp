// memory::set_allocation_hooks(): a host's view of every allocation and its free.

#include "core/allocation_hooks.h"

#include <atomic>

namespace tessera {
namespace detail {
namespace {

// Two atomics rather than one struct: each call reads the one it needs, and a hook that is
// switched off between a buffer's allocation and its free is simply not called.
std::atomic<decltype(memory::AllocationHooks::allocated)> allocated_hook{nullptr};
std::atomic<decltype(memory::AllocationHooks::freed)> freed_hook{nullptr};

}  // namespace

bool report_allocation(const void* data, std::size_t bytes) noexcept {
  const auto hook = allocated_hook.load(std::memory_order_acquire);
  return hook != nullptr && hook(data, bytes);
}

void report_free(const void* data, std::size_t bytes) noexcept {
  const auto hook = freed_hook.load(std::memory_order_acquire);
  if (hook != nullptr) hook(data, bytes);
}

}  // namespace detail

namespace memory {

void set_allocation_hooks(AllocationHooks hooks) noexcept {
  // Freed first: a buffer reported by the new `allocated` must find the new `freed`.
  detail::freed_hook.store(hooks.freed, std::memory_order_release);
  detail::allocated_hook.store(hooks.allocated, std::memory_order_release);
}

}  // namespace memory
}  // namespace tessera
