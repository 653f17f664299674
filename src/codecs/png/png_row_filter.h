#pragma once
// PNG's per-row filters (PNG 1.2, section 6), both ways, vectorised.

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

// Undoes filter type `filter` (0..4; the caller refuses others) on `row` in place: `previous`
// is the row above, already unfiltered (zeros for the first row). Both must be readable for 8
// bytes past `row_bytes`: a pixel's bytes are loaded as one vector.
void unfilter_png_row(int filter, const std::uint8_t* previous, std::uint8_t* row,
                      std::size_t row_bytes, std::size_t bytes_per_pixel);

}  // namespace tessera::codecs
