#pragma once
// libtiff on a FILE*, with errors captured per file (libtiff 4.5's TIFFOpenOptions: no global
// handler to mutate) and an allocation cap, owned from the line the handle exists.

#include <tiffio.h>

#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <string>

#include "tessera/error.h"

namespace tessera::codecs {

struct TiffMessages {
  std::string last_error;
  int warnings = 0;
};

class TiffHandle {
 public:
  // Opens `file` ("r" or "w"), capping any single libtiff allocation at `max_allocation`.
  // Throws Error(CorruptData) with libtiff's message when the file cannot be opened.
  TiffHandle(std::FILE* file, const std::filesystem::path& path, const char* mode,
             std::size_t max_allocation);
  ~TiffHandle();
  TiffHandle(const TiffHandle&) = delete;
  TiffHandle& operator=(const TiffHandle&) = delete;

  TIFF* get() const { return tiff_; }
  // Flushes and closes; for writers, reports failure (a full disk) as Error(Io).
  void close();
  // An Error for the last failure, with libtiff's message when it gave one.
  Error error(ErrorCode code, const std::string& what, const char* operation) const;

 private:
  std::filesystem::path path_;
  TiffMessages messages_;
  TIFFOpenOptions* options_ = nullptr;
  TIFF* tiff_ = nullptr;
};

}  // namespace tessera::codecs
