#pragma once
// The checks every decoder runs on a header before allocating a single pixel.

#include <cstddef>
#include <filesystem>

#include "tessera/codec.h"

namespace tessera::codecs {

// Throws Error(ImageTooLarge) when the stored image has more pixels than limits.max_pixels,
// and Error(OutOfBudget) when the decode estimate (pixels plus `working_bytes` the codec needs
// on top) does not fit in what the budget has left (unless limits.whole_decode_within_budget is
// off). Both messages say what to do.
void check_limits(const ImageInfo& info, std::size_t working_bytes, const Limits& limits,
                  const std::filesystem::path& path);

// The budget the limits name, or the thread's current one, or nullptr.
MemoryBudget* budget_of(const Limits& limits);

// The page DecodeOptions::page asks for (0 when none), checked against the `count` images the
// file holds: Error(InvalidArgument) "file has 3 pages (0..2); asked for page 5" past the last.
// `unit` is "page" or "frame", as the format counts them.
int checked_page(const DecodeOptions& options, int count, const char* unit,
                 const std::filesystem::path& path);
// The same error, for a caller that learns the count only by walking the file.
[[noreturn]] void throw_missing_page(int page, int count, const char* unit,
                                     const std::filesystem::path& path);

}  // namespace tessera::codecs
