#pragma once
// The always-on process-wide counters behind memory::counters(). Lock-free: a handful of
// relaxed atomic operations per allocation.

#include <cstddef>

namespace tessera::detail {

void count_allocation(std::size_t bytes) noexcept;
void count_free(std::size_t bytes) noexcept;
void count_wrap(std::size_t bytes) noexcept;
void count_unwrap(std::size_t bytes) noexcept;

}  // namespace tessera::detail
