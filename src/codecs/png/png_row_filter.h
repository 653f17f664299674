#pragma once
// PNG's per-row filters for the encoder (PNG 1.2, section 6), vectorised.

#include <cstddef>
#include <cstdint>

namespace tessera::codecs {

// Writes `row` filtered into `out`: out[0] the filter type, then `row_bytes` filtered bytes.
// The filter is the one libspng (and libpng) would choose, so that files keep the size they had
// when libspng wrote them: the one of the five whose output bytes, each read as a signed value,
// have the smallest sum of magnitudes (ties to the lower type). `previous` is the row above,
// unfiltered (zeros for the first row); `bytes_per_pixel` 1..8 (16-bit samples big-endian).
void filter_png_row(const std::uint8_t* previous, const std::uint8_t* row, std::size_t row_bytes,
                    std::size_t bytes_per_pixel, std::uint8_t* out);

}  // namespace tessera::codecs
