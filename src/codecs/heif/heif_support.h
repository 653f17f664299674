#pragma once
// What libheif's decoder and encoder share: owners for its objects and its errors as Errors.

#include <libheif/heif.h>

#include <filesystem>

#include "tessera/error.h"

namespace tessera::codecs {

struct HeifContextOwner {
  heif_context* context = heif_context_alloc();
  ~HeifContextOwner() { heif_context_free(context); }
};
struct HeifHandleOwner {
  heif_image_handle* handle = nullptr;
  ~HeifHandleOwner() { heif_image_handle_release(handle); }
};
struct HeifImageOwner {
  heif_image* image = nullptr;
  ~HeifImageOwner() { heif_image_release(image); }
};

// Throws unless `error` is heif_error_Ok: UnsupportedFormat for valid files using features
// libheif lacks, ImageTooLarge for its security limits, OutOfMemory, CorruptData otherwise. A
// fault point: an injected fault fails as if the call before it had.
void check_heif(const heif_error& error, const std::filesystem::path& path, const char* operation);

}  // namespace tessera::codecs
