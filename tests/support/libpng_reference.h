#pragma once
// PNG decoded by libpng, the format's reference implementation, for differential tests.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tessera/image.h"

namespace tessera::testing {

struct ReferencePng {
  int width = 0;
  int height = 0;
  int channels = 0;   // 1..4, the same layout tessera promises (grey stays grey, alpha kept)
  int bit_depth = 0;  // 8 or 16
  std::vector<std::uint16_t> samples;  // row-major

  std::uint16_t at(int x, int y, int channel) const {
    return samples[(static_cast<std::size_t>(y) * width + x) * channels + channel];
  }
};

// Decodes with palette and low bit depths expanded to 8 bits, tRNS turned into an alpha
// channel, 16 bits kept, and no gamma or sBIT processing. nullopt if libpng reports an error.
std::optional<ReferencePng> decode_with_libpng(const std::filesystem::path& path);

// The first sample where `image` and libpng's decoding differ, in words, or "" when none does
// (sizes, channels and depth compared first).
std::string mismatch_with_libpng(const Image& image, const ReferencePng& reference);

}  // namespace tessera::testing
