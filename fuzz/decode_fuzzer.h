#pragma once
// What every decoder fuzz target does with an input: decode it all, under limits small enough
// that the fuzzer explores parsing rather than allocation, and accept tessera::Error as the
// only way to fail. Anything else (a crash, a sanitizer report, a leak, another exception, a
// hang) is a finding.

#include <cstddef>
#include <cstdint>
#include <span>

#include "tessera/budget.h"
#include "tessera/codec.h"
#include "tessera/error.h"

namespace tessera::fuzz {

inline void decode_once(const std::uint8_t* data, std::size_t size, const DecodeOptions& options) {
  try {
    const auto decoder = open_decoder(std::span(reinterpret_cast<const std::byte*>(data), size),
                                      "fuzz input", options);
    (void)read(*decoder, options);
  } catch (const Error&) {
    // The contract: a clear error. Its code and message are tested elsewhere.
  }
}

// `pages`: formats of several pages or frames (TIFF, GIF) also decode a later one, chosen by
// the input's last byte (1 to 4), with the pages counted: the page walk and a GIF's compositing
// (disposal, offsets, frames off the screen) are fuzzed too.
inline void decode_all(const std::uint8_t* data, std::size_t size, bool pages = false) {
  MemoryBudget budget(std::size_t{64} << 20, "fuzz input");
  const DecodeOptions options{.limits = {.max_pixels = std::uint64_t{1} << 22, .budget = &budget}};
  decode_once(data, size, options);
  if (!pages || size == 0) return;
  DecodeOptions later = options;
  later.count_frames = true;
  later.page = 1 + data[size - 1] % 4;
  decode_once(data, size, later);
}

}  // namespace tessera::fuzz
