#pragma once
// Calling the host's allocation hooks (memory::set_allocation_hooks) from Storage.

#include <cstddef>

#include "tessera/memory.h"

namespace tessera::detail {

// Whether a hook was installed and asked to hear of this buffer's free.
bool report_allocation(const void* data, std::size_t bytes) noexcept;
void report_free(const void* data, std::size_t bytes) noexcept;

}  // namespace tessera::detail
