// PNG encoding on libspng: 8 or 16 bits, every channel layout, zlib level, ICC.

#include <fmt/format.h>

#include <vector>

#include "codecs/file_io.h"
#include "codecs/png/png_codec.h"
#include "codecs/png/spng_context.h"
#include "codecs/row_conversion.h"
#include "tessera/error.h"

namespace tessera::codecs {
namespace {

std::uint8_t color_type(ChannelLayout layout) {
  switch (layout) {
    case ChannelLayout::Gray:
      return SPNG_COLOR_TYPE_GRAYSCALE;
    case ChannelLayout::GrayAlpha:
      return SPNG_COLOR_TYPE_GRAYSCALE_ALPHA;
    case ChannelLayout::Rgb:
      return SPNG_COLOR_TYPE_TRUECOLOR;
    case ChannelLayout::Rgba:
      return SPNG_COLOR_TYPE_TRUECOLOR_ALPHA;
  }
  return SPNG_COLOR_TYPE_TRUECOLOR;
}

class PngEncoder final : public Encoder {
 public:
  PngEncoder(const std::filesystem::path& path, int width, int height, PixelFormat format,
             const EncodeOptions& options)
      : Encoder(path, width, height, format), file_(path), context_(SPNG_CTX_ENCODER) {
    spng_ctx* ctx = context_.context;
    // Float samples are stored as 16 bits: PNG has no float form.
    sixteen_ = format.sample != SampleType::U8;
    spng_ihdr header{};
    header.width = static_cast<std::uint32_t>(width);
    header.height = static_cast<std::uint32_t>(height);
    header.bit_depth = sixteen_ ? 16 : 8;
    header.color_type = color_type(format.layout);
    check_spng(spng_set_png_file(ctx, file_.stream()), "encode", path);
    check_spng(spng_set_ihdr(ctx, &header), "encode", path);
    check_spng(spng_set_option(ctx, SPNG_IMG_COMPRESSION_LEVEL, options.png_compression), "encode",
               path);
    if (!options.icc_profile.empty()) {
      spng_iccp iccp{};
      std::snprintf(iccp.profile_name, sizeof iccp.profile_name, "ICC profile");
      iccp.profile_len = options.icc_profile.size();
      iccp.profile = const_cast<char*>(reinterpret_cast<const char*>(options.icc_profile.data()));
      check_spng(spng_set_iccp(ctx, &iccp), "encode", path);
    }
    check_spng(spng_encode_image(ctx, nullptr, 0, SPNG_FMT_PNG,
                                 SPNG_ENCODE_PROGRESSIVE | SPNG_ENCODE_FINALIZE),
               "encode", path);
    if (format.sample == SampleType::F32) {
      scratch_.resize(static_cast<std::size_t>(width) *
                      static_cast<std::size_t>(format.channels()));
    }
  }

 private:
  void encode_rows(const ImageView& rows) override {
    for (int y = 0; y < rows.height(); ++y) {
      const void* row = rows.row(y);
      std::size_t length = rows.row_bytes();
      if (!scratch_.empty()) {
        convert_row_to_u16(rows.row(y), rows.format(), rows.width(), scratch_.data());
        row = scratch_.data();
        length = scratch_.size() * sizeof(std::uint16_t);
      }
      const int status = spng_encode_row(context_.context, row, length);
      if (status != SPNG_EOI) check_spng(status, "encode", file_.path());
    }
  }

  void finish_encoding() override {
    check_interrupt();
    file_.commit();
  }

  void check_output() const override { file_.throw_if_write_failed(); }

  AtomicOutputFile file_;
  SpngContext context_;  // destroyed before file_, which then removes a partial file
  bool sixteen_ = false;
  std::vector<std::uint16_t> scratch_;
};

}  // namespace

std::unique_ptr<Encoder> open_png_encoder(const std::filesystem::path& path, int width, int height,
                                          PixelFormat format, const EncodeOptions& options) {
  return std::make_unique<PngEncoder>(path, width, height, format, options);
}

}  // namespace tessera::codecs
