// Gaussian and box blur, and unsharp masking built on the Gaussian.

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <type_traits>

#include "ops/descriptors.h"
#include "ops/gaussian_kernel.h"
#include "ops/separable.h"
#include "ops/simd/unsharp_rows.h"
#include "ops/simd/weighted_rows.h"
#include "tessera/ops/filters.h"

namespace tessera::ops {
namespace {

using detail::Border;

const ParamSpec kBlurSize{.name = "ksize",
                          .kind = ParamKind::Integer,
                          .default_value = "5",
                          .min = 0,
                          .max = 255,
                          .odd = false,
                          .doc = "odd kernel size, or 0 to derive it from sigma"};
const ParamSpec kBlurSigma{.name = "sigma",
                           .kind = ParamKind::Number,
                           .default_value = "0",
                           .min = 0,
                           .max = 100,
                           .doc = "standard deviation; 0 derives it from ksize"};
const ParamSpec kBoxSize{.name = "ksize",
                         .kind = ParamKind::Integer,
                         .default_value = "3",
                         .min = 1,
                         .max = 255,
                         .odd = true,
                         .doc = "side of the square"};
const ParamSpec kSharpenSigma{.name = "sigma",
                              .kind = ParamKind::Number,
                              .default_value = "1",
                              .min = 0.1,
                              .max = 100,
                              .doc = "radius of the blur subtracted"};
const ParamSpec kSharpenAmount{.name = "amount",
                               .kind = ParamKind::Number,
                               .default_value = "1",
                               .min = 0,
                               .max = 20,
                               .doc = "strength: 1 adds the whole difference once"};
const ParamSpec kSharpenThreshold{.name = "threshold",
                                  .kind = ParamKind::Integer,
                                  .default_value = "0",
                                  .min = 0,
                                  .max = 255,
                                  .doc = "differences up to this are left alone"};

// The kernel size blur uses: ksize, or the one sigma calls for when ksize is 0.
int blur_size(int ksize, double sigma) {
  return ksize == 0 ? detail::gaussian_size_for_sigma(sigma) : ksize;
}

void check_blur_size(int ksize, double sigma) {
  check_parameter("blur", kBlurSize, ksize);
  check_parameter("blur", kBlurSigma, sigma);
  if (ksize == 0 && sigma == 0) detail::fail("blur", "give ksize or sigma (both are 0)");
  if (ksize != 0 && ksize % 2 == 0) {
    detail::fail("blur", fmt::format("ksize {} is not allowed: odd integer in 1..255, or 0 with "
                                     "a sigma",
                                     ksize));
  }
}

// How many times 2 divides every tap of a fixed-point kernel.
int common_twos(const std::vector<int>& kernel) {
  int bits = 8;
  for (const int tap : kernel) bits = std::min(bits, std::countr_zero(static_cast<unsigned>(tap)));
  return bits;
}

// out = (sum over the window of kx * ky * x + 2^15) >> 16 with 8-bit fixed-point kernels:
// OpenCV's bit-exact GaussianBlur path, whose row sums are exact in 16 bits.
//
// When the taps share factors 2^a (across) and 2^b (down) with a + b >= 8, as ksize 3 and 5's
// binomial kernels do (64·[1 2 1], 16·[1 4 6 4 1]), the same result is
// (sum of kx/2^a * ky/2^b * x + 2^(15-a-b)) >> (16-a-b), whose sums stay below
// 255 * 2^(16-a-b) + 2^(15-a-b) < 2^16: the vertical pass runs in 16-bit lanes, twice as many
// per vector.
void separable_fixed_point(ImageView src, MutableImageView dst, const std::vector<int>& kx,
                           const std::vector<int>& ky) {
  const int rx = static_cast<int>(kx.size()) / 2;
  const int ry = static_cast<int>(ky.size()) / 2;
  const int channels = src.format().channels();
  const int across_twos = common_twos(kx);
  const int down_twos = common_twos(ky);
  const bool narrow = across_twos + down_twos >= 8;
  std::vector<std::uint16_t> across(kx.begin(), kx.end());
  if (narrow) {
    for (auto& tap : across) tap = static_cast<std::uint16_t>(tap >> across_twos);
  }
  const int narrow_shift = std::max(0, 16 - across_twos - down_twos);
  const auto narrow_rounding =
      static_cast<std::uint16_t>(narrow_shift > 0 ? 1 << (narrow_shift - 1) : 0);
  std::vector<std::uint16_t> down_narrow;
  for (const int tap : ky) down_narrow.push_back(static_cast<std::uint16_t>(tap >> down_twos));
  const std::vector<std::uint32_t> down(ky.begin(), ky.end());
  detail::separable_pass<std::uint16_t>(
      src, rx, ry, Border::Reflect101,
      [&](const std::uint8_t* padded, std::uint16_t* out, int samples) {
        simd::weighted_row(padded, channels, across.data(), static_cast<int>(across.size()), out,
                           samples);
      },
      [&](const std::uint16_t* const* rows, int y, int samples) {
        if (narrow) {
          simd::weighted_column(rows, down_narrow.data(), static_cast<int>(down_narrow.size()),
                                narrow_rounding, narrow_shift, dst.row<std::uint8_t>(y), samples);
        } else {
          simd::weighted_column(rows, down.data(), static_cast<int>(down.size()), 1u << 15, 16,
                                dst.row<std::uint8_t>(y), samples);
        }
      });
}

// u16: OpenCV's bit-exact CV_16U GaussianBlur, kernels with 16 fraction bits (sum 2^16): row
// sums sum(kx * x) in 32 bits (at most 65535 * 2^16 < 2^32), then
// out = (sum(ky * row sum) + 2^31) >> 32 in 64 bits, saturated. Bit-identical to OpenCV; in
// Highway vectors across and down.
void separable_fixed_point_u16(ImageView src, MutableImageView dst, const std::vector<int>& kx,
                               const std::vector<int>& ky) {
  const int rx = static_cast<int>(kx.size()) / 2;
  const int ry = static_cast<int>(ky.size()) / 2;
  const int channels = src.format().channels();
  const std::vector<std::uint32_t> across(kx.begin(), kx.end());
  const std::vector<std::uint32_t> down(ky.begin(), ky.end());
  detail::separable_pass<std::uint32_t, std::uint16_t>(
      src, rx, ry, Border::Reflect101,
      [&](const std::uint16_t* padded, std::uint32_t* out, int samples) {
        simd::weighted_row(padded, channels, across.data(), static_cast<int>(across.size()), out,
                           static_cast<std::size_t>(samples));
      },
      [&](const std::uint32_t* const* rows, int y, int samples) {
        simd::weighted_column(rows, down.data(), static_cast<int>(down.size()),
                              dst.row<std::uint16_t>(y), static_cast<std::size_t>(samples));
      });
}

// f32: the kernel in float, sums in float, unclamped, as cv::GaussianBlur's CV_32F path sums
// (each pair of symmetric taps added before its multiply, as its vector code does; within
// 3e-7 on 0..1, tests/ops/depth_reference_test.cpp), in Highway vectors across and down.
void separable_float(ImageView src, MutableImageView dst, const std::vector<double>& kx,
                     const std::vector<double>& ky) {
  const int rx = static_cast<int>(kx.size()) / 2;
  const int ry = static_cast<int>(ky.size()) / 2;
  const int channels = src.format().channels();
  const std::vector<float> across(kx.begin(), kx.end());
  const std::vector<float> down(ky.begin(), ky.end());
  detail::separable_pass<float, float>(
      src, rx, ry, Border::Reflect101,
      [&](const float* padded, float* out, int samples) {
        simd::symmetric_row(padded, channels, across.data(), static_cast<int>(across.size()), out,
                            static_cast<std::size_t>(samples));
      },
      [&](const float* const* rows, int y, int samples) {
        // The rows the next horizontal and vertical passes take, while they are in the image.
        const int next = y + ry + 1;
        const simd::RowsAhead ahead{.read = src.row<float>(std::min(next, src.height() - 1)),
                                    .write = dst.row<float>(std::min(y + 1, src.height() - 1))};
        simd::symmetric_column(rows, down.data(), static_cast<int>(down.size()), dst.row<float>(y),
                               static_cast<std::size_t>(samples), &ahead);
      });
}

}  // namespace

void gaussian_blur(ImageView src, MutableImageView dst, int ksize, double sigma) {
  check_blur_size(ksize, sigma);
  detail::require_filter_arguments("blur", src, dst);
  ksize = blur_size(ksize, sigma);
  // As OpenCV: a one-pixel-wide side is not blurred along that side.
  const int kw = src.width() == 1 ? 1 : ksize;
  const int kh = src.height() == 1 ? 1 : ksize;
  if (src.format().sample == SampleType::U16) {
    return separable_fixed_point_u16(src, dst, detail::gaussian_kernel_fixed(kw, sigma, 16),
                                     detail::gaussian_kernel_fixed(kh, sigma, 16));
  }
  if (src.format().sample == SampleType::F32) {
    return separable_float(src, dst, detail::gaussian_kernel(kw, sigma),
                           detail::gaussian_kernel(kh, sigma));
  }
  separable_fixed_point(src, dst, detail::gaussian_kernel_fixed(kw, sigma),
                        detail::gaussian_kernel_fixed(kh, sigma));
}

Image gaussian_blur(ImageView src, int ksize, double sigma, AllocationOptions options,
                    std::source_location site) {
  return detail::into_new("blur", src, src.format(), options, site,
                          [&](MutableImageView dst) { gaussian_blur(src, dst, ksize, sigma); });
}

namespace {

// u16 and f32: cv::blur's sums, exact in 32-bit integers (u16) or in double (f32), times
// 1 / area in double, then rounded to nearest and saturated (u16) or made float (f32). Plain
// loops along the row that GCC vectorises at -O3.
template <typename Sample, typename Sum>
void box_mean(ImageView src, MutableImageView dst, int ksize) {
  const int r = ksize / 2;
  const int channels = src.format().channels();
  const double scale = 1.0 / (ksize * ksize);
  detail::separable_pass<Sum, Sample>(
      src, r, r, Border::Reflect101,
      [&](const Sample* padded, Sum* out, int samples) {
        std::fill(out, out + samples, Sum(0));
        for (int k = 0; k < ksize; ++k) {
          const Sample* in = padded + k * channels;
          for (int i = 0; i < samples; ++i) out[i] += in[i];
        }
      },
      [&](const Sum* const* rows, int y, int samples) {
        Sample* out = dst.row<Sample>(y);
        for (int i = 0; i < samples; ++i) {
          Sum sum = 0;
          for (int k = 0; k < ksize; ++k) sum += rows[k][i];
          if constexpr (std::is_same_v<Sample, float>) {
            out[i] = static_cast<float>(sum * scale);
          } else {
            out[i] = static_cast<Sample>(std::min(std::lrint(sum * scale), 65535L));
          }
        }
      });
}

}  // namespace

void box_blur(ImageView src, MutableImageView dst, int ksize) {
  check_parameter("box_blur", kBoxSize, ksize);
  detail::require_filter_arguments("box_blur", src, dst);
  const int r = ksize / 2;
  const int area = ksize * ksize;
  if (area == 1) {  // the mean of one pixel: a copy, as cv::blur
    for (int y = 0; y < src.height(); ++y) std::memcpy(dst.row(y), src.row(y), src.row_bytes());
    return;
  }
  if (src.format().sample == SampleType::U16) {
    return box_mean<std::uint16_t, std::uint32_t>(src, dst, ksize);
  }
  if (src.format().sample == SampleType::F32) return box_mean<float, double>(src, dst, ksize);
  // cv::blur divides sums of up to 256 taps by a multiply and shift (23 bits) and larger ones
  // in float; both round to nearest, and reproducing them keeps the results bit-identical.
  const bool small = area <= 256;
  std::uint32_t multiplier = 1;
  std::uint32_t bias = 0;
  if (small) {
    const double exact = static_cast<double>(1 << 23) / area;
    multiplier = static_cast<std::uint32_t>(std::floor(exact));
    bias = static_cast<std::uint32_t>(area / 2);
    if (exact - std::floor(exact) < 0.5) {
      ++bias;
    } else {
      ++multiplier;
    }
  }
  const float scale = 1.0f / static_cast<float>(area);
  const int channels = src.format().channels();
  const std::vector<std::uint16_t> ones(ksize, 1);
  // Row sums of up to 255 taps fit in 16 bits (255 * 255 < 2^16).
  detail::separable_pass<std::uint16_t>(
      src, r, r, Border::Reflect101,
      [&](const std::uint8_t* padded, std::uint16_t* out, int samples) {
        simd::weighted_row(padded, channels, ones.data(), ksize, out, samples);
      },
      [&](const std::uint16_t* const* rows, int y, int samples) {
        std::uint8_t* out = dst.row<std::uint8_t>(y);
        if (small) {
          simd::box_mean_fixed(rows, ksize, bias, multiplier, out, samples);
        } else {
          simd::box_mean_float(rows, ksize, scale, out, samples);
        }
      });
}

Image box_blur(ImageView src, int ksize, AllocationOptions options, std::source_location site) {
  return detail::into_new("box_blur", src, src.format(), options, site,
                          [&](MutableImageView dst) { box_blur(src, dst, ksize); });
}

namespace {

// dst = src + amount * (src - dst) where |src - dst| > threshold, dst holding the blur; alpha
// kept. The threshold is in 8-bit levels, scaled to the sample type's full scale (u16: x257,
// f32: /255) so that it means the same on every type. u8 and u16 round to nearest and
// saturate; f32 is not clamped. Rows combined in SIMD, then alpha copied back.
template <typename Sample>
void unsharp(ImageView src, MutableImageView dst, double amount, int threshold) {
  const int channels = src.format().channels();
  const bool alpha = src.format().has_alpha();
  const auto gain = static_cast<float>(amount);
  const float limit = std::is_same_v<Sample, float>           ? threshold / 255.0f
                      : std::is_same_v<Sample, std::uint16_t> ? threshold * 257.0f
                                                              : static_cast<float>(threshold);
  const std::size_t samples = static_cast<std::size_t>(src.width()) * channels;
  detail::parallel_rows(src.height(), detail::strip_rows(src.row_bytes()), [&](int first, int end) {
    for (int y = first; y < end; ++y) {
      const Sample* in = src.row<Sample>(y);
      Sample* out = dst.row<Sample>(y);
      simd::unsharp_row(in, out, gain, limit, out, samples);
      if (alpha) {
        for (std::size_t i = channels - 1; i < samples; i += channels) out[i] = in[i];
      }
    }
  });
}

}  // namespace

void sharpen(ImageView src, MutableImageView dst, double sigma, double amount, int threshold) {
  check_parameter("sharpen", kSharpenSigma, sigma);
  check_parameter("sharpen", kSharpenAmount, amount);
  check_parameter("sharpen", kSharpenThreshold, threshold);
  detail::require_filter_arguments("sharpen", src, dst);
  // Blur into dst first, then combine in place: dst holds the blur only until it is read.
  gaussian_blur(src, dst, 0, sigma);
  switch (src.format().sample) {
    case SampleType::U8:
      return unsharp<std::uint8_t>(src, dst, amount, threshold);
    case SampleType::U16:
      return unsharp<std::uint16_t>(src, dst, amount, threshold);
    case SampleType::F32:
      return unsharp<float>(src, dst, amount, threshold);
  }
}

Image sharpen(ImageView src, double sigma, double amount, int threshold, AllocationOptions options,
              std::source_location site) {
  return detail::into_new("sharpen", src, src.format(), options, site, [&](MutableImageView dst) {
    sharpen(src, dst, sigma, amount, threshold);
  });
}

namespace detail {

std::vector<OpDescriptor> blur_ops() {
  return {
      {.name = "blur",
       .doc = "Gaussian blur (OpenCV GaussianBlur, BORDER_REFLECT_101)",
       .function = "gaussian_blur",
       .params = {kBlurSize, kBlurSigma},
       .access = Access::Neighbourhood,
       .apply =
           [](ImageView src, const OpArguments& args) {
             return gaussian_blur(src, args.integer("ksize"), args.number("sigma"));
           },
       .check =
           [](const OpArguments& args) {
             check_blur_size(args.integer("ksize"), args.number("sigma"));
           },
       .streaming = make_hooks({.rows_around = [](const OpArguments& args) -> std::optional<int> {
         return blur_size(args.integer("ksize"), args.number("sigma")) / 2;
       }}),
       .samples = SampleTypes::all()},
      {.name = "box_blur",
       .doc = "mean over a square (OpenCV blur)",
       .params = {kBoxSize},
       .access = Access::Neighbourhood,
       .apply = [](ImageView src,
                   const OpArguments& args) { return box_blur(src, args.integer("ksize")); },
       .streaming = make_hooks({.rows_around = [](const OpArguments& args) -> std::optional<int> {
         return args.integer("ksize") / 2;
       }}),
       .samples = SampleTypes::all()},
      {.name = "sharpen",
       .doc = "unsharp mask: x + amount * (x - blur(x, sigma)) where the difference > threshold",
       .params = {kSharpenSigma, kSharpenAmount, kSharpenThreshold},
       .access = Access::Neighbourhood,
       .apply =
           [](ImageView src, const OpArguments& args) {
             return sharpen(src, args.number("sigma"), args.number("amount"),
                            args.integer("threshold"));
           },
       .streaming = make_hooks({.rows_around = [](const OpArguments& args) -> std::optional<int> {
         return detail::gaussian_size_for_sigma(args.number("sigma")) / 2;
       }}),
       .samples = SampleTypes::all()},
  };
}

}  // namespace detail
}  // namespace tessera::ops
