#pragma once
// Channel shuffles of 8-bit rows (gray to colour, adding or dropping alpha), vectorised with
// interleaved loads and stores (see channel_rows.cpp). The pixel-at-a-time form of the same
// shuffles costs more than the blur and Canny it follows in a gray pipeline.

#include <cstddef>
#include <cstdint>

namespace tessera::ops::simd {

// Gray (src_channels 1) or gray + alpha (2) to RGB (dst_channels 3) or RGBA (4): the gray value
// in R, G and B; alpha copied, or opaque (255) when the source has none.
void gray_to_color_row(const std::uint8_t* src, std::uint8_t* dst, std::size_t width,
                       int src_channels, int dst_channels);

// RGB (3) to RGBA (4) with opaque alpha, or RGBA to RGB with alpha dropped.
void color_to_color_row(const std::uint8_t* src, std::uint8_t* dst, std::size_t width,
                        int src_channels, int dst_channels);

// RGB to BGR or RGBA to BGRA (`channels` 3 or 4), and back: red and blue swapped, as BMP and
// OpenCV store them. `src` may be `dst`.
void swap_red_blue_row(const std::uint8_t* src, std::uint8_t* dst, std::size_t width, int channels);

}  // namespace tessera::ops::simd
