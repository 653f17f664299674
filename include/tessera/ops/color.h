#pragma once
// Colour and sample-type conversions.
//
// Every op comes in two forms, as everywhere in tessera::ops: one returns a new Image (charged
// to the current budget and labelled with the op's name, at the caller's line), one writes
// into a destination view the caller owns, which must already have the right size and format.
// Both throw Error(InvalidArgument) naming the op when the formats do not fit. Kernels never
// touch reference counts. Ops on whole rows run on all cores (oneTBB) and are safe to call
// from several threads at once.
//
//   auto luma = tessera::ops::gray(photo.view());   // rgb8 -> gray8, OpenCV's BT.601 rounding
//   tessera::ops::swap_rb(luma_and_more.view(), bgr_buffer);  // into a caller's view

#include <source_location>

#include "tessera/image.h"

namespace tessera::ops {

// Luma from RGB or RGBA (alpha dropped): BT.601 weights in OpenCV's fixed point, so u8 results
// are bit-identical to cv::cvtColor(RGB2GRAY). Gray in, gray copied out. u8, u16 and f32.
Image gray(ImageView src, AllocationOptions options = {},
           std::source_location site = std::source_location::current());
void gray(ImageView src, MutableImageView dst);

// RGB from gray (replicated), RGBA (alpha dropped) or RGB (copied).
Image rgb(ImageView src, AllocationOptions options = {},
          std::source_location site = std::source_location::current());
void rgb(ImageView src, MutableImageView dst);

// RGBA from gray, RGB (opaque alpha added) or RGBA (copied).
Image rgba(ImageView src, AllocationOptions options = {},
           std::source_location site = std::source_location::current());
void rgba(ImageView src, MutableImageView dst);

// Drops the alpha channel: RGBA -> RGB, gray+alpha -> gray. Images without alpha are copied.
Image strip_alpha(ImageView src, AllocationOptions options = {},
                  std::source_location site = std::source_location::current());
void strip_alpha(ImageView src, MutableImageView dst);

// Swaps the first and third channel of RGB or RGBA: BGR interop at the edges. In place allowed.
Image swap_rb(ImageView src, AllocationOptions options = {},
              std::source_location site = std::source_location::current());
void swap_rb(ImageView src, MutableImageView dst);

// Converts samples between u8, u16 and f32, keeping the channel layout. Full scale maps to full
// scale: u8 255 = u16 65535 = f32 1.0. Narrowing rounds to nearest and saturates.
Image convert_depth(ImageView src, SampleType target, AllocationOptions options = {},
                    std::source_location site = std::source_location::current());
void convert_depth(ImageView src, MutableImageView dst);

// u16 or f32 to u8 with ordered dithering instead of rounding: each sample, scaled to 0..255,
// is rounded down after adding the threshold of its pixel's place in an 8x8 Bayer matrix
// ((rank + 0.5) / 64), so a smooth 16-bit gradient keeps its in-between levels as a fine
// pattern (the mean of every aligned 8x8 block of a flat area within 1/128 of a level of the
// exact value) instead of bands. Whole 8-bit levels stay as they are; f32 is clamped to 0..1,
// NaN to 0. `top` is the image row that src's first row is, so that bands of an image dither as
// the whole does. u8 input is copied.
Image dither_to_u8(ImageView src, AllocationOptions options = {},
                   std::source_location site = std::source_location::current());
void dither_to_u8(ImageView src, MutableImageView dst, int top = 0);

}  // namespace tessera::ops
