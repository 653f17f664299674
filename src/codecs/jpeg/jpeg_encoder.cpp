// JPEG encoding on libjpeg-turbo: quality, progressive, chroma subsampling, ICC.

#include <fmt/format.h>

#include <vector>

#include "codecs/file_io.h"
#include "codecs/jpeg/jpeg_codec.h"
#include "codecs/jpeg/jpeg_error.h"
#include "codecs/row_conversion.h"
#include "tessera/error.h"

namespace tessera::codecs {
namespace {

// Owns the libjpeg compressor from the moment it exists; never moves.
struct JpegSink {
  JpegErrorManager errors;
  jpeg_compress_struct cinfo{};
  bool created = false;

  ~JpegSink() {
    if (created) jpeg_destroy_compress(&cinfo);
  }
};

class JpegEncoder final : public Encoder {
 public:
  JpegEncoder(const std::filesystem::path& path, int width, int height, PixelFormat format,
              const EncodeOptions& options)
      : Encoder(path, width, height, format), file_(path), sink_(std::make_unique<JpegSink>()) {
    jpeg_compress_struct& cinfo = sink_->cinfo;
    JpegErrorManager& errors = sink_->errors;
    install_error_manager(reinterpret_cast<jpeg_common_struct*>(&cinfo), errors);
    if (!guarded(errors, [&cinfo] { jpeg_create_compress(&cinfo); })) fail();
    sink_->created = true;
    install_fault_points(reinterpret_cast<jpeg_common_struct*>(&cinfo), errors);

    layout_ = without_alpha(format.layout);  // JPEG has no alpha: flattened onto white
    cinfo.image_width = static_cast<JDIMENSION>(width);
    cinfo.image_height = static_cast<JDIMENSION>(height);
    cinfo.input_components = channel_count(layout_);
    cinfo.in_color_space = layout_ == ChannelLayout::Gray ? JCS_GRAYSCALE : JCS_RGB;
    const int quality = options.quality;
    const bool progressive = options.progressive;
    const int horizontal = options.subsampling == ChromaSubsampling::S444 ? 1 : 2;
    const int vertical = options.subsampling == ChromaSubsampling::S420 ? 2 : 1;
    std::FILE* stream = file_.stream();
    if (!guarded(errors, [&cinfo, stream, quality, progressive, horizontal, vertical] {
          jpeg_stdio_dest(&cinfo, stream);
          jpeg_set_defaults(&cinfo);
          jpeg_set_quality(&cinfo, quality, TRUE);
          if (cinfo.in_color_space == JCS_RGB) {
            cinfo.comp_info[0].h_samp_factor = horizontal;
            cinfo.comp_info[0].v_samp_factor = vertical;
          }
          if (progressive) jpeg_simple_progression(&cinfo);
          jpeg_start_compress(&cinfo, TRUE);
        })) {
      fail();
    }
    if (!options.icc_profile.empty()) {
      const auto* icc = reinterpret_cast<const JOCTET*>(options.icc_profile.data());
      const auto icc_length = static_cast<unsigned>(options.icc_profile.size());
      if (!guarded(errors, [&cinfo, icc, icc_length] {
            jpeg_write_icc_profile(&cinfo, icc, icc_length);
          })) {
        fail();
      }
    }
    if (format.sample != SampleType::U8 || layout_ != format.layout) {
      scratch_.resize(static_cast<std::size_t>(width) *
                      static_cast<std::size_t>(channel_count(layout_)));
    }
  }

 private:
  [[noreturn]] void fail() const {
    throw jpeg_error(sink_->errors, "encode", file_.path().c_str());
  }

  void encode_rows(const ImageView& rows) override {
    jpeg_compress_struct& cinfo = sink_->cinfo;
    for (int y = 0; y < rows.height(); ++y) {
      JSAMPROW row = nullptr;
      if (scratch_.empty()) {
        // libjpeg takes non-const rows but only reads them.
        row = const_cast<JSAMPROW>(reinterpret_cast<const JSAMPLE*>(rows.row(y)));
      } else {
        convert_row_to_u8(rows.row(y), rows.format(), rows.width(), layout_, scratch_.data());
        row = scratch_.data();
      }
      if (!guarded(sink_->errors, [&cinfo, &row] { jpeg_write_scanlines(&cinfo, &row, 1); }))
        fail();
    }
  }

  void finish_encoding() override {
    jpeg_compress_struct& cinfo = sink_->cinfo;
    if (!guarded(sink_->errors, [&cinfo] { jpeg_finish_compress(&cinfo); })) fail();
    file_.commit();
  }

  void check_output() const override { file_.throw_if_write_failed(); }

  AtomicOutputFile file_;
  std::unique_ptr<JpegSink> sink_;  // destroyed before file_, which then removes a partial file
  ChannelLayout layout_ = ChannelLayout::Rgb;
  std::vector<std::uint8_t> scratch_;
};

}  // namespace

std::unique_ptr<Encoder> open_jpeg_encoder(const std::filesystem::path& path, int width, int height,
                                           PixelFormat format, const EncodeOptions& options) {
  return std::make_unique<JpegEncoder>(path, width, height, format, options);
}

}  // namespace tessera::codecs
