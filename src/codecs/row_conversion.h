#pragma once
// Converting one row of pixels between sample types and channel layouts, for encoders whose
// format stores less than tessera's images carry (JPEG: no alpha, 8 bits only).

#include <cstddef>
#include <cstdint>

#include "tessera/pixel_format.h"

namespace tessera::codecs {

// Writes `width` pixels of `source` (in `format`) into `target` as 8-bit samples of
// `target_layout`. 16-bit samples are scaled with rounding, float samples (0..1) clamped and
// rounded. A layout without alpha gets the pixels flattened onto white (as ImageMagick and
// libvips do), never the colour hidden under a transparent pixel; colour to gray is BT.601
// luma (as the gray op), gray to colour replicated.
//
// Flattening here, where an encoder stores fewer channels than the image has, and not in the
// pipeline's plan: every way to an output (tessera::write, the pipeline, the batch) ends in an
// encoder, so none of them can expose the hidden pixels.
void convert_row_to_u8(const std::byte* source, PixelFormat format, int width,
                       ChannelLayout target_layout, std::uint8_t* target);

// The same for 16-bit targets, keeping the layout (float samples 0..1 scaled to 0..65535).
void convert_row_to_u16(const std::byte* source, PixelFormat format, int width,
                        std::uint16_t* target);
// The same to `target_layout`, converted as convert_row_to_u8 does.
void convert_row_to_u16(const std::byte* source, PixelFormat format, int width,
                        ChannelLayout target_layout, std::uint16_t* target);

// The layout without its alpha channel (Rgba -> Rgb, GrayAlpha -> Gray).
constexpr ChannelLayout without_alpha(ChannelLayout layout) {
  return layout == ChannelLayout::Rgba        ? ChannelLayout::Rgb
         : layout == ChannelLayout::GrayAlpha ? ChannelLayout::Gray
                                              : layout;
}

}  // namespace tessera::codecs
