#pragma once
// Owns an spng context from the moment it exists, and turns spng's status codes into Errors.

#include <spng.h>

#include <filesystem>

#include "tessera/error.h"

namespace tessera::codecs {

// spng's allocations go through fault points (testing::FaultInjection), then to malloc.
spng_alloc* fault_point_allocator();

struct SpngContext {
  spng_ctx* context = nullptr;

  explicit SpngContext(int flags) : context(spng_ctx_new2(fault_point_allocator(), flags)) {
    if (context == nullptr) throw Error(ErrorCode::OutOfMemory, "cannot create a PNG context");
  }
  ~SpngContext() { spng_ctx_free(context); }
  SpngContext(const SpngContext&) = delete;
  SpngContext& operator=(const SpngContext&) = delete;
};

// Throws unless `status` is 0: Io for read/write failures, CorruptData for anything else. Also
// a fault point: an injected fault fails as if the call before it had.
void check_spng(int status, const char* operation, const std::filesystem::path& path);

}  // namespace tessera::codecs
