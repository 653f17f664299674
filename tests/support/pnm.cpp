#include "pnm.h"

#include <cctype>

namespace tessera::testing {
namespace {

// Reads the next header number, skipping whitespace and # comments.
bool header_number(const std::string& bytes, std::size_t& at, int& value) {
  for (;;) {
    while (at < bytes.size() && std::isspace(static_cast<unsigned char>(bytes[at]))) ++at;
    if (at < bytes.size() && bytes[at] == '#') {
      while (at < bytes.size() && bytes[at] != '\n') ++at;
      continue;
    }
    break;
  }
  if (at >= bytes.size() || !std::isdigit(static_cast<unsigned char>(bytes[at]))) return false;
  value = 0;
  while (at < bytes.size() && std::isdigit(static_cast<unsigned char>(bytes[at]))) {
    value = value * 10 + (bytes[at++] - '0');
  }
  return true;
}

}  // namespace

std::optional<Pnm> parse_pnm(const std::string& bytes) {
  if (bytes.size() < 2 || bytes[0] != 'P' || bytes[1] < '4' || bytes[1] > '6') return std::nullopt;
  const char kind = bytes[1];
  Pnm pnm;
  std::size_t at = 2;
  if (!header_number(bytes, at, pnm.width) || !header_number(bytes, at, pnm.height))
    return std::nullopt;
  pnm.maxval = 1;
  if (kind != '4' && !header_number(bytes, at, pnm.maxval)) return std::nullopt;
  ++at;  // the single whitespace byte before the raster
  pnm.channels = kind == '6' ? 3 : 1;
  const std::size_t count = static_cast<std::size_t>(pnm.width) * pnm.height * pnm.channels;
  pnm.samples.resize(count);
  if (kind == '4') {
    const std::size_t row_bytes = (static_cast<std::size_t>(pnm.width) + 7) / 8;
    if (bytes.size() < at + row_bytes * pnm.height) return std::nullopt;
    for (int y = 0; y < pnm.height; ++y) {
      for (int x = 0; x < pnm.width; ++x) {
        const auto byte = static_cast<unsigned char>(bytes[at + y * row_bytes + x / 8]);
        const bool black = ((byte >> (7 - x % 8)) & 1) != 0;
        pnm.samples[static_cast<std::size_t>(y) * pnm.width + x] = black ? 0 : 1;
      }
    }
    return pnm;
  }
  const std::size_t sample_bytes = pnm.maxval > 255 ? 2 : 1;
  if (bytes.size() < at + count * sample_bytes) return std::nullopt;
  for (std::size_t i = 0; i < count; ++i) {
    const auto high = static_cast<unsigned char>(bytes[at + i * sample_bytes]);
    pnm.samples[i] = sample_bytes == 2
                         ? static_cast<std::uint16_t>(
                               high << 8 | static_cast<unsigned char>(bytes[at + i * 2 + 1]))
                         : high;
  }
  return pnm;
}

}  // namespace tessera::testing
