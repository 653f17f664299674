#pragma once
// What every op shares: argument checks with uniform messages, output allocation for the
// returning form, border index rules; and running on all cores (parallel.h).

#include <algorithm>
#include <cstdint>
#include <source_location>
#include <string_view>

#include "ops/parallel.h"
#include "tessera/error.h"
#include "tessera/image.h"
#include "tessera/ops/registry.h"

namespace tessera::ops::detail {

// Error(InvalidArgument) "<op>: <message>" with the op as the error's operation.
[[noreturn]] void fail(std::string_view op, std::string message);

// Requires a non-empty src whose sample type the registry's descriptor of `op` takes (its
// `samples`; arguments that narrow them are the caller's to check with require_samples()).
void require_samples(std::string_view op, ImageView src);
// Requires a non-empty src of a sample type in `accepted`; `note` says when arguments narrow
// an op's types (rotate's angle), as the descriptor's samples_note.
void require_samples(std::string_view op, ImageView src, SampleTypes accepted,
                     std::string_view note = {});
// The refusal both of those and the plan make: "canny takes u8 only, got u16: put `depth u8`
// before it".
[[noreturn]] void refuse_samples(std::string_view op, SampleTypes accepted, SampleType got,
                                 std::string_view note);
// Requires one channel (gray), with `hint` saying how to get there.
void require_gray(std::string_view op, ImageView src);
// Requires dst to be width x height of `format`.
void require_destination(std::string_view op, MutableImageView dst, int width, int height,
                         PixelFormat format);
// Requires dst and src to share no byte (neighbourhood ops read pixels dst would overwrite).
void require_no_overlap(std::string_view op, ImageView src, MutableImageView dst);

// A neighbourhood filter's arguments: a source of a type the op takes, destination of the same size
// and format, and no overlap between them.
void require_filter_arguments(std::string_view op, ImageView src, MutableImageView dst);

// A new image for an op's result, labelled with the op's name for the profiler.
Image new_output(std::string_view op, int width, int height, PixelFormat format,
                 AllocationOptions options, const std::source_location& site);

// The returning form of an op whose output has src's size: allocate, then run `into`.
template <typename Into>
Image into_new(std::string_view op, ImageView src, PixelFormat format, AllocationOptions options,
               const std::source_location& site, Into&& into) {
  Image out = new_output(op, src.width(), src.height(), format, options, site);
  into(out.mutable_view());
  return out;
}

// Index rules for pixels outside 0..n-1.
inline int reflect101(int i, int n) {
  if (n == 1) return 0;
  while (i < 0 || i >= n) i = i < 0 ? -i : 2 * n - 2 - i;
  return i;
}
inline int replicate(int i, int n) { return std::clamp(i, 0, n - 1); }

// Rows per strip for a pass over `bytes_per_row`: enough work per task to amortise scheduling.
inline int strip_rows(std::size_t bytes_per_row) {
  const std::size_t target = 64 * 1024;
  return static_cast<int>(
      std::clamp<std::size_t>(target / std::max<std::size_t>(bytes_per_row, 1), 4, 256));
}

inline std::uint8_t saturate_u8(int value) {
  return static_cast<std::uint8_t>(std::clamp(value, 0, 255));
}

}  // namespace tessera::ops::detail
