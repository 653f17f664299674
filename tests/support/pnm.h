#pragma once
// Netpbm images (what djpeg and pngtopnm print) for comparing tessera's decoders with them.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tessera::testing {

struct Pnm {
  int width = 0;
  int height = 0;
  int channels = 0;                    // 1 (P4, P5) or 3 (P6)
  int maxval = 0;                      // 1 for P4
  std::vector<std::uint16_t> samples;  // row-major, channels per pixel; P4's 1 is black -> 0

  std::uint16_t at(int x, int y, int channel) const {
    return samples[(static_cast<std::size_t>(y) * width + x) * channels + channel];
  }
};

// Parses binary P4, P5 or P6; nullopt for anything else or truncated data.
std::optional<Pnm> parse_pnm(const std::string& bytes);

}  // namespace tessera::testing
