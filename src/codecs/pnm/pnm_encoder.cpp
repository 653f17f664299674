// Netpbm encoding: what the extension names (.pgm gray P5, .ppm RGB P6, .pnm P5 or P6 by the
// image's colours, alpha flattened onto white for all three; .pam P7 with every channel); 8 or
// 16-bit samples (16 big-endian, as netpbm specifies); float samples stored as 16-bit.

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <vector>

#include "codecs/extension.h"
#include "codecs/file_io.h"
#include "codecs/pnm/pnm_codec.h"
#include "codecs/row_conversion.h"
#include "tessera/error.h"

namespace tessera::codecs {
namespace {

// What the extension asks for: .pgm gray, .ppm RGB, .pnm whichever the image's colours
// need, all without alpha (flattened onto white); .pam keeps every channel.
ChannelLayout stored_layout(const std::filesystem::path& path, ChannelLayout layout) {
  const std::string extension = lowercase_extension(path);
  if (extension == ".pgm") return ChannelLayout::Gray;
  if (extension == ".ppm") return ChannelLayout::Rgb;
  if (extension == ".pam") return layout;
  return without_alpha(layout);
}

class PnmEncoder final : public Encoder {
 public:
  PnmEncoder(const std::filesystem::path& path, int width, int height, PixelFormat format)
      : Encoder(path, width, height, format),
        file_(path),
        sixteen_(format.sample != SampleType::U8),
        layout_(stored_layout(path, format.layout)) {
    const unsigned maxval = sixteen_ ? 65535 : 255;
    const int channels = channel_count(layout_);
    std::string header;
    if (layout_ == ChannelLayout::GrayAlpha || layout_ == ChannelLayout::Rgba) {
      header =
          fmt::format("P7\nWIDTH {}\nHEIGHT {}\nDEPTH {}\nMAXVAL {}\nTUPLTYPE {}\nENDHDR\n", width,
                      height, channels, maxval, channels == 2 ? "GRAYSCALE_ALPHA" : "RGB_ALPHA");
    } else {
      header = fmt::format("P{}\n{} {}\n{}\n", channels == 1 ? 5 : 6, width, height, maxval);
    }
    file_.write(header.data(), header.size());
  }

 private:
  void encode_rows(const ImageView& rows) override {
    const std::size_t samples = static_cast<std::size_t>(rows.width()) * channel_count(layout_);
    for (int y = 0; y < rows.height(); ++y) {
      if (!sixteen_) {
        if (layout_ == rows.format().layout) {
          file_.write(rows.row(y), samples);
          continue;
        }
        narrow_.resize(samples);
        convert_row_to_u8(rows.row(y), rows.format(), rows.width(), layout_, narrow_.data());
        file_.write(narrow_.data(), samples);
        continue;
      }
      wide_.resize(samples);
      convert_row_to_u16(rows.row(y), rows.format(), rows.width(), layout_, wide_.data());
      bytes_.resize(samples * 2);
      for (std::size_t i = 0; i < samples; ++i) {
        bytes_[i * 2] = static_cast<std::uint8_t>(wide_[i] >> 8);
        bytes_[i * 2 + 1] = static_cast<std::uint8_t>(wide_[i]);
      }
      file_.write(bytes_.data(), bytes_.size());
    }
  }

  void finish_encoding() override {
    check_interrupt();
    file_.commit();
  }

  void check_output() const override { file_.throw_if_write_failed(); }

  AtomicOutputFile file_;
  bool sixteen_;
  ChannelLayout layout_;
  std::vector<std::uint8_t> narrow_;
  std::vector<std::uint16_t> wide_;
  std::vector<std::uint8_t> bytes_;
};

}  // namespace

std::unique_ptr<Encoder> open_pnm_encoder(const std::filesystem::path& path, int width, int height,
                                          PixelFormat format, const EncodeOptions&) {
  return std::make_unique<PnmEncoder>(path, width, height, format);
}

}  // namespace tessera::codecs
