#include "core/counters.h"

#include <atomic>
#include <cstdint>

#include "tessera/memory.h"

namespace tessera {
namespace {

// Constant-initialised and trivially destructible, so they are valid before any static
// constructor runs and after every static destructor: images in globals are counted too.
std::atomic<std::size_t> live_bytes{0};
std::atomic<std::size_t> live_buffers{0};
std::atomic<std::size_t> peak_bytes{0};
std::atomic<std::uint64_t> total_allocations{0};
std::atomic<std::uint64_t> total_bytes{0};
std::atomic<std::size_t> wrapped_bytes{0};

void raise_peak(std::size_t candidate) noexcept {
  std::size_t peak = peak_bytes.load(std::memory_order_relaxed);
  while (candidate > peak &&
         !peak_bytes.compare_exchange_weak(peak, candidate, std::memory_order_relaxed)) {
  }
}

}  // namespace

namespace detail {

void count_allocation(std::size_t bytes) noexcept {
  const std::size_t live = live_bytes.fetch_add(bytes, std::memory_order_relaxed) + bytes;
  live_buffers.fetch_add(1, std::memory_order_relaxed);
  total_allocations.fetch_add(1, std::memory_order_relaxed);
  total_bytes.fetch_add(bytes, std::memory_order_relaxed);
  raise_peak(live);
}

void count_free(std::size_t bytes) noexcept {
  live_bytes.fetch_sub(bytes, std::memory_order_relaxed);
  live_buffers.fetch_sub(1, std::memory_order_relaxed);
}

void count_wrap(std::size_t bytes) noexcept {
  wrapped_bytes.fetch_add(bytes, std::memory_order_relaxed);
  live_buffers.fetch_add(1, std::memory_order_relaxed);
}

void count_unwrap(std::size_t bytes) noexcept {
  wrapped_bytes.fetch_sub(bytes, std::memory_order_relaxed);
  live_buffers.fetch_sub(1, std::memory_order_relaxed);
}

}  // namespace detail

namespace memory {

Counters counters() {
  return {
      .live_bytes = live_bytes.load(std::memory_order_relaxed),
      .live_buffers = live_buffers.load(std::memory_order_relaxed),
      .peak_bytes = peak_bytes.load(std::memory_order_relaxed),
      .total_allocations = total_allocations.load(std::memory_order_relaxed),
      .total_bytes = total_bytes.load(std::memory_order_relaxed),
      .wrapped_bytes = wrapped_bytes.load(std::memory_order_relaxed),
  };
}

void reset_peak() { peak_bytes.store(live_bytes.load(std::memory_order_relaxed)); }

}  // namespace memory
}  // namespace tessera
