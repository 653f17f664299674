// BMP encoding: 24-bit RGB (grey widened to RGB), or 32-bit BGRA with a V4 header's alpha mask
// when there is alpha. Rows are written top-down (negative height), so they stream in order;
// samples deeper than 8 bits are reduced.

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <vector>

#include "codecs/bmp/bmp_codec.h"
#include "codecs/file_io.h"
#include "codecs/row_conversion.h"
#include "ops/simd/channel_rows.h"
#include "tessera/error.h"

namespace tessera::codecs {
namespace {

// Rows are gathered into one buffer of about this size and written at once: a write per row
// made the encoder slower than OpenCV's (which stores BGR already and only copies).
constexpr std::size_t kWriteBytes = 256 * 1024;

std::size_t row_stride(int width, int bits_per_pixel) {
  return (static_cast<std::size_t>(width) * bits_per_pixel + 31) / 32 * 4;
}

std::size_t rows_per_write(std::size_t stride, int height) {
  return std::min<std::size_t>(std::max<std::size_t>(1, kWriteBytes / stride),
                               static_cast<std::size_t>(height));
}

void put16(std::vector<std::uint8_t>& out, std::uint32_t value) {
  out.push_back(static_cast<std::uint8_t>(value));
  out.push_back(static_cast<std::uint8_t>(value >> 8));
}
void put32(std::vector<std::uint8_t>& out, std::uint32_t value) {
  put16(out, value & 0xFFFF);
  put16(out, value >> 16);
}

class BmpEncoder final : public Encoder {
 public:
  BmpEncoder(const std::filesystem::path& path, int width, int height, PixelFormat format)
      : Encoder(path, width, height, format), file_(path), alpha_(format.has_alpha()) {
    const std::uint32_t bits = alpha_ ? 32 : 24;
    stride_ = row_stride(width, static_cast<int>(bits));
    const std::uint64_t data_bytes =
        static_cast<std::uint64_t>(stride_) * static_cast<std::uint64_t>(height);
    const std::uint32_t header_bytes = alpha_ ? 108 : 40;
    if (data_bytes + 14 + header_bytes > UINT32_MAX) {
      throw Error(ErrorCode::ImageTooLarge,
                  fmt::format("a {}x{} image is too large for BMP (4 GiB at most)", width, height),
                  {.path = path.string(), .operation = "encode"});
    }
    std::vector<std::uint8_t> header = {'B', 'M'};
    put32(header, static_cast<std::uint32_t>(14 + header_bytes + data_bytes));
    put32(header, 0);
    put32(header, 14 + header_bytes);
    put32(header, header_bytes);
    put32(header, static_cast<std::uint32_t>(width));
    put32(header, static_cast<std::uint32_t>(-height));  // top-down
    put16(header, 1);
    put16(header, bits);
    put32(header, alpha_ ? 3 : 0);  // BI_BITFIELDS with the masks below, or BI_RGB
    put32(header, static_cast<std::uint32_t>(data_bytes));
    put32(header, 2835);  // 72 dpi
    put32(header, 2835);
    put32(header, 0);
    put32(header, 0);
    if (alpha_) {  // V4: masks for B, G, R, A bytes in memory order, then sRGB
      put32(header, 0x00FF0000);
      put32(header, 0x0000FF00);
      put32(header, 0x000000FF);
      put32(header, 0xFF000000);
      put32(header, 0x73524742);  // 'sRGB'
      header.resize(14 + 108, 0);
    }
    file_.write(header.data(), header.size());
    block_.assign(rows_per_write(stride_, height) * stride_, 0);
  }

 private:
  void encode_rows(const ImageView& rows) override {
    const int channels = alpha_ ? 4 : 3;
    const int in_channels = rows.format().channels();
    const std::size_t width = static_cast<std::size_t>(rows.width());
    std::size_t filled = 0;
    for (int y = 0; y < rows.height(); ++y) {
      std::uint8_t* out_row = block_.data() + filled * stride_;
      const bool same_layout = in_channels == channels;  // RGB or RGBA: stored as BGR or BGRA
      if (same_layout && rows.format().sample == SampleType::U8) {
        ops::simd::swap_red_blue_row(reinterpret_cast<const std::uint8_t*>(rows.row(y)), out_row,
                                     width, channels);
      } else {
        samples_.resize(width * in_channels);
        convert_row_to_u8(rows.row(y), rows.format(), rows.width(), rows.format().layout,
                          samples_.data());
        if (same_layout) {
          ops::simd::swap_red_blue_row(samples_.data(), out_row, width, channels);
        } else {
          grey_to_bgr(samples_.data(), in_channels, width, out_row);
        }
      }
      if (++filled * stride_ + stride_ > block_.size() || y + 1 == rows.height()) {
        file_.write(block_.data(), filled * stride_);
        filled = 0;
      }
    }
  }

  // Grey rows stored as BGR, grey+alpha rows as BGRA.
  void grey_to_bgr(const std::uint8_t* samples, int in_channels, std::size_t width,
                   std::uint8_t* out_row) const {
    const int channels = alpha_ ? 4 : 3;
    for (std::size_t x = 0; x < width; ++x) {
      const std::uint8_t* in = samples + x * in_channels;
      std::uint8_t* out = out_row + x * channels;
      out[0] = out[1] = out[2] = in[0];
      if (alpha_) out[3] = in[1];
    }
  }

  void finish_encoding() override {
    check_interrupt();
    file_.commit();
  }

  void check_output() const override { file_.throw_if_write_failed(); }

  AtomicOutputFile file_;
  bool alpha_;
  std::size_t stride_ = 0;
  std::vector<std::uint8_t> samples_;
  std::vector<std::uint8_t> block_;  // rows gathered for one write; padding bytes stay zero
};

}  // namespace

std::size_t bmp_encoder_working_bytes(int width, int height) {
  const std::size_t stride = row_stride(width, 32);
  return rows_per_write(stride, height) * stride;
}

std::unique_ptr<Encoder> open_bmp_encoder(const std::filesystem::path& path, int width, int height,
                                          PixelFormat format, const EncodeOptions&) {
  return std::make_unique<BmpEncoder>(path, width, height, format);
}

}  // namespace tessera::codecs
