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

inline void decode_all(const std::uint8_t* data, std::size_t size) {
  MemoryBudget budget(std::size_t{64} << 20, "fuzz input");
  const DecodeOptions options{.limits = {.max_pixels = std::uint64_t{1} << 22, .budget = &budget}};
  try {
    const auto decoder = open_decoder(std::span(reinterpret_cast<const std::byte*>(data), size),
                                      "fuzz input", options);
    (void)read(*decoder, options);
  } catch (const Error&) {
    // The contract: a clear error. Its code and message are tested elsewhere.
  }
}

}  // namespace tessera::fuzz
