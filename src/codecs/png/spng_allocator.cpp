// spng's allocator with fault points, so that fault injection reaches inside libspng.

#include <cstdlib>

#include "codecs/png/spng_context.h"
#include "core/fault_injection.h"

namespace tessera::codecs {
namespace {

void* allocate(std::size_t size) { return detail::inject_fault() ? nullptr : std::malloc(size); }
void* reallocate(void* pointer, std::size_t size) {
  return detail::inject_fault() ? nullptr : std::realloc(pointer, size);
}
void* allocate_zeroed(std::size_t count, std::size_t size) {
  return detail::inject_fault() ? nullptr : std::calloc(count, size);
}
void release(void* pointer) { std::free(pointer); }

spng_alloc allocator{allocate, reallocate, allocate_zeroed, release};

}  // namespace

spng_alloc* fault_point_allocator() { return &allocator; }

}  // namespace tessera::codecs
