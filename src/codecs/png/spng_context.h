#pragma once
// Owns an spng context from the moment it exists, and turns spng's status codes into Errors.

#include <spng.h>

#include <filesystem>

#include "tessera/error.h"

namespace tessera::codecs {

struct SpngContext {
  spng_ctx* context = nullptr;

  explicit SpngContext(int flags) : context(spng_ctx_new(flags)) {
    if (context == nullptr) throw Error(ErrorCode::OutOfMemory, "cannot create a PNG context");
  }
  ~SpngContext() { spng_ctx_free(context); }
  SpngContext(const SpngContext&) = delete;
  SpngContext& operator=(const SpngContext&) = delete;
};

// Throws unless `status` is 0: Io for read/write failures, CorruptData for anything else.
void check_spng(int status, const char* operation, const std::filesystem::path& path);

}  // namespace tessera::codecs
