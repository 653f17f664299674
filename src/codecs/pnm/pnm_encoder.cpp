// Netpbm encoding: PGM (P5) and PPM (P6) for grey and RGB, PAM (P7) when there is alpha; 8 or
// 16-bit samples (16 big-endian, as netpbm specifies); float samples stored as 16-bit.

#include <fmt/format.h>

#include <vector>

#include "codecs/file_io.h"
#include "codecs/format_factories.h"
#include "codecs/row_conversion.h"
#include "tessera/error.h"

namespace tessera::codecs {
namespace {

class PnmEncoder final : public Encoder {
 public:
  PnmEncoder(const std::filesystem::path& path, int width, int height, PixelFormat format)
      : Encoder(width, height, format), file_(path), sixteen_(format.sample != SampleType::U8) {
    const unsigned maxval = sixteen_ ? 65535 : 255;
    std::string header;
    if (format.has_alpha()) {
      header = fmt::format("P7\nWIDTH {}\nHEIGHT {}\nDEPTH {}\nMAXVAL {}\nTUPLTYPE {}\nENDHDR\n",
                           width, height, format.channels(), maxval,
                           format.channels() == 2 ? "GRAYSCALE_ALPHA" : "RGB_ALPHA");
    } else {
      header =
          fmt::format("P{}\n{} {}\n{}\n", format.channels() == 1 ? 5 : 6, width, height, maxval);
    }
    file_.write(header.data(), header.size());
  }

 private:
  void encode_rows(const ImageView& rows) override {
    const std::size_t samples = static_cast<std::size_t>(rows.width()) * rows.format().channels();
    for (int y = 0; y < rows.height(); ++y) {
      if (!sixteen_) {
        file_.write(rows.row(y), samples);
        continue;
      }
      wide_.resize(samples);
      convert_row_to_u16(rows.row(y), rows.format(), rows.width(), wide_.data());
      bytes_.resize(samples * 2);
      for (std::size_t i = 0; i < samples; ++i) {
        bytes_[i * 2] = static_cast<std::uint8_t>(wide_[i] >> 8);
        bytes_[i * 2 + 1] = static_cast<std::uint8_t>(wide_[i]);
      }
      file_.write(bytes_.data(), bytes_.size());
    }
  }

  void finish_encoding() override { file_.commit(); }

  void check_output() const override { file_.throw_if_write_failed(); }

  AtomicOutputFile file_;
  bool sixteen_;
  std::vector<std::uint16_t> wide_;
  std::vector<std::uint8_t> bytes_;
};

}  // namespace

std::unique_ptr<Encoder> open_pnm_encoder(const std::filesystem::path& path, int width, int height,
                                          PixelFormat format, const EncodeOptions&) {
  return std::make_unique<PnmEncoder>(path, width, height, format);
}

}  // namespace tessera::codecs
