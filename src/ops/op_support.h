#pragma once
// What every op shares: argument checks with uniform messages, output allocation for the
// returning form, border index rules, and running rows on all cores.

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cstdint>
#include <source_location>
#include <string_view>
#include <thread>
#include <vector>

#include "tessera/error.h"
#include "tessera/image.h"

namespace tessera::ops::detail {

// Error(InvalidArgument) "<op>: <message>" with the op as the error's operation.
[[noreturn]] void fail(std::string_view op, std::string message);

// Requires 8-bit samples.
void require_u8(std::string_view op, ImageView src);
// Requires one channel (gray), with `hint` saying how to get there.
void require_gray(std::string_view op, ImageView src);
// Requires dst to be width x height of `format`.
void require_destination(std::string_view op, MutableImageView dst, int width, int height,
                         PixelFormat format);
// Requires dst and src to share no byte (neighbourhood ops read pixels dst would overwrite).
void require_no_overlap(std::string_view op, ImageView src, MutableImageView dst);

// A neighbourhood filter's arguments: u8 source, destination of the same size and format, and
// no overlap between them.
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

// Runs body(first_row, end_row) over 0..rows in strips, on all cores. Strips are at least
// `min_rows` tall so that per-strip set-up (border rows, buffers) stays small.
//
// Under ThreadSanitizer (TESSERA_PLAIN_THREADS) strips run on plain std::threads instead:
// Debian's libtbb is not instrumented, so TSan cannot see its joins and would report every
// strip; with threads it can, and it still checks that strips write disjoint pixels.
template <typename Body>
void parallel_rows(int rows, int min_rows, Body&& body) {
  if (rows <= min_rows) {
    body(0, rows);
    return;
  }
#ifdef TESSERA_PLAIN_THREADS
  const int strips =
      std::min<int>(static_cast<int>(std::max(2u, std::thread::hardware_concurrency())),
                    (rows + min_rows - 1) / min_rows);
  std::vector<std::thread> threads;
  for (int strip = 0; strip < strips; ++strip) {
    threads.emplace_back([&, strip] { body(rows * strip / strips, rows * (strip + 1) / strips); });
  }
  for (auto& thread : threads) thread.join();
#else
  tbb::parallel_for(
      tbb::blocked_range<int>(0, rows, min_rows),
      [&](const tbb::blocked_range<int>& range) { body(range.begin(), range.end()); });
#endif
}

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
