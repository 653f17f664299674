// HEIF (HEVC, through libheif's x265 encoder) and AVIF (AV1, through aom) encoding: 8-bit RGB
// or RGBA, lossy at the given quality, ICC carried. Rows are written straight into libheif's
// image plane; the encode itself runs in finish(), libheif having no row interface.

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <vector>

#include "codecs/extension.h"
#include "codecs/file_io.h"
#include "codecs/heif/heif_codec.h"
#include "codecs/heif/heif_support.h"
#include "codecs/row_conversion.h"
#include "tessera/error.h"

namespace tessera::codecs {
namespace {

struct EncoderOwner {
  heif_encoder* encoder = nullptr;
  ~EncoderOwner() { heif_encoder_release(encoder); }
};

heif_error write_to_file(heif_context*, const void* data, size_t size, void* file) {
  if (std::fwrite(data, 1, size, static_cast<std::FILE*>(file)) != size) {
    return {heif_error_Encoding_error, heif_suberror_Cannot_write_output_data,
            "cannot write the file (disk full?)"};
  }
  return {heif_error_Ok, heif_suberror_Unspecified, "ok"};
}

class HeifEncoder final : public Encoder {
 public:
  HeifEncoder(const std::filesystem::path& path, int width, int height, PixelFormat format,
              const EncodeOptions& options)
      : Encoder(path, width, height, format), file_(path), options_(options) {
    const std::string extension = lowercase_extension(path);
    compression_ = extension == ".avif" ? heif_compression_AV1 : heif_compression_HEVC;
    // Grey is stored as RGB (the encoders take colour), samples as 8 bits.
    alpha_ = format.has_alpha();
    check_heif(
        heif_image_create(width, height, heif_colorspace_RGB,
                          alpha_ ? heif_chroma_interleaved_RGBA : heif_chroma_interleaved_RGB,
                          &image_.image),
        path, "encode");
    check_heif(heif_image_add_plane(image_.image, heif_channel_interleaved, width, height, 8), path,
               "encode");
    int stride = 0;
    plane_ = heif_image_get_plane(image_.image, heif_channel_interleaved, &stride);
    stride_ = stride;
  }

 private:
  void encode_rows(const ImageView& rows) override {
    const int channels = alpha_ ? 4 : 3;
    const bool grey = rows.format().channels() <= 2;
    std::vector<std::uint8_t> samples(static_cast<std::size_t>(rows.width()) *
                                      rows.format().channels());
    for (int y = 0; y < rows.height(); ++y) {
      std::uint8_t* out = plane_ + static_cast<std::ptrdiff_t>(rows_written() + y) * stride_;
      if (!grey) {
        convert_row_to_u8(rows.row(y), rows.format(), rows.width(),
                          alpha_ ? ChannelLayout::Rgba : ChannelLayout::Rgb, out);
        continue;
      }
      convert_row_to_u8(rows.row(y), rows.format(), rows.width(), rows.format().layout,
                        samples.data());
      const int in_channels = rows.format().channels();
      for (int x = 0; x < rows.width(); ++x) {
        std::memset(out + x * channels, samples[static_cast<std::size_t>(x * in_channels)], 3);
        if (alpha_) out[x * 4 + 3] = samples[static_cast<std::size_t>(x * 2 + 1)];
      }
    }
  }

  void finish_encoding() override {
    const std::filesystem::path& path = file_.path();
    HeifContextOwner context;
    if (context.context == nullptr)
      throw Error(ErrorCode::OutOfMemory, "cannot create a libheif context");
    EncoderOwner encoder;
    check_heif(heif_context_get_encoder_for_format(context.context, compression_, &encoder.encoder),
               path, "encode");
    check_heif(heif_encoder_set_lossy_quality(encoder.encoder, options_.quality), path, "encode");
    if (!options_.icc_profile.empty()) {
      check_heif(heif_image_set_raw_color_profile(image_.image, "prof", options_.icc_profile.data(),
                                                  options_.icc_profile.size()),
                 path, "encode");
    }
    HeifHandleOwner handle;
    check_heif(heif_context_encode_image(context.context, image_.image, encoder.encoder, nullptr,
                                         &handle.handle),
               path, "encode");
    // EXIF (libheif adds the TIFF header's offset) and XMP as items of the primary image.
    const Metadata& metadata = options_.metadata;
    if (!metadata.exif.empty()) {
      check_heif(
          heif_context_add_exif_metadata(context.context, handle.handle, metadata.exif.data(),
                                         static_cast<int>(metadata.exif.size())),
          path, "encode");
    }
    if (!metadata.xmp.empty()) {
      check_heif(heif_context_add_XMP_metadata(context.context, handle.handle, metadata.xmp.data(),
                                               static_cast<int>(metadata.xmp.size())),
                 path, "encode");
    }
    heif_writer writer{1, write_to_file};
    check_heif(heif_context_write(context.context, &writer, file_.stream()), path, "encode");
    check_interrupt();
    file_.commit();
  }

  void check_output() const override { file_.throw_if_write_failed(); }

  AtomicOutputFile file_;
  EncodeOptions options_;
  heif_compression_format compression_ = heif_compression_HEVC;
  bool alpha_ = false;
  HeifImageOwner image_;
  std::uint8_t* plane_ = nullptr;
  std::ptrdiff_t stride_ = 0;
};

}  // namespace

std::unique_ptr<Encoder> open_heif_encoder(const std::filesystem::path& path, int width, int height,
                                           PixelFormat format, const EncodeOptions& options) {
  return std::make_unique<HeifEncoder>(path, width, height, format, options);
}

}  // namespace tessera::codecs
